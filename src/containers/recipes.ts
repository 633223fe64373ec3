import { compilePathGlob } from "../core/fnmatch.js";
import { normalizePath } from "../core/file-source.js";
import type { ResolvedText } from "../gitlab-ci/pipeline.js";
import { resolvedPattern } from "./expanded-text.js";
import type { ImageBuild } from "./model.js";
import { atomPatternsOverlap, isHole, toAtoms, type Atom } from "./text-atoms.js";

/**
 * Paths that count as container recipes unless `.ci-explain.yml` says otherwise
 * (`containers.recipes`). Matched like `rules:changes` globs (Ruby `File.fnmatch` with
 * PATHNAME|DOTMATCH|EXTGLOB), so `**​/Dockerfile` also matches a top-level `Dockerfile`.
 */
export const DEFAULT_RECIPE_GLOBS: readonly string[] = [
  "**/Dockerfile",
  "**/Dockerfile.*",
  "**/*.Dockerfile",
  "**/Containerfile",
  "**/Containerfile.*",
  "**/*.docker",
  "**/*.dockerfile",
];

/** A predicate for repository paths, compiled once from the globs. */
export function recipeMatcher(globs: readonly string[] = DEFAULT_RECIPE_GLOBS): (path: string) => boolean {
  const matchers = globs.map(compilePathGlob);
  return (path) => {
    const p = normalizePath(path);
    return matchers.some((m) => m(p));
  };
}

export interface RecipeBuildLink {
  build: ImageBuild;
  /** "yes": the build's recipe is this file; "maybe": its path has unknown parts that could make it this file. */
  match: "yes" | "maybe";
}

export interface RecipeLink {
  /** Repository-relative path. */
  path: string;
  /** Whether the path matches the recipe globs (a file a build uses is a recipe either way). */
  matchesGlobs: boolean;
  builds: RecipeBuildLink[];
}

/**
 * For each changed file that is a recipe (by the globs, or because a build surely uses
 * it), the builds that build from it. A build whose recipe path has unknown parts links
 * as "maybe" when its known parts fit (`ci/«$NAME».Dockerfile` fits `ci/debian.Dockerfile`),
 * never "yes"; "maybe" links are only made to files that match the recipe globs, so a
 * fully unknown path does not claim every changed file.
 */
export function linkRecipes(
  builds: readonly ImageBuild[],
  changedFiles: readonly string[],
  isRecipe: (path: string) => boolean = recipeMatcher(),
): RecipeLink[] {
  const links: RecipeLink[] = [];
  for (const file of changedFiles) {
    const path = normalizePath(file);
    const matchesGlobs = isRecipe(path);
    const linked: RecipeBuildLink[] = [];
    for (const build of builds) {
      if (!build.dockerfile) continue;
      const match = recipeMatch(build.dockerfile, path);
      if (match === "yes" || (match === "maybe" && matchesGlobs)) linked.push({ build, match });
    }
    if (matchesGlobs || linked.length > 0) links.push({ path, matchesGlobs, builds: linked });
  }
  return links;
}

/** Whether a resolved recipe path is `path`: "yes", "maybe" (unknown parts could make it so), or "no". */
export function recipeMatch(dockerfile: ResolvedText, path: string): "yes" | "maybe" | "no" {
  const target = normalizePath(path);
  if (dockerfile.known) return normalizePath(dockerfile.text) === target ? "yes" : "no";
  const atoms = stripDotSlash(toAtoms(resolvedPattern(dockerfile)));
  return atomPatternsOverlap(atoms, [...target]) ? "maybe" : "no";
}

function stripDotSlash(atoms: Atom[]): Atom[] {
  let a = atoms;
  while (a[0] === "." && a[1] === "/" && !isHole(a[0])) a = a.slice(2);
  return a;
}
