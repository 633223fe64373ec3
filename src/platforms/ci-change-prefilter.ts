import { SETTINGS_PATHS } from "../config/load-settings.js";
import type { Settings } from "../config/settings.js";
import { compilePathGlob } from "../core/fnmatch.js";

/**
 * The cheap first look at a change, before any CI file is fetched: could it touch CI at all?
 * CI files are YAML (the root config and everything it includes), recipes match the
 * configured globs, and the bot's own settings count too. A false answer is final
 * ("no CI change"); a true one is settled by the analysis, which knows every included file.
 */
export function mayChangeCi(changedFiles: string[], settings: Settings): boolean {
  const recipes = settings.containers.recipes.map(compilePathGlob);
  return changedFiles.some(
    (path) =>
      /\.ya?ml$/i.test(path) ||
      path === settings.ciConfigPath ||
      SETTINGS_PATHS.includes(path) ||
      recipes.some((matches) => matches(path)),
  );
}
