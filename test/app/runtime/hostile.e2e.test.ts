import { request } from "node:http";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildDist } from "../github/dist-build.js";
import { BASE_CI, FakeApiServer, headCi, ServeProcess, until } from "./processes.js";

/**
 * A hostile pull request (or a hostile client of the webhook port) against the real server
 * process and a fake GitHub API on loopback: the service keeps answering, and the next pull
 * request in the queue is analysed.
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

/** Pull request #n at head `sha` (base `base1`), changing .gitlab-ci.yml to `headCi` text. */
function seedPull(number: number, sha: string, ci = headCi(number)): void {
  api.fake.addCommit("base1", { ".gitlab-ci.yml": BASE_CI });
  api.fake.addCommit(sha, { ".gitlab-ci.yml": ci });
  api.fake.addPull({ number, head: { sha, ref: `feature-${number}` }, base: { sha: "base1", ref: "master" }, files: [".gitlab-ci.yml"] });
}

async function start(env: Record<string, string> = {}): Promise<void> {
  api = new FakeApiServer();
  await api.start();
  app = await new ServeProcess().start(api, env);
}

const completed = (sha: string) => api.fake.checkRuns.find((r) => r.head_sha === sha && r.status === "completed");

async function healthWithin(ms: number): Promise<number> {
  const res = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(ms) });
  await res.arrayBuffer();
  return res.status;
}

/** The server's resident memory, from its own metrics. */
async function residentBytes(): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const m = text.match(/^ci_explain_process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m);
  if (!m) throw new Error("no resident memory metric");
  return Number(m[1]);
}

/** POST `bytes` bytes to the GitHub webhook, chunked (no Content-Length); the status, or "closed" if the server hung up first. */
function postChunked(path: string, bytes: number): Promise<number | "closed"> {
  return new Promise((resolve) => {
    const url = new URL(path, app.url);
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": "x", "x-hub-signature-256": "sha256=00" } });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve("closed"));
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("a hostile client of the webhook port", () => {
  it("refuses a GitHub webhook body over 25 MB from its Content-Length, before reading it", async () => {
    await start();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL("/api/github/webhooks", app.url), {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(400 * 1024 * 1024), "x-github-event": "ping", "x-github-delivery": "x", "x-hub-signature-256": "sha256=00" },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      // Only the headers are sent: the answer comes without the 400 MB body.
      req.flushHeaders();
    });
    expect(status).toBe(413);
    expect(await healthWithin(1000)).toBe(200);
  });

  it("stops reading an unsigned chunked body once it passes 25 MB, and stays small", async () => {
    await start();
    const before = await residentBytes();
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await postChunked("/api/github/webhooks", 60 * 1024 * 1024));
    // Either the 413 arrives, or the server closed the connection on the rest of the body.
    for (const outcome of outcomes) expect([413, "closed"]).toContain(outcome);
    expect(await healthWithin(1000)).toBe(200);
    // Four 60 MB bodies, each cut at 25 MB and dropped: far below the 240 MB they would cost buffered.
    expect((await residentBytes()) - before).toBeLessThan(100 * 1024 * 1024);
  });
});

describe("a GitHub API that stops answering", () => {
  it("fails the review after the per-request timeout and retries, and the next pull request is analysed", async () => {
    await start({ API_TIMEOUT_MS: "300", API_RETRIES: "2", API_RETRY_BASE_MS: "20" });
    seedPull(7, "hang1");
    seedPull(8, "fine1");
    // Every attempt to list #7's changed files hangs: 1 try + 2 retries.
    api.hang("GET", "/repos/acme/demo/pulls/7/files", 3);
    expect(await app.deliverPullRequest({ headSha: "hang1", number: 7, action: "opened" })).toBe(200);
    expect(await app.deliverPullRequest({ headSha: "fine1", number: 8, action: "opened" })).toBe(200);
    await until(() => completed("hang1") !== undefined && api.fake.comments.some((c) => c.issue === 8), "#7's check completed and #8's comment", () => app.stdout.slice(-2000));
    const hung = completed("hang1");
    expect(hung?.conclusion).toBe("failure");
    expect(JSON.stringify(hung?.output)).toContain("no answer to GET /api/v3/repos/acme/demo/pulls/7/files within 0.3 s");
    expect(api.fake.requests.filter((r) => r.method === "GET" && r.path.startsWith("/repos/acme/demo/pulls/7/files"))).toHaveLength(3);
    expect(JSON.stringify(completed("fine1")?.output)).not.toContain("could not analyse");
  });
});
