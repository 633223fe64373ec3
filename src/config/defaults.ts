import { DEFAULT_RECIPE_GLOBS } from "../containers/recipes.js";
import { GITLAB_COM } from "../gitlab-ci/context.js";
import type { Settings } from "./settings.js";

/**
 * Paths that count as container recipes when `.ci-explain.yml` does not say otherwise (the
 * containers module's list). Any file a container job builds from counts as a recipe as well.
 */
export const DEFAULT_RECIPES: readonly string[] = DEFAULT_RECIPE_GLOBS;

/** Settings when the repository has no `.ci-explain.yml` (or an invalid one). */
export function defaultSettings(): Settings {
  return {
    serverUrl: GITLAB_COM.url,
    registry: GITLAB_COM.registry,
    ciConfigPath: ".gitlab-ci.yml",
    variables: {},
    forkVariables: {},
    containers: { recipes: [...DEFAULT_RECIPES] },
    // No remote include is fetched unless the project names its host.
    includes: { remoteHosts: [] },
    hazards: {},
    comment: {
      // Product decision: a draft is analysed (the status check is set) but not commented on,
      // so work in progress is not noisy; `comment.on_drafts: true` turns comments on.
      onDrafts: false,
      // The command only reads the repository and edits the bot's own comment.
      commandsFrom: "anyone",
      // A warning should be seen but should not block a required check by default.
      warningConclusion: "neutral",
      // The comment describes the change; a line about a past pipeline is for those who ask.
      predictionMisses: false,
    },
  };
}
