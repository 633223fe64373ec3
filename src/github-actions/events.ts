import type { PipelineSource } from "../gitlab-ci/context.js";

/**
 * The events a GitHub Actions run can be simulated for (the CLI's `--event`, a context's `event:`
 * in `.ci-explain.yml`).
 */
export const ACTIONS_EVENTS = ["push", "pull_request", "pull_request_target", "schedule", "workflow_dispatch", "release"] as const;

export const PR_EVENTS: readonly string[] = ["pull_request", "pull_request_target"];

/**
 * The GitHub event a GitLab pipeline source stands for, so that one `.ci-explain.yml` context
 * means the same run on both platforms: an MR pipeline is a pull_request run, a pipeline started
 * from the UI or the API is a manual dispatch. Sources with no GitHub counterpart (a parent
 * pipeline, ChatOps, the Web IDE) have none.
 */
export function eventForSource(source: PipelineSource): string | undefined {
  switch (source) {
    case "push":
      return "push";
    case "merge_request_event":
    case "external_pull_request_event":
      return "pull_request";
    case "schedule":
      return "schedule";
    case "web":
    case "api":
      return "workflow_dispatch";
    default:
      return undefined;
  }
}

/** The GitLab-shaped `source` a run of this event is given (the shared Pipeline model keys on it). */
export function sourceOf(event: string): PipelineSource {
  if (event === "schedule") return "schedule";
  if (event === "workflow_dispatch") return "web";
  if (PR_EVENTS.includes(event)) return "merge_request_event";
  return "push";
}
