import { SETTINGS_PATHS } from "../config/load-settings.js";
import type { FileSource } from "../core/file-source.js";
import type { Recipe, RevisionInfo } from "./model.js";

/** What an Analysis says about one side of the change, for either CI dialect. */
export function revisionInfo(source: FileSource, sha: string | undefined, diagnostics: RevisionInfo["diagnostics"], ciFiles: string[]): RevisionInfo {
  return { ...(sha ? { sha } : {}), label: source.label, diagnostics, ciFiles };
}

/** The change touches CI when it edits a CI file of either side, the bot's settings or a container recipe. */
export function touchesCi(changedFiles: readonly string[], ciFiles: ReadonlySet<string>, recipes: readonly Recipe[]): boolean {
  return changedFiles.some((f) => ciFiles.has(f) || SETTINGS_PATHS.includes(f) || recipes.some((r) => r.path === f));
}
