import type { PipelineJob } from "./pipeline.js";

/** `true`, `false`, or `exit codes 1, 137` (allow_failure: exit_codes). */
export function describeAllowFailure(job: Pick<PipelineJob, "allowFailure" | "allowFailureExitCodes">): string {
  if (job.allowFailure || !job.allowFailureExitCodes?.length) return String(job.allowFailure);
  return `exit codes ${job.allowFailureExitCodes.join(", ")}`;
}

/** Whether `after` lets some failure pass that `before` did not (a failure that failed the pipeline no longer does). */
export function allowsMoreFailures(before: Pick<PipelineJob, "allowFailure" | "allowFailureExitCodes">, after: Pick<PipelineJob, "allowFailure" | "allowFailureExitCodes">): boolean {
  if (before.allowFailure) return false;
  if (after.allowFailure) return true;
  const allowed = new Set(before.allowFailureExitCodes ?? []);
  return (after.allowFailureExitCodes ?? []).some((code) => !allowed.has(code));
}
