import { describe, expect, it } from "vitest";
import { MemoryWorkQueue } from "../../../src/app/queue/memory-queue.js";
import { SupersededError, writeGuard, type JobControl, type WorkJob } from "../../../src/app/queue/work-queue.js";

function review(sha: string, key = "github:acme/demo#7"): WorkJob {
  return { key, sha, deliveryId: `d-${sha}`, kind: "review", supersedes: true, payload: {} };
}

/** A handler whose jobs finish only when the test says so, recording what ran and what it could write. */
function gatedHandler() {
  const started: string[] = [];
  const wrote: string[] = [];
  const gates = new Map<string, () => void>();
  const handler = async (job: WorkJob, control: JobControl) => {
    started.push(job.sha ?? job.deliveryId);
    await new Promise<void>((resolve) => gates.set(job.sha ?? job.deliveryId, resolve));
    try {
      await writeGuard(job, control)();
      wrote.push(job.sha ?? job.deliveryId);
      return "done" as const;
    } catch (err) {
      if (err instanceof SupersededError) return "superseded" as const;
      throw err;
    }
  };
  const release = async (id: string) => {
    for (let i = 0; i < 50 && !gates.has(id); i++) await new Promise((r) => setTimeout(r, 1));
    gates.get(id)?.();
    await new Promise((r) => setTimeout(r, 5));
  };
  return { handler, started, wrote, release };
}

describe("in-memory work queue", () => {
  it("drops queued work for older SHAs and stops running work for them before it writes", async () => {
    const queue = new MemoryWorkQueue(2);
    const h = gatedHandler();
    queue.start(h.handler);
    for (const sha of ["s1", "s2", "s3", "s4"]) await queue.enqueue(review(sha));
    await h.release("s1");
    await h.release("s4");
    expect(h.started).toEqual(["s1", "s4"]);
    expect(h.wrote).toEqual(["s4"]);
  });

  it.each([
    ["a repeated review of one SHA collapses", review("s1"), "collapsed"],
    ["a command for the MR is its own job", { ...review("s1"), kind: "command" as const, supersedes: false, deliveryId: "c1" }, "queued"],
    ["work for an older SHA than the newest is stale", { ...review("s0"), kind: "rerun" as const, supersedes: false }, "stale"],
  ])("%s", async (_name, job, expected) => {
    const queue = new MemoryWorkQueue(1);
    await queue.enqueue(review("s1"));
    expect(await queue.enqueue(job)).toBe(expected);
  });

  it("runs one job per MR at a time, and other MRs alongside", async () => {
    const queue = new MemoryWorkQueue(2);
    const h = gatedHandler();
    queue.start(h.handler);
    await queue.enqueue(review("a1", "github:acme/a#1"));
    await queue.enqueue({ ...review("a1", "github:acme/a#1"), kind: "command", supersedes: false, deliveryId: "cmd", sha: undefined });
    await queue.enqueue(review("b1", "github:acme/b#1"));
    await new Promise((r) => setTimeout(r, 5));
    expect(h.started).toEqual(["a1", "b1"]);
    await h.release("a1");
    expect(h.started).toEqual(["a1", "b1", "cmd"]);
  });

  it("on stop, waits the grace period and reports running and queued work as dropped", async () => {
    const queue = new MemoryWorkQueue(1);
    const h = gatedHandler();
    queue.start(h.handler);
    await queue.enqueue(review("a1", "github:acme/a#1"));
    await queue.enqueue(review("b1", "github:acme/b#1"));
    const report = await queue.stop(20);
    expect(report.dropped.map((j) => j.deliveryId).sort()).toEqual(["d-a1", "d-b1"]);
    await h.release("a1");
    expect(h.wrote).toEqual([]);
  });
});
