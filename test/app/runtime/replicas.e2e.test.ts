import { afterEach, beforeAll, expect, it } from "vitest";
import { buildDist } from "../github/dist-build.js";
import { FakeApiServer, FakeGitLabServer, seedMergeRequestPushes, seedPushes, ServeProcess, settle, until, type ServedApi } from "./processes.js";
import { describeWithRedis, RedisServer } from "./redis-server.js";

/**
 * Several replicas sharing one real redis-server: the queue, de-duplication, superseding
 * and the blob cache live in Redis, so the replicas share work and never double-post.
 */
let redis: RedisServer;
let api: FakeApiServer;
let gitlab: FakeGitLabServer | undefined;
let replicas: ServeProcess[] = [];

beforeAll(async () => {
  await buildDist();
}, 180_000);

afterEach(async () => {
  for (const replica of replicas) replica.kill();
  replicas = [];
  await api?.close();
  await gitlab?.close();
  gitlab = undefined;
  redis?.stop();
});

async function setUp(pushes: number): Promise<string[]> {
  redis = await new RedisServer().start();
  api = new FakeApiServer();
  await api.start();
  return seedPushes(api, pushes);
}

async function replica(served: ServedApi = api, env: Record<string, string> = {}): Promise<ServeProcess> {
  const started = await new ServeProcess().start(served, { REDIS_URL: redis.url, ...env });
  replicas.push(started);
  return started;
}

const completed = () => api.fake.checkRuns.filter((r) => r.status === "completed");
const logs = () => replicas.map((r) => r.stdout.slice(-1500) + r.stderr.slice(-1500)).join("\n---\n");

describeWithRedis("ci-explain serve with REDIS_URL (two replicas)", () => {
  it("a burst of pushes spread over two replicas ends in one comment and one final check for the newest SHA", async () => {
    const shas = await setUp(20);
    const [a, b] = [await replica(), await replica()];
    for (const [i, sha] of shas.entries()) expect(await (i % 2 === 0 ? a : b).deliverPullRequest({ headSha: sha })).toBe(200);
    // The same delivery again, at the other replica: de-duplicated, not a second run.
    const last = shas.at(-1) ?? "";
    await until(() => completed().some((r) => r.head_sha === last) && api.fake.comments.length > 0, "the newest SHA's check", logs);
    await settle();
    // Older SHAs whose check had started are closed as cancelled ("superseded by …"), never with a verdict.
    const verdicts = completed().filter((r) => r.conclusion !== "cancelled");
    expect(verdicts.map((r) => r.head_sha)).toEqual([last]);
    expect(completed().filter((r) => r.conclusion === "cancelled").every((r) => r.head_sha !== last)).toBe(true);
    expect(api.fake.comments).toHaveLength(1);
    expect(api.fake.comments[0].body).toContain(`head \`${last}\``);
  });

  it("a replica stopped mid-analysis hands the job back, and the other one finishes it", async () => {
    const [sha] = await setUp(1);
    const a = await replica(api, { SHUTDOWN_GRACE_MS: "300" });
    const hold = api.hold("GET", "/repos/acme/demo/compare/");
    expect(await a.deliverPullRequest({ headSha: sha, id: "handed-back" })).toBe(200);
    await hold.arrived;
    const b = await replica();
    const exit = a.terminate();
    await settle(600);
    hold.release();
    expect(await exit).toBe(0);
    expect(a.stdout).toMatch(/"delivery":"handed-back".*handed unfinished work back/);
    await until(() => api.fake.comments.length === 1 && completed().length === 1, "the other replica's comment", logs);
    await until(() => /"delivery":"handed-back".*"outcome":"done"/.test(b.stdout), "the other replica to log the job done", logs);
    await settle(500);
    expect(api.fake.comments).toHaveLength(1);
  });
});

describeWithRedis("ci-explain serve with REDIS_URL and GitLab (two replicas)", () => {
  it("a burst of merge request pushes, some redelivered, ends in one note and one final status for the newest SHA", async () => {
    redis = await new RedisServer().start();
    gitlab = await new FakeGitLabServer().start();
    const shas = seedMergeRequestPushes(gitlab, 12);
    const last = shas.at(-1) ?? "";
    const fake = gitlab.fake;
    const glLogs = () => `\n${fake.calls().join(", ")}\n${logs()}`;
    const [a, b] = [await replica(gitlab), await replica(gitlab)];
    // The first review's first write (its pending status) waits in the fake API until every webhook is answered.
    const firstWrite = gitlab.hold("POST", "/statuses/");
    for (const [i, sha] of shas.entries()) {
      const delivery = { headSha: sha, oldrev: i > 0 ? shas[i - 1] : undefined, key: `mr-push-${i + 1}` };
      expect(await (i % 2 === 0 ? a : b).deliverMergeRequest(delivery)).toEqual({ status: 202, body: { status: "accepted" } });
      // Every third push is redelivered, with the same Idempotency-Key, to the other replica: de-duplicated.
      if (i % 3 === 0) expect(await (i % 2 === 0 ? b : a).deliverMergeRequest(delivery)).toEqual({ status: 200, body: { status: "duplicate" } });
    }
    // Every answer came while a review was under way and before any note was written: the webhook never waits for the analysis.
    await firstWrite.arrived;
    expect(fake.notes).toEqual([]);
    firstWrite.release();

    const finals = () => fake.statuses.filter((s) => s.state === "success" || s.state === "failed");
    await until(() => finals().some((s) => s.sha === last) && fake.notes.length > 0, "the newest SHA's final status", glLogs);
    await settle();
    expect(finals().map((s) => s.sha)).toEqual([last]);
    expect(fake.notes).toHaveLength(1);
    expect(fake.notes[0].body).toContain(last);
    // An older SHA's status is never set, or its last word is `canceled` ("superseded by …").
    for (const sha of shas.slice(0, -1)) {
      const states = fake.statuses.filter((s) => s.sha === sha).map((s) => s.state);
      expect(states.length === 0 || states.at(-1) === "canceled", `${sha}: ${states.join(" → ")}`).toBe(true);
    }
  });
});
