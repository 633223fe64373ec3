import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildDist } from "../github/dist-build.js";
import { MARKER } from "../github/harness.js";
import { FakeApiServer, seedPushes, ServeProcess, settle, until } from "./processes.js";

/**
 * One server process (in-memory queue) against a local fake GitHub API: bursts, API
 * storms, shutdown, and the webhook answered before the work is done.
 */
let api: FakeApiServer;
let app: ServeProcess;

beforeAll(async () => {
  await buildDist();
}, 180_000);

afterEach(async () => {
  app?.kill();
  await api?.close();
});

async function start(env: Record<string, string> = {}, pushes = 1): Promise<string[]> {
  api = new FakeApiServer();
  await api.start();
  const shas = seedPushes(api, pushes);
  app = await new ServeProcess().start(api, env);
  return shas;
}

const completed = () => api.fake.checkRuns.filter((r) => r.status === "completed");

describe("ci-explain serve under load and trouble (one process)", () => {
  it("answers the webhook before the analysis has written anything", async () => {
    const [sha] = await start();
    const hold = api.hold("POST", "/repos/acme/demo/check-runs");
    expect(await api.fake.checkRuns.length).toBe(0);
    const status = await app.deliverPullRequest({ headSha: sha });
    expect(status).toBe(200);
    // The answer is in; the first write of the analysis is still held by the fake API.
    expect(api.fake.checkRuns).toHaveLength(0);
    hold.release();
    await until(() => completed().length === 1 && api.fake.comments.length === 1, "the check and the comment");
  });

  it("turns a burst of 50 pushes into one comment and one completed check, for the last SHA", async () => {
    const shas = await start({}, 50);
    for (const sha of shas) expect(await app.deliverPullRequest({ headSha: sha })).toBe(200);
    const last = shas.at(-1);
    await until(() => completed().some((r) => r.head_sha === last) && api.fake.comments.length > 0, "the last SHA's check", () => app.stdout.slice(-2000));
    await settle();
    expect(completed().map((r) => r.head_sha)).toEqual([last]);
    expect(api.fake.comments).toHaveLength(1);
    expect(api.fake.comments[0].body).toContain(MARKER);
    expect(api.fake.comments[0].body).toContain(`head \`${last}\``);
    // Older SHAs were dropped from the queue, not analysed.
    expect(api.fake.checkRuns.length).toBeLessThanOrEqual(3);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/ci_explain_webhooks_received_total\{platform="github",event="pull_request"\} 50/);
    expect(metrics).toMatch(/ci_explain_analyses_total\{platform="github",outcome="done"\} 1/);
  });

  it("rides out a storm of 502s and a 429 with Retry-After from the API and still posts the result", async () => {
    const [sha] = await start();
    api.storm("GET", "/repos/acme/demo/compare/", [{ status: 502 }, { status: 502 }, { status: 503 }]);
    api.storm("POST", "/repos/acme/demo/issues/7/comments", [{ status: 429, headers: { "retry-after": "1" } }]);
    expect(await app.deliverPullRequest({ headSha: sha })).toBe(200);
    await until(() => api.fake.comments.length === 1 && completed().length === 1, "the comment after the storm", () => app.stdout.slice(-3000));
    expect(completed()[0].conclusion).not.toBe("failure");
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/ci_explain_api_requests_total\{platform="github",method="POST",status="201"\}/);
  });

  it("on SIGTERM mid-analysis refuses new webhooks, logs the unfinished delivery and exits 0", async () => {
    const [sha] = await start({ SHUTDOWN_GRACE_MS: "300" });
    const hold = api.hold("GET", "/repos/acme/demo/compare/");
    expect(await app.deliverPullRequest({ headSha: sha, id: "delivery-in-flight" })).toBe(200);
    await hold.arrived;
    const exit = app.terminate();
    await settle(100);
    hold.release();
    expect(await exit).toBe(0);
    expect(app.stdout).toMatch(/"delivery":"delivery-in-flight".*dropped unfinished work at shutdown/);
    expect(api.fake.comments).toHaveLength(0);
  });
});
