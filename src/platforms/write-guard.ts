import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Stale work must not write: a job whose change got a newer head SHA stops at its next
 * write (SupersededError). The guard lives with the job that runs, so one API client
 * serves every job: the worker runs the job inside `runWithWriteGuard`, and the client's
 * `beforeWrite` (the octokit hook, the gitbeaker requester) asks `checkWrite`.
 */

/** Thrown by a write guard when the job's SHA is no longer current: the job ends as `superseded`. */
export class SupersededError extends Error {
  constructor(
    readonly job: { key: string; sha?: string },
    /** The SHA that replaced the job's, when the queue knows it (not when shutting down). */
    readonly by?: string,
  ) {
    super(`work for ${job.key} at ${job.sha ?? "?"} was superseded${by ? ` by ${by}` : " by a newer push"}`);
    this.name = "SupersededError";
  }
}

interface Scope {
  guard?: () => Promise<void>;
  unguarded?: boolean;
}

const scope = new AsyncLocalStorage<Scope>();

/** Run a job's work with `guard` consulted before each of its writes. */
export function runWithWriteGuard<T>(guard: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  return scope.run({ guard }, work);
}

/**
 * Writes that must happen although the job is stale: closing the stale SHA's own check or
 * status as "superseded", so it is not left in progress for ever. Nothing else.
 */
export function withoutWriteGuard<T>(work: () => Promise<T>): Promise<T> {
  return scope.run({ ...scope.getStore(), unguarded: true }, work);
}

/** True inside `withoutWriteGuard`. */
export function writesUnguarded(): boolean {
  return scope.getStore()?.unguarded === true;
}

/** The `beforeWrite` of an API client shared by all jobs: the running job's guard, if any. */
export async function checkWrite(): Promise<void> {
  const current = scope.getStore();
  if (current && !current.unguarded) await current.guard?.();
}
