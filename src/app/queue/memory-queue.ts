import type { EnqueueResult, JobHandler, StopReport, WorkJob, WorkQueue } from "./work-queue.js";

interface Running {
  job: WorkJob;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The one-process queue: bounded concurrency, one job per MR at a time (two runs for one
 * MR would both find no sticky comment and both create one), newest SHA wins.
 */
export class MemoryWorkQueue implements WorkQueue {
  private readonly waiting: WorkJob[] = [];
  private readonly running = new Set<Running>();
  /** MR key → newest SHA seen; bounded, oldest MRs forgotten first. */
  private readonly latest = new Map<string, string>();
  private handler: JobHandler | undefined;
  private stopping = false;

  constructor(
    private readonly concurrency = 2,
    private readonly onDropped: (job: WorkJob, reason: string) => void = () => undefined,
    private readonly maxKeys = 50_000,
  ) {}

  async enqueue(job: WorkJob): Promise<EnqueueResult> {
    if (job.sha !== undefined && !this.isNewest(job.key, job.sha) && !job.supersedes) return "stale";
    if (job.supersedes && job.sha !== undefined) this.advance(job.key, job.sha);
    if (job.kind === "review" && this.hasReview(job.key, job.sha)) return "collapsed";
    this.waiting.push(job);
    this.pump();
    return "queued";
  }

  start(handler: JobHandler): void {
    this.handler = handler;
    this.pump();
  }

  async depth(): Promise<number> {
    return this.waiting.length;
  }

  async stop(graceMs: number): Promise<StopReport> {
    this.stopping = true;
    const dropped = this.waiting.splice(0);
    const all = Promise.all([...this.running].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const run of this.running) {
      run.controller.abort(new Error("shutting down"));
      dropped.push(run.job);
    }
    return { handedBack: [], dropped };
  }

  private isNewest(key: string, sha: string): boolean {
    const newest = this.latest.get(key);
    return newest === undefined || newest === sha;
  }

  /** Record the newest SHA; drop waiting work for older SHAs and stop running work for them. */
  private advance(key: string, sha: string): void {
    this.latest.delete(key);
    this.latest.set(key, sha);
    while (this.latest.size > this.maxKeys) {
      const oldest = this.latest.keys().next().value;
      if (oldest === undefined) break;
      this.latest.delete(oldest);
    }
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const queued = this.waiting[i];
      if (queued.key === key && queued.sha !== undefined && queued.sha !== sha) {
        this.waiting.splice(i, 1);
        this.onDropped(queued, `superseded by ${sha}`);
      }
    }
    for (const run of this.running) {
      if (run.job.key === key && run.job.sha !== undefined && run.job.sha !== sha) run.controller.abort(new Error(`superseded by ${sha}`));
    }
  }

  private hasReview(key: string, sha: string | undefined): boolean {
    const same = (job: WorkJob) => job.kind === "review" && job.key === key && job.sha === sha;
    return this.waiting.some(same) || [...this.running].some((r) => same(r.job) && !r.controller.signal.aborted);
  }

  /** Start waiting jobs while there is room, skipping MRs that already have a job running. */
  private pump(): void {
    const handler = this.handler;
    if (!handler || this.stopping) return;
    while (this.running.size < this.concurrency) {
      const busy = new Set([...this.running].map((r) => r.job.key));
      const index = this.waiting.findIndex((job) => !busy.has(job.key));
      if (index < 0) return;
      const [job] = this.waiting.splice(index, 1);
      const controller = new AbortController();
      const run: Running = { job, controller, done: Promise.resolve() };
      const control = {
        signal: controller.signal,
        isCurrent: async () => !controller.signal.aborted && (job.sha === undefined || this.isNewest(job.key, job.sha)),
        newest: async () => this.latest.get(job.key),
      };
      run.done = handler(job, control)
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          this.running.delete(run);
          this.pump();
        });
      this.running.add(run);
    }
  }
}
