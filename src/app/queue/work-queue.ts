import { SupersededError, writesUnguarded } from "../../platforms/write-guard.js";

export { SupersededError };

/**
 * The bot's work queue: webhook handlers validate, de-duplicate and enqueue, and answer
 * at once; a pool of workers runs the analyses. Two implementations: in memory (one
 * process, the default) and BullMQ on Redis (any number of replicas).
 */

/** One piece of work for one merge/pull request. Everything in it is JSON, so Redis can carry it. */
export interface WorkJob<P = unknown> {
  /** The MR the work is about, e.g. `github:acme/demo#7`: work for one key never runs twice at once. */
  key: string;
  /** The head SHA the work is for; undefined when the handler does not know it yet (a comment command). */
  sha?: string;
  /** The webhook delivery that asked for it (X-GitHub-Delivery, GitLab Idempotency-Key), for logs. */
  deliveryId: string;
  /**
   * `review`: an automatic review of `sha`; repeated events for one SHA collapse into one.
   * `command` and `rerun`: a person asked; each is its own job.
   * `outcome`: a pipeline (workflow run) of `sha` finished; its jobs are compared with the prediction.
   */
  kind: "review" | "command" | "rerun" | "outcome";
  /** The SHA becomes the MR's newest: queued work for older SHAs is dropped, running work stops before writing. */
  supersedes: boolean;
  payload: P;
  /** Set when a stopping replica handed the job back (its delivery was claimed when it arrived). */
  resumed?: boolean;
}

/** What a running job may consult. */
export interface JobControl {
  /** Aborted when a newer SHA arrives for the MR, or when the process shuts down and hands the job back. */
  signal: AbortSignal;
  /** Is the job's SHA still the MR's newest (and may the job still write)? Consult right before every write. */
  isCurrent(): Promise<boolean>;
  /** The change's newest SHA as the queue knows it (for "superseded by …"), if it knows one. */
  newest?(): Promise<string | undefined>;
}

export type JobOutcome = "done" | "failed" | "superseded";

export type JobHandler = (job: WorkJob, control: JobControl) => Promise<JobOutcome>;

/** `queued`: new work; `collapsed`: the same review is already queued or running; `stale`: an older SHA than the MR's newest. */
export type EnqueueResult = "queued" | "collapsed" | "stale";

export interface StopReport {
  /** Jobs left in the shared queue for another replica (Redis). */
  handedBack: WorkJob[];
  /** Jobs that are lost with this process (memory): logged with their delivery ids. */
  dropped: WorkJob[];
}

export interface WorkQueue {
  enqueue(job: WorkJob): Promise<EnqueueResult>;
  /** Start the workers; `handler` runs each job. */
  start(handler: JobHandler): void;
  /** Jobs waiting (not running). */
  depth(): Promise<number>;
  /** Stop taking work, give running jobs up to `graceMs`, then hand back or drop the rest. */
  stop(graceMs: number): Promise<StopReport>;
}

/** The guard a publisher runs before every write: throws SupersededError when the job must not write. */
export function writeGuard(job: WorkJob, control: JobControl): () => Promise<void> {
  return async () => {
    if (writesUnguarded()) return;
    if (control.signal.aborted || !(await control.isCurrent())) {
      const newest = await control.newest?.().catch(() => undefined);
      throw new SupersededError(job, newest !== job.sha ? newest : undefined);
    }
  };
}

/** How a job that ran to its end finished: superseded when a newer SHA took over meanwhile, else as its work says. */
export async function jobOutcome(control: JobControl, ok: boolean): Promise<JobOutcome> {
  if (control.signal.aborted || !(await control.isCurrent())) return "superseded";
  return ok ? "done" : "failed";
}

/** WORKER_CONCURRENCY, default 2: analyses are CPU work, and the API limits favour few at a time. */
export function workerConcurrency(env: Record<string, string | undefined>): number {
  const n = Number(env.WORKER_CONCURRENCY);
  return Number.isInteger(n) && n > 0 ? n : 2;
}
