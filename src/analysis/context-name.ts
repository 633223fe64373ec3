import type { RefSpec } from "../gitlab-ci/context.js";

/** What a platform calls a change under review: a GitLab merge request, a GitHub pull request. */
export type ChangeNoun = "MR" | "PR";

/**
 * The name of the pipeline a merge/pull request runs (`MR feature → main`). The analysis names
 * its contexts with GitLab's noun; a report shows them with its platform's (report/context-name.ts),
 * both through this one function. A GitHub `pull_request_target` run is set apart, as it runs
 * the target branch's workflow.
 */
export function changePipelineName(noun: ChangeNoun, ref: Extract<RefSpec, { kind: "mr" }>, event?: string): string {
  return `${noun}${event === "pull_request_target" ? " (target)" : ""} ${ref.source} → ${ref.target}`;
}
