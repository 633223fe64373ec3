import { recipeMatch } from "../../containers/recipes.js";
import { jobsOf } from "../images.js";
import type { AnalysedJob } from "../model.js";
import type { Finding, HazardCheck } from "./check.js";
import { listNames } from "./watched.js";

/**
 * The change edits a container recipe, yet a context that runs jobs has no job that builds from
 * it: that context's jobs keep running in an image built from the old recipe. A build whose
 * recipe is unknown might be this one, so such a context is not claimed.
 */
export const dockerfileNotRebuilt: HazardCheck = {
  kind: "dockerfile-not-rebuilt",
  severity: "warning",
  scope: "change",
  check(_before, revision, change) {
    const findings: Finding[] = [];
    for (const recipe of change.changedRecipes) {
      const contexts: string[] = [];
      let builtAnywhere = false;
      for (const { context, pipeline } of revision.runs) {
        const jobs = jobsOf(pipeline);
        if (jobs.length === 0) continue;
        const match = bestMatch(jobs, recipe);
        if (match === "yes") builtAnywhere = true;
        else if (match === "no") contexts.push(context.name);
      }
      if (contexts.length === 0) continue;
      findings.push({
        key: recipe,
        message: builtAnywhere
          ? `\`${recipe}\` changes, but no job rebuilds it on ${listNames(contexts)}: jobs there keep running in an image built from the old recipe.`
          : `\`${recipe}\` changes, but no job in any analysed context builds it.`,
        contexts,
        images: [],
        jobs: [],
        source: { file: recipe, line: 1 },
      });
    }
    return findings;
  },
};

/** Whether some build of the jobs builds from the recipe: "yes" if one surely does, else "maybe" if one may. */
function bestMatch(jobs: AnalysedJob[], recipe: string): "yes" | "maybe" | "no" {
  let best: "maybe" | "no" = "no";
  for (const job of jobs) {
    for (const build of job.builds) {
      const match = build.dockerfile ? recipeMatch(build.dockerfile, recipe) : "no";
      if (match === "yes") return "yes";
      if (match === "maybe") best = "maybe";
    }
  }
  return best;
}
