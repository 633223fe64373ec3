import type { BotMetrics } from "../observability/metrics.js";
import { jobLogger, type Logger } from "../observability/job-logger.js";
import type { EnqueueResult, JobControl, JobOutcome, WorkJob, WorkQueue } from "./work-queue.js";

export type PlatformJobHandler = (job: WorkJob, control: JobControl, log: Logger) => Promise<JobOutcome>;

/**
 * One queue, several platforms: the webhook routes enqueue through it, and each platform
 * registers the worker for its own jobs (the job key starts with the platform name).
 * Counts outcomes and durations for /metrics and logs one line per finished job.
 */
export class JobRouter {
  private readonly handlers = new Map<string, PlatformJobHandler>();

  constructor(
    readonly queue: WorkQueue,
    private readonly log: Logger,
    private readonly metrics?: BotMetrics,
  ) {}

  register(platform: string, handler: PlatformJobHandler): void {
    this.handlers.set(platform, handler);
  }

  async enqueue(job: WorkJob): Promise<EnqueueResult> {
    const result = await this.queue.enqueue(job);
    jobLogger(this.log, job).debug({ result }, "ci-explain enqueued");
    if (result !== "queued") this.metrics?.webhooksRejected.inc({ platform: platformOf(job), reason: result });
    return result;
  }

  start(): void {
    this.queue.start((job, control) => this.run(job, control));
  }

  private async run(job: WorkJob, control: JobControl): Promise<JobOutcome> {
    const platform = platformOf(job);
    const log = jobLogger(this.log, job);
    const handler = this.handlers.get(platform);
    if (!handler) {
      log.error({}, `ci-explain has no worker for ${platform} jobs`);
      return "failed";
    }
    const stop = this.metrics?.analysisSeconds.startTimer({ platform });
    let outcome: JobOutcome;
    try {
      outcome = await handler(job, control, log);
    } catch (err) {
      outcome = control.signal.aborted || !(await control.isCurrent()) ? "superseded" : "failed";
      if (outcome === "failed") log.error({ err }, "ci-explain job failed");
    }
    stop?.();
    this.metrics?.analyses.inc({ platform, outcome });
    log.info({ outcome }, "ci-explain job finished");
    return outcome;
  }
}

export function platformOf(job: Pick<WorkJob, "key">): string {
  return job.key.split(":")[0];
}
