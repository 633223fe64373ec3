import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectRedis } from "../../src/app/redis/connection.js";
import { RedisPredictionStore } from "../../src/app/redis/redis-prediction-store.js";
import { MemoryPredictionStore, type PredictionStore, type RecordedPredictions } from "../../src/platforms/prediction-store.js";
import { describeWithRedis, RedisServer } from "./runtime/redis-server.js";

/** A review's predictions, kept until the platform's pipeline event asks for them (in memory, or shared in Redis). */

const record = (sha: string, jobs = 1): RecordedPredictions => ({
  platform: "gitlab",
  project: "acme/demo",
  sha,
  change: { number: 7 },
  commentOnMiss: false,
  runs: [
    {
      ref: { kind: "branch", name: "feature" },
      source: "push",
      created: true,
      creation: "certain",
      jobs: Array.from({ length: jobs }, (_, i) => ({ name: `job ${i}`, baseName: "job", stage: "test", when: "on_success", allowFailure: false, presence: "present", certainty: "certain", unknowns: [], rule: { kind: "default" }, source: { file: ".gitlab-ci.yml", line: 1 } })),
      excluded: [],
      unread: [],
      assumedUnset: [],
    },
  ],
});

function behavesAsAStore(open: () => PredictionStore) {
  it("finds what it recorded, by platform, project and commit, and nothing else", async () => {
    const store = open();
    await store.record(record("head1"));
    expect(await store.find("gitlab", "acme/demo", "head1")).toEqual(record("head1"));
    expect(await store.find("github", "acme/demo", "head1")).toBeUndefined();
    expect(await store.find("gitlab", "acme/other", "head1")).toBeUndefined();
    expect(await store.find("gitlab", "acme/demo", "head2")).toBeUndefined();
  });

  it("keeps the newest record of a commit", async () => {
    const store = open();
    await store.record(record("head1", 1));
    await store.record(record("head1", 2));
    expect((await store.find("gitlab", "acme/demo", "head1"))?.runs[0].jobs).toHaveLength(2);
  });
}

describe("MemoryPredictionStore", () => {
  behavesAsAStore(() => new MemoryPredictionStore());

  it("forgets the oldest records once they hold more characters than its bound", async () => {
    const size = JSON.stringify(record("head1")).length;
    const store = new MemoryPredictionStore(size * 2 + 10);
    for (const sha of ["head1", "head2", "head3"]) await store.record(record(sha));
    expect(await store.find("gitlab", "acme/demo", "head1")).toBeUndefined();
    expect(await store.find("gitlab", "acme/demo", "head2")).toBeDefined();
    expect(await store.find("gitlab", "acme/demo", "head3")).toBeDefined();
  });
});

describeWithRedis("RedisPredictionStore", () => {
  let redis: RedisServer;
  const connections: Array<ReturnType<typeof connectRedis>> = [];
  beforeEach(async () => {
    redis = await new RedisServer().start();
  });
  afterEach(() => {
    for (const c of connections.splice(0)) c.disconnect();
    redis.stop();
  });
  const open = () => {
    const connection = connectRedis(redis.url);
    connections.push(connection);
    return new RedisPredictionStore(connection);
  };

  behavesAsAStore(open);

  it("shares records between replicas", async () => {
    await open().record(record("head1"));
    expect(await open().find("gitlab", "acme/demo", "head1")).toEqual(record("head1"));
  });
});
