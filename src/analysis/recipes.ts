import { recipeMatcher } from "../containers/recipes.js";
import { normalizePath, type FileSource } from "../core/file-source.js";
import { jobsOf } from "./images.js";
import type { ContextAnalysis, Recipe } from "./model.js";

/**
 * Every container recipe of either revision: files matching the recipe globs
 * (`containers.recipes`, matched like `rules:changes` paths) and every file a job builds from.
 * For each, whether the change touches it and which jobs rebuild it in each context (after side).
 */
export async function findRecipes(
  sources: FileSource[],
  globs: string[],
  contexts: ContextAnalysis[],
  changedFiles: string[],
): Promise<Recipe[]> {
  const isRecipe = recipeMatcher(globs);
  const paths = new Set<string>();
  for (const source of sources) {
    for (const file of await source.list("")) if (isRecipe(file)) paths.add(file);
  }
  const builtIn = new Map<string, Record<string, string[]>>();
  for (const c of contexts) {
    for (const pipeline of [c.before, c.after]) {
      for (const job of jobsOf(pipeline)) {
        for (const b of job.builds) {
          if (!b.dockerfile?.known) continue;
          const path = normalizePath(b.dockerfile.text);
          paths.add(path);
          if (pipeline !== c.after) continue;
          const byContext = builtIn.get(path) ?? {};
          const jobs = (byContext[c.context.name] ??= []);
          if (!jobs.includes(job.name)) jobs.push(job.name);
          builtIn.set(path, byContext);
        }
      }
    }
  }
  const changed = new Set(changedFiles);
  return [...paths].sort().map((path) => ({ path, changed: changed.has(path), builtIn: builtIn.get(path) ?? {} }));
}
