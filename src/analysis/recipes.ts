import { recipeMatcher } from "../containers/recipes.js";
import { normalizePath, type FileSource } from "../core/file-source.js";
import { fileExists } from "./file-presence.js";
import { jobsOf } from "./images.js";
import type { ContextAnalysis, Recipe } from "./model.js";

/**
 * The container recipes the report needs: changed files that match the recipe globs
 * (`containers.recipes`, matched like `rules:changes` paths) and every file a job builds from
 * that exists in either revision (or that the change touches). For each, whether the change
 * touches it and which jobs rebuild it in each context (after side). The tree is never listed:
 * the changed files are known, and a referenced recipe is checked by reading that one path.
 */
export async function findRecipes(
  sources: FileSource[],
  globs: string[],
  contexts: ContextAnalysis[],
  changedFiles: string[],
): Promise<Recipe[]> {
  const isRecipe = recipeMatcher(globs);
  const changed = new Set(changedFiles.map(normalizePath));
  const paths = new Set([...changed].filter(isRecipe));
  const builtIn = new Map<string, Record<string, string[]>>();
  const referenced = new Set<string>();
  for (const c of contexts) {
    for (const pipeline of [c.before, c.after]) {
      for (const job of jobsOf(pipeline)) {
        for (const b of job.builds) {
          if (!b.dockerfile?.known) continue;
          const path = normalizePath(b.dockerfile.text);
          referenced.add(path);
          if (pipeline !== c.after) continue;
          const byContext = builtIn.get(path) ?? {};
          const jobs = (byContext[c.context.name] ??= []);
          if (!jobs.includes(job.name)) jobs.push(job.name);
          builtIn.set(path, byContext);
        }
      }
    }
  }
  const present = await Promise.all(
    [...referenced].map(async (path) => changed.has(path) || (await existsInAny(sources, path)) ? path : undefined),
  );
  for (const path of present) if (path !== undefined) paths.add(path);
  return [...paths].sort().map((path) => ({ path, changed: changed.has(path), builtIn: builtIn.get(path) ?? {} }));
}

async function existsInAny(sources: FileSource[], path: string): Promise<boolean> {
  for (const source of sources) if (await fileExists(source, path)) return true;
  return false;
}

/** The changed recipes that still exist in head (a deleted recipe needs no rebuild). */
export async function changedRecipesIn(head: FileSource, recipes: Recipe[]): Promise<string[]> {
  const changed = recipes.filter((r) => r.changed);
  const exists = await Promise.all(changed.map((r) => fileExists(head, r.path)));
  return changed.filter((_, i) => exists[i]).map((r) => r.path);
}
