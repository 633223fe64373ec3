import type { RunInputs } from "../gitlab-ci/context.js";
import type { BranchContext } from "./model.js";

/**
 * A context with the run inputs given for it (CLI options, a context of `.ci-explain.yml`): the
 * PR number on a merge/pull request ref, the commit, the PR's head commit, the clock, and (for
 * runs of the event it belongs to) the webhook payload. `sha` is the pipeline's commit in GitLab
 * (`CI_COMMIT_SHA`) and `github.sha` in GitHub Actions, on every event.
 */
export function withRunInputs(context: BranchContext, run: RunInputs | undefined, dialect: "gitlab-ci" | "github-actions"): BranchContext {
  if (!run) return context;
  const ref = context.ref.kind === "mr" && run.prNumber !== undefined ? { ...context.ref, iid: run.prNumber } : context.ref;
  const payloadApplies = run.eventPayload !== undefined && dialect === "github-actions" && (run.event === undefined || run.event === context.event);
  return {
    ...context,
    ref,
    ...(run.sha ? (dialect === "github-actions" ? { runSha: run.sha } : { commitSha: run.sha }) : {}),
    ...(run.prHeadSha && context.ref.kind === "mr" ? { prHeadSha: run.prHeadSha } : {}),
    ...(run.now ? { now: run.now } : {}),
    ...(payloadApplies ? { eventPayload: run.eventPayload } : {}),
  };
}
