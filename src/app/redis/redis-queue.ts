import { createHash, randomUUID } from "node:crypto";
import { DelayedError, Queue, WaitingError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { EnqueueResult, JobControl, JobHandler, StopReport, WorkJob, WorkQueue } from "../queue/work-queue.js";
import { KEY_PREFIX } from "./connection.js";

export interface RedisQueueOptions {
  /** Separate connections: BullMQ's worker blocks on its own. */
  connection: () => Redis;
  concurrency: number;
  /** Queue name; tests use their own. */
  name?: string;
  /** How long a replica holds an MR's lock without renewing it (a crashed replica's lock expires). */
  lockMs?: number;
  onDropped?(job: WorkJob, reason: string): void;
  /** A running job given back to the queue before it finished (its MR lock was lost). */
  onHandedBack?(job: WorkJob, reason: string): void;
}

interface Active {
  job: WorkJob;
  controller: AbortController;
  handBack(): void;
}

/** Releases the MR lock only if this replica still holds it. */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
/** Extends the MR lock only if this replica still holds it. */
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * The queue for several replicas, on BullMQ:
 * - collapse: an automatic review's job id is (MR, SHA), so the same review is queued once;
 * - superseding: the MR's newest SHA lives in a Redis key; a newer one removes the waiting
 *   job of the older SHA, and a job checks the key when it starts and before every write;
 * - one job per MR at a time across replicas: a Redis lock (SET NX PX, renewed); a job that
 *   finds it taken goes back to the delayed set for a moment;
 * - shutdown: running jobs get the grace period, then go back to the wait list (their
 *   writes are blocked from then on) for another replica or the restarted one.
 */
export class RedisWorkQueue implements WorkQueue {
  private readonly name: string;
  private readonly redis: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly active = new Map<string, Active>();
  private readonly lockMs: number;
  /** BullMQ leaves connections it was given open on close: stop() closes them. */
  private readonly connections: Redis[] = [];

  constructor(private readonly options: RedisQueueOptions) {
    this.name = options.name ?? "reviews";
    this.redis = this.connect();
    this.queue = new Queue(this.name, { connection: this.connect(), prefix: KEY_PREFIX });
    this.lockMs = options.lockMs ?? 30_000;
  }

  async enqueue(job: WorkJob): Promise<EnqueueResult> {
    if (job.sha !== undefined) {
      const latestKey = this.latestKey(job.key);
      if (job.supersedes) {
        const previous = await this.redis.set(latestKey, job.sha, "EX", 7 * 24 * 3600, "GET");
        if (previous && previous !== job.sha) await this.dropWaiting(job.key, previous);
      } else {
        const newest = await this.redis.get(latestKey);
        if (newest !== null && newest !== job.sha) return "stale";
      }
    }
    const jobId = job.kind === "review" ? reviewJobId(job.key, job.sha) : hash(`${job.kind}\n${job.deliveryId}\n${job.key}\n${job.sha ?? ""}`);
    const existing = await this.queue.getJob(jobId);
    if (existing && job.kind === "review") {
      const state = await existing.getState();
      if (state === "waiting" || state === "active" || state === "delayed" || state === "prioritized") return "collapsed";
      await existing.remove().catch(() => undefined);
    }
    await this.queue.add("work", job, { jobId, removeOnComplete: true, removeOnFail: 1000, attempts: 1 });
    return "queued";
  }

  start(handler: JobHandler): void {
    this.worker = new Worker(this.name, (bullJob, token) => this.process(handler, bullJob, token), {
      connection: this.connect(),
      prefix: KEY_PREFIX,
      concurrency: this.options.concurrency,
    });
    this.worker.on("error", () => undefined);
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts("waiting", "delayed", "prioritized");
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async stop(graceMs: number): Promise<StopReport> {
    const handedBack: WorkJob[] = [];
    if (this.worker) {
      const closed = this.worker.close();
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([closed.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)))]);
      clearTimeout(timer);
      if (late) {
        for (const run of this.active.values()) {
          handedBack.push(run.job);
          run.handBack();
        }
        await closed;
      }
    }
    await this.queue.close();
    for (const connection of this.connections) connection.disconnect();
    return { handedBack, dropped: [] };
  }

  private async process(handler: JobHandler, bullJob: Job, token: string | undefined): Promise<string> {
    const job = bullJob.data as WorkJob;
    const lockKey = `${KEY_PREFIX}:lock:${job.key}`;
    const lockToken = randomUUID();
    if ((await this.redis.set(lockKey, lockToken, "PX", this.lockMs, "NX")) !== "OK") {
      // Another replica works on this MR: come back in a moment (with jitter, so waiters spread out).
      await bullJob.moveToDelayed(Date.now() + 200 + Math.floor(Math.random() * 200), token);
      throw new DelayedError();
    }
    const controller = new AbortController();
    let handBack: () => void = () => undefined;
    const handedBack = new Promise<"handed-back">((resolve) => (handBack = () => resolve("handed-back")));
    const giveBack = (reason: string) => {
      controller.abort(new Error(`${reason}: handed back to the queue`));
      handBack();
    };
    const id = String(bullJob.id);
    this.active.set(id, { job, controller, handBack: () => giveBack("shutting down") });
    // Without the lock another replica may be working on this MR (it expired, or was taken while
    // this process stalled): stop at once, so no write is made twice, and requeue the work. A
    // renewal that cannot reach Redis counts as lost once the lock would have expired.
    let renewedAt = Date.now();
    const renew = setInterval(() => {
      void this.redis.eval(RENEW, 1, lockKey, lockToken, String(this.lockMs)).then(
        (held) => {
          if (held === 1) renewedAt = Date.now();
          else loseLock("the lock on this change was lost");
        },
        () => {
          if (Date.now() - renewedAt >= this.lockMs) loseLock("the lock on this change could not be renewed");
        },
      );
    }, this.lockMs / 3);
    const loseLock = (reason: string) => {
      if (controller.signal.aborted) return;
      clearInterval(renew);
      this.options.onHandedBack?.(job, reason);
      giveBack(reason);
    };
    const control: JobControl = {
      signal: controller.signal,
      isCurrent: async () => {
        if (controller.signal.aborted) return false;
        if (job.sha === undefined) return true;
        // Unsure is not current: a job that cannot ask Redis must not write.
        const newest = await this.redis.get(this.latestKey(job.key)).catch(() => "unknown");
        return newest === null || newest === job.sha;
      },
      newest: async () => (await this.redis.get(this.latestKey(job.key))) ?? undefined,
    };
    try {
      if (!(await control.isCurrent())) {
        this.options.onDropped?.(job, "superseded before it started");
        return "superseded";
      }
      const outcome = await Promise.race([handler(job, control), handedBack]);
      if (outcome === "handed-back") {
        await bullJob.updateData({ ...job, resumed: true });
        await bullJob.moveToWait(token);
        throw new WaitingError();
      }
      return outcome;
    } finally {
      clearInterval(renew);
      this.active.delete(id);
      await this.redis.eval(RELEASE, 1, lockKey, lockToken).catch(() => undefined);
    }
  }

  /** The waiting review of an older SHA will never be wanted: remove it (a running one stops at its next write). */
  private async dropWaiting(key: string, sha: string): Promise<void> {
    const older = await this.queue.getJob(reviewJobId(key, sha));
    if (!older || (await older.getState()) !== "waiting") return;
    const removed = await older.remove().then(
      () => true,
      () => false,
    );
    if (removed) this.options.onDropped?.(older.data as WorkJob, `superseded by a newer push`);
  }

  private connect(): Redis {
    const connection = this.options.connection();
    this.connections.push(connection);
    return connection;
  }

  private latestKey(key: string): string {
    return `${KEY_PREFIX}:latest:${key}`;
  }
}

/** BullMQ job ids may not contain ":"; a hash of (MR, SHA) is short and safe. */
function reviewJobId(key: string, sha: string | undefined): string {
  return hash(`review\n${key}\n${sha ?? ""}`);
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 40);
}
