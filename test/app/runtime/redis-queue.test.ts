import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { connectRedis, KEY_PREFIX } from "../../../src/app/redis/connection.js";
import { RedisWorkQueue } from "../../../src/app/redis/redis-queue.js";
import type { JobControl, WorkJob } from "../../../src/app/queue/work-queue.js";
import { until } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

let redis: RedisServer;
let queue: RedisWorkQueue | undefined;

const review: WorkJob = { key: "github:acme/demo#7", sha: "a".repeat(40), deliveryId: "d-1", kind: "review", supersedes: true, payload: {} };

describeWithRedis("the Redis queue's lock on a change", () => {
  beforeEach(async () => {
    redis = await new RedisServer().start();
  });

  afterEach(async () => {
    await queue?.stop(0);
    queue = undefined;
    redis?.stop();
  });

  it("a job whose lock another replica took is aborted, and runs again once the lock is free", async () => {
    const other = connectRedis(redis.url);
    const runs: Array<{ job: WorkJob; control: JobControl }> = [];
    const handedBack: string[] = [];
    queue = new RedisWorkQueue({ connection: () => connectRedis(redis.url), concurrency: 1, name: `lock-${randomUUID()}`, lockMs: 300, onHandedBack: (job, reason) => handedBack.push(`${job.deliveryId}: ${reason}`) });
    const lockKey = `${KEY_PREFIX}:lock:${review.key}`;
    const holders: Array<string | null> = [];
    queue.start(async (job, control) => {
      holders.push(await other.get(lockKey));
      runs.push({ job, control });
      if (runs.length === 1) {
        // Another replica takes the lock (this one stalled past its expiry); it holds it for 1 s.
        await other.set(lockKey, "another-replica", "PX", 1000);
        await new Promise((resolve) => control.signal.addEventListener("abort", resolve, { once: true }));
      }
      return "done";
    });
    expect(await queue.enqueue(review)).toBe("queued");
    await until(() => runs.length === 2, "the job to run again after its lock was lost", () => `; handed back: ${handedBack.join(", ")}`);
    other.disconnect();

    const [first, second] = runs;
    expect(first?.control.signal.aborted).toBe(true);
    expect(String((first?.control.signal.reason as Error).message)).toBe("the lock on this change was lost: handed back to the queue");
    // Aborted, the first run may no longer write.
    expect(await first?.control.isCurrent()).toBe(false);
    expect(handedBack).toEqual(["d-1: the lock on this change was lost"]);
    // The same work again, marked as handed back (its delivery was claimed by this very job).
    expect(second?.job).toEqual({ ...review, resumed: true });
    expect(second?.control.signal.aborted).toBe(false);
    expect(runs).toHaveLength(2);
    // Each run held the lock itself: the second waited until the other replica's had expired.
    expect(holders).toHaveLength(2);
    expect(holders.every((h) => h !== null && h !== "another-replica")).toBe(true);
  });

  it("a job that keeps its lock runs once and is not aborted", async () => {
    const runs: JobControl[] = [];
    const finished: JobControl[] = [];
    queue = new RedisWorkQueue({ connection: () => connectRedis(redis.url), concurrency: 1, name: `lock-${randomUUID()}`, lockMs: 300 });
    queue.start(async (_job, control) => {
      runs.push(control);
      // Longer than the lock's life: only renewals keep it.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      finished.push(control);
      return "done";
    });
    expect(await queue.enqueue(review)).toBe("queued");
    await until(() => finished.length === 1, "the job to finish");
    expect(runs).toHaveLength(1);
    expect(runs[0]?.signal.aborted).toBe(false);
  });
});
