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
    // Every attempt to compare #7's merge base and head (its changed files) hangs: 1 try + 2 retries.
    api.hang("GET", "/repos/acme/demo/compare/base1...hang1", 3);
    expect(await app.deliverPullRequest({ headSha: "hang1", number: 7, action: "opened" })).toBe(200);
    expect(await app.deliverPullRequest({ headSha: "fine1", number: 8, action: "opened" })).toBe(200);
    await until(() => completed("hang1") !== undefined && api.fake.comments.some((c) => c.issue === 8), "#7's check completed and #8's comment", () => app.stdout.slice(-2000));
    const hung = completed("hang1");
    expect(hung?.conclusion).toBe("failure");
    expect(JSON.stringify(hung?.output)).toContain("no answer to GET /api/v3/repos/acme/demo/compare/base1...hang1 within 0.3 s");
    expect(api.fake.requests.filter((r) => r.method === "GET" && r.path.startsWith("/repos/acme/demo/compare/base1...hang1"))).toHaveLength(3);
    expect(JSON.stringify(completed("fine1")?.output)).not.toContain("could not analyse");
  });
});

/** A configuration that takes the YAML parser seconds: `includes` files of near 1 MiB, each one anchor redefined and aliased tens of thousands of times. */
function anchorStorm(includes: number): Record<string, string> {
  const files: Record<string, string> = { ".gitlab-ci.yml": `include:\n${Array.from({ length: includes }, (_, i) => `  - local: ci/storm-${i}.yml\n`).join("")}` };
  for (let i = 0; i < includes; i++) {
    let anchors = `.storm-${i}:\n  variables:\n`;
    let aliases = `.aliases-${i}:\n  script:\n`;
    for (let j = 0; anchors.length + aliases.length < 900 * 1024; j++) {
      anchors += `    V${j}: &a x${j}\n`;
      aliases += "    - *a\n";
    }
    files[`ci/storm-${i}.yml`] = anchors + aliases;
  }
  return files;
}

/** Pull request #n whose head is `files` (on top of the plain base). */
function seedFiles(number: number, sha: string, files: Record<string, string>): void {
  api.fake.addCommit("base1", { ".gitlab-ci.yml": BASE_CI });
  api.fake.addCommit(sha, files);
  api.fake.addPull({ number, head: { sha, ref: `feature-${number}` }, base: { sha: "base1", ref: "master" }, files: Object.keys(files) });
}

describe("a hostile pull request", () => {
  it("runs out its time budget in a worker while /healthz answers within 1 s, and the next pull request is analysed", async () => {
    await start({ ANALYSIS_TIMEOUT_MS: "3000", ANALYSIS_HEAP_MB: "512", WORKER_CONCURRENCY: "1" });
    seedFiles(7, "storm1", anchorStorm(8));
    seedPull(8, "fine1");
    expect(await app.deliverPullRequest({ headSha: "storm1", number: 7, action: "opened" })).toBe(200);
    expect(await app.deliverPullRequest({ headSha: "fine1", number: 8, action: "opened" })).toBe(200);
    await until(() => api.fake.checkRuns.some((r) => r.head_sha === "storm1"), "the hostile analysis to start");
    // While the hostile analysis runs, the server answers.
    let peak = 0;
    while (completed("storm1") === undefined) {
      expect(await healthWithin(1000)).toBe(200);
      peak = Math.max(peak, await residentBytes());
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(completed("storm1")?.conclusion).toBe("failure");
    expect(JSON.stringify(completed("storm1")?.output)).toContain("analysis exceeded its budget (time: 3 s)");
    await until(() => api.fake.comments.some((c) => c.issue === 8), "#8's comment", () => app.stdout.slice(-2000));
    expect(JSON.stringify(completed("fine1")?.output)).not.toContain("could not analyse");
    // Within the documented budget: the server, plus one worker's 512 MiB heap.
    expect(peak).toBeLessThan((512 + 400) * 1024 * 1024);
  }, 90_000);

  it("runs out its heap budget in a worker, the service lives on, and the next pull request is analysed", async () => {
    await start({ ANALYSIS_HEAP_MB: "96", WORKER_CONCURRENCY: "1" });
    const big: Record<string, string> = { ".gitlab-ci.yml": `include:\n${Array.from({ length: 24 }, (_, i) => `  - local: ci/${i}.yml\n`).join("")}` };
    for (let i = 0; i < 24; i++) {
      let text = "";
      for (let j = 0; text.length < 1000 * 1024; j++) text += `job-${i}-${j}:\n  script: [a, b, c]\n  variables: {X: "${j}"}\n`;
      big[`ci/${i}.yml`] = text;
    }
    seedFiles(7, "hog1", big);
    seedPull(8, "fine1");
    expect(await app.deliverPullRequest({ headSha: "hog1", number: 7, action: "opened" })).toBe(200);
    expect(await app.deliverPullRequest({ headSha: "fine1", number: 8, action: "opened" })).toBe(200);
    await until(() => completed("hog1") !== undefined && api.fake.comments.some((c) => c.issue === 8), "#7's check and #8's comment", () => app.stdout.slice(-2000));
    expect(JSON.stringify(completed("hog1")?.output)).toContain("analysis exceeded its budget (memory: 96 MiB of heap)");
    expect(await healthWithin(1000)).toBe(200);
  }, 90_000);

  it("does not hold SIGTERM's grace period hostage: the process exits while the analysis is still busy", async () => {
    await start({ ANALYSIS_TIMEOUT_MS: "600000", SHUTDOWN_GRACE_MS: "500", WORKER_CONCURRENCY: "1" });
    seedFiles(7, "storm1", anchorStorm(8));
    expect(await app.deliverPullRequest({ headSha: "storm1", number: 7, action: "opened" })).toBe(200);
    await until(() => api.fake.checkRuns.some((r) => r.head_sha === "storm1"), "the hostile analysis to start");
    const asked = Date.now();
    expect(await app.terminate()).toBe(0);
    // The grace period, then the worker is stopped: far less than the analysis would take.
    expect(Date.now() - asked).toBeLessThan(5000);
    expect(app.stdout).toContain("dropped unfinished work at shutdown");
  }, 90_000);
});
