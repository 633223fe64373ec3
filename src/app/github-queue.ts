import { Context, type Probot } from "probot";
import { runWithWriteGuard } from "../platforms/write-guard.js";
import type { Logger } from "./observability/job-logger.js";
import type { BotMetrics } from "./observability/metrics.js";
import type { JobRouter } from "./queue/job-router.js";
import { jobOutcome, writeGuard, type JobOutcome, type WorkJob } from "./queue/work-queue.js";

/** A GitHub webhook as a queued job carries it: enough to rebuild the event in any replica. */
export interface GitHubEventJob {
  name: string;
  id: string;
  installationId: number;
  payload: unknown;
}

/**
 * The job for one webhook: its MR key, head SHA and kind, read from the payload loosely
 * (the handler validates it fully when it runs). Pull request events are automatic
 * reviews of their head SHA; a comment is a command; a Re-run is its own job.
 */
export function gitHubJobFor(context: Pick<Context, "name" | "id" | "payload">): WorkJob<GitHubEventJob> | undefined {
  const payload = context.payload as {
    repository?: { full_name?: string };
    installation?: { id?: number };
    pull_request?: { number?: number; head?: { sha?: string } };
    issue?: { number?: number };
    check_run?: { head_sha?: string; pull_requests?: Array<{ number?: number }> };
    check_suite?: { head_sha?: string; pull_requests?: Array<{ number?: number }> };
    workflow_run?: { head_sha?: string };
    merge_group?: { head_sha?: string; head_ref?: string };
    action?: string;
  };
  const repo = payload.repository?.full_name;
  const installationId = payload.installation?.id;
  if (!repo || installationId === undefined) return undefined;
  const event: GitHubEventJob = { name: context.name, id: context.id, installationId, payload: context.payload };
  const base = { deliveryId: context.id, payload: event };
  if (context.name === "pull_request" && payload.pull_request?.number !== undefined) {
    return { ...base, key: `github:${repo}#${payload.pull_request.number}`, sha: payload.pull_request.head?.sha, kind: "review", supersedes: true };
  }
  if (context.name === "issue_comment" && payload.issue?.number !== undefined) {
    return { ...base, key: `github:${repo}#${payload.issue.number}`, kind: "command", supersedes: false };
  }
  // A finished workflow run (or GitHub Actions' check suite): compared with the prediction for its commit.
  const finished = context.name === "workflow_run" ? payload.workflow_run?.head_sha : context.name === "check_suite" && payload.action === "completed" ? payload.check_suite?.head_sha : undefined;
  if (finished) return { ...base, key: `github:${repo}@${finished}`, sha: finished, kind: "outcome", supersedes: false };
  if (context.name === "merge_group" && payload.merge_group?.head_sha) {
    // Each merge group is its own commit on its own queue branch: nothing supersedes it.
    return { ...base, key: `github:${repo}@${payload.merge_group.head_ref ?? payload.merge_group.head_sha}`, sha: payload.merge_group.head_sha, kind: "review", supersedes: false };
  }
  const check = payload.check_run ?? payload.check_suite;
  if (check?.head_sha) {
    const number = check.pull_requests?.[0]?.number;
    // A person asked for this SHA, even an older one: it runs (no SHA, so never "stale") and
    // writes that SHA's check; the handler leaves the sticky comment alone unless the SHA is the PR's head.
    return { ...base, key: number === undefined ? `github:${repo}@${check.head_sha}` : `github:${repo}#${number}`, kind: "rerun", supersedes: false };
  }
  return undefined;
}

/**
 * The webhook side: turn the event into a job and answer. Events that are not work
 * (no repository, an app-level event) are counted and dropped.
 */
export async function enqueueGitHubEvent(jobs: JobRouter, metrics: BotMetrics | undefined, context: Context): Promise<void> {
  metrics?.webhooksReceived.inc({ platform: "github", event: context.name });
  const job = gitHubJobFor(context);
  if (!job) {
    metrics?.webhooksRejected.inc({ platform: "github", reason: "not-work" });
    context.log.info({ event: context.name, delivery: context.id }, "ci-explain skipped: the event names no repository or installation");
    return;
  }
  await jobs.enqueue(job);
}

/**
 * The worker side: an installation client for the job (counted, and guarded so a stale
 * job cannot write), the event rebuilt as a Probot Context, and the app's own handler.
 */
export function gitHubWorker(app: Probot, handle: (context: Context) => Promise<boolean>) {
  return async (job: WorkJob, control: Parameters<typeof writeGuard>[1], log: Logger): Promise<JobOutcome> => {
    const event = job.payload as GitHubEventJob;
    const octokit = await app.auth(event.installationId);
    const context = new Context({ id: event.id, name: event.name, payload: event.payload } as ConstructorParameters<typeof Context>[0], octokit, log as unknown as ConstructorParameters<typeof Context>[2]);
    // The client's `beforeWrite` (politeOctokit) asks this job's guard: a superseded job never writes.
    return jobOutcome(control, await runWithWriteGuard(writeGuard(job, control), () => handle(context)));
  };
}
