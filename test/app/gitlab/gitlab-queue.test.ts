import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AnalyzeInput } from "../../../src/analysis/analyze.js";
import { JobRouter } from "../../../src/app/queue/job-router.js";
import { MemoryWorkQueue } from "../../../src/app/queue/memory-queue.js";
import { createGitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import { checkWrite } from "../../../src/platforms/write-guard.js";
import { fakeAnalysis } from "../github/harness.js";
import { FakeGitLab, stopNock } from "../../platforms/gitlab/fake-gitlab.js";
import { fakeGitLabDeps, GITLAB, MARKER, mrHook, noteHook, startReceiver, type Receiver } from "./harness.js";

const CI = (n: number) => `build:\n  script: make\n  variables:\n    PUSH: "${n}"\n`;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The GitLab receiver through the work queue, as `serve` runs it (memory mode). */
describe("GitLab webhook through the queue", () => {
  let fake: FakeGitLab;
  let receiver: Receiver;
  let queue: MemoryWorkQueue;
  let release: () => void;
  let analysed: string[];
  beforeEach(async () => {
    fake = new FakeGitLab();
    fake.addCommit("mergebase1", { ".gitlab-ci.yml": CI(0) });
    for (let n = 1; n <= 5; n++) fake.addCommit(`head${n}`, { ".gitlab-ci.yml": CI(n) });
    fake.versions = [{ base: "mergebase1", head: "head5" }];
    fake.diffPaths = [".gitlab-ci.yml"];
    fake.pipelines = [{ id: 42, sha: "head1" }];
    fake.serveWithNock(GITLAB);
    analysed = [];
    const gate = new Promise<void>((resolve) => (release = resolve));
    queue = new MemoryWorkQueue(2);
    const jobs = new JobRouter(queue, pino({ level: "silent" }));
    const api = createGitLabApi({ url: GITLAB, token: "t", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 30_000 }, beforeWrite: checkWrite });
    receiver = await startReceiver(
      fakeGitLabDeps({
        api,
        jobs,
        // The first analysis waits until the test lets it go, so newer pushes arrive while it runs.
        analyze: async (input: AnalyzeInput) => {
          analysed.push(input.headSha ?? "");
          if (input.headSha === "head1") await gate;
          return fakeAnalysis(input);
        },
      }),
    );
    jobs.start();
  });
  afterEach(async () => {
    await queue.stop(0);
    await receiver.close();
    stopNock();
  });

  it("a burst of pushes ends in one note and one final status for the newest SHA; the superseded SHA's status is canceled", async () => {
    expect((await receiver.send("Merge Request Hook", mrHook({ headSha: "head1" }), { "idempotency-key": "d1" })).status).toBe(202);
    await until(() => analysed.includes("head1"), "the first analysis");
    for (let n = 2; n <= 5; n++) {
      await receiver.send("Merge Request Hook", mrHook({ action: "update", headSha: `head${n}`, oldrev: `head${n - 1}` }), { "idempotency-key": `d${n}` });
    }
    // The same SHA again collapses into the queued review; a redelivery is refused at the webhook.
    await receiver.send("Merge Request Hook", mrHook({ action: "update", headSha: "head5", oldrev: "head4" }), { "idempotency-key": "d6" });
    expect((await receiver.send("Merge Request Hook", mrHook({ headSha: "head5" }), { "idempotency-key": "d5" })).body).toEqual({ status: "duplicate" });
    release();
    await until(() => fake.statuses.some((s) => s.sha === "head5" && s.state === "success") && fake.statuses.some((s) => s.state === "canceled"), "the final statuses");
    await new Promise((r) => setTimeout(r, 50));
    expect(analysed).toEqual(["head1", "head5"]);
    expect(fake.notes.map((n) => n.body)).toEqual([`${MARKER}\nreport for head5: changes CI on 1 of 2 branches`]);
    const statuses = (sha: string) => fake.statuses.filter((s) => s.sha === sha).map((s) => `${s.state}: ${s.description}`);
    expect(statuses("head1")).toEqual(["pending: ci-explain is analysing this merge request", "canceled: superseded by head5"]);
    expect(statuses("head5")).toEqual(["pending: ci-explain is analysing this merge request", "success: changes CI on 1 of 2 branches"]);
    expect(fake.statuses.filter((s) => !["head1", "head5"].includes(s.sha))).toEqual([]);
  });

  it("a /ci-explain note is its own job and is answered", async () => {
    release();
    await receiver.send("Note Hook", noteHook("/ci-explain staging job build"), { "idempotency-key": "n1" });
    await until(() => fake.notes.length > 0, "the reply");
    expect(fake.notes.map((n) => n.body)).toEqual(["explain staging job=build"]);
  });
});
