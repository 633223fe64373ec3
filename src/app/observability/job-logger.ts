import type { WorkJob } from "../queue/work-queue.js";

/** The part of a pino logger the workers use; Probot's `app.log` and plain pino both fit. */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/**
 * A child logger for one job: every line it writes carries the delivery id, repository,
 * MR and SHA, so `grep delivery=…` finds the whole story of one webhook.
 */
export function jobLogger(base: Logger, job: WorkJob): Logger {
  const [platform, rest = ""] = job.key.split(/:(.*)/s);
  const [repository, mr] = rest.split("#");
  return base.child({ delivery: job.deliveryId, platform, repository, mr: mr === undefined ? undefined : Number(mr), sha: job.sha, job: job.kind });
}
