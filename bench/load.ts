/**
 * `npm run load`: the real server (`node bin/ci-explain.js serve`, its own process) against
 * local fake GitHub and GitLab APIs (the ones the tests use) on loopback, every request
 * answered after LOAD_LATENCY_MS (default 50 ms, a realistic API round trip). Two parts:
 *
 *  1. API cost: one pull / merge request pushed twice, per platform and fixture — the
 *     QEMU-shaped test fixture (13 CI files, 6 container recipes) and the generated
 *     10,000-job configuration — with the requests each push costs and the time from webhook
 *     to comment, against the targets.
 *  2. A burst on GitHub: LOAD_PRS pull requests × LOAD_PUSHES pushes: webhooks/s accepted,
 *     p50/p99 time to the final push's comment, the server's peak memory. Writes to GitHub are
 *     spaced about 1 s apart by Probot's throttling plugin (GitHub asks integrations to
 *     serialise content-creating requests), so time-to-comment grows with the number of PRs.
 *
 * Build first (`npm run build`); `npm run load` does. Exits 1 when a target is missed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { FakeGitHub } from "../test/platforms/github/fake-github.js";
import { FakeGitLab } from "../test/platforms/gitlab/fake-gitlab.js";
import { generateRepo } from "./generate.js";

const LATENCY_MS = Number(process.env.LOAD_LATENCY_MS ?? 50);
const PRS = Number(process.env.LOAD_PRS ?? 10);
const PUSHES = Number(process.env.LOAD_PUSHES ?? 3);
const WAIT_LIMIT_MS = 180_000;
const GITHUB_SECRET = "load-secret-0123456789abcdef";
const GITLAB_SECRET = "load-gitlab-secret-0123456789";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const QEMU_FIXTURE = join(ROOT, "test/fixtures/github/qemu-like");

type Files = Record<string, string>;

/** The fixtures: base, then two heads (the second push changes one more CI file). */
interface Fixture {
  name: string;
  base: Files;
  heads: [Files, Files];
  /** Request targets for the first and the next push, per platform. */
  targets: Record<"github" | "gitlab", [number, number]>;
}

function readTree(dir: string): Files {
  const files: Files = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at)) {
      const path = join(at, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, "utf8");
    }
  };
  walk(dir);
  return files;
}

function fixtures(): Fixture[] {
  const base = readTree(join(QEMU_FIXTURE, "base"));
  const head = readTree(join(QEMU_FIXTURE, "head"));
  const firmware = ".gitlab-ci.d/firmware.yml";
  const qemu: Fixture = {
    name: "QEMU-sized",
    base,
    heads: [head, { ...head, [firmware]: `${head[firmware]}  timeout: 2h\n` }],
    targets: { github: [20, 8], gitlab: [25, 10] },
  };
  const generated = generateRepo(10_000);
  const next = new Map(generated.head);
  next.set("ci/jobs/part-001.yml", `${generated.head.get("ci/jobs/part-001.yml") ?? ""}\nlate-job:\n  stage: test\n  script: [make late]\n`);
  const tenK: Fixture = {
    name: "10,000 jobs",
    base: Object.fromEntries(generated.base),
    heads: [Object.fromEntries(generated.head), Object.fromEntries(next)],
    targets: { github: [100, 100], gitlab: [100, 100] },
  };
  return [qemu, tenK];
}

/** A fake API on loopback that answers every request after the configured latency. */
async function serve(handle: (method: string, url: string, body: unknown) => { status: number; body: unknown; headers?: Record<string, string> }): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      setTimeout(() => {
        const reply = handle(req.method ?? "GET", req.url ?? "/", text ? parseBody(text) : undefined);
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
      }, LATENCY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A fake API served on loopback, noting when a comment (`isComment` of the URL written to) first names each commit by its first 8 digits. */
async function served(
  fake: { handle(method: string, url: string, body: unknown): { status: number; body: unknown; headers?: Record<string, string> }; commits: Map<string, unknown> },
  isComment: (url: string) => boolean,
): Promise<{ api: { url: string; server: Server }; commentedAt: Map<string, number> }> {
  const commentedAt = new Map<string, number>();
  const api = await serve((method, url, body) => {
    const reply = fake.handle(method, url, body);
    const text = (body as { body?: unknown } | undefined)?.body;
    if (typeof text === "string" && isComment(url)) {
      for (const s of fake.commits.keys()) if (text.includes(s.slice(0, 8)) && !commentedAt.has(s)) commentedAt.set(s, Date.now());
    }
    return reply;
  });
  return { api, commentedAt };
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return Object.fromEntries(new URLSearchParams(text));
  }
}

/** `node bin/ci-explain.js serve` with `env`; resolves with its URL. */
async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; rss(): Promise<number> }> {
  const child = spawn(process.execPath, ["bin/ci-explain.js", "serve", "--port", "0", "--host", "127.0.0.1"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: "warn", LOG_FORMAT: "json", WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? "2", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const rss = async () => Number((await (await fetch(`${url}/metrics`)).text()).match(/^ci_explain_process_resident_memory_bytes (\d+)/m)?.[1] ?? 0);
  return { url, child, rss };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > WAIT_LIMIT_MS) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Until no request has arrived for a while: the push's last writes are in. */
async function quiet(count: () => number): Promise<void> {
  let last = count();
  for (;;) {
    await new Promise((r) => setTimeout(r, LATENCY_MS * 4 + 200));
    if (count() === last) return;
    last = count();
  }
}

const sha = (n: number) => n.toString(16).padStart(8, "0").repeat(5);

const PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
const REPOSITORY = { id: 1, name: "demo", full_name: "acme/demo", owner: { login: "acme", type: "Organization" }, html_url: "https://github.com/acme/demo", default_branch: "master" };

function pullRequestWebhook(number: number, headSha: string, baseSha: string, action: string, changedFiles: number): { body: string; headers: Record<string, string> } {
  const end = (ref: string, s: string) => ({ sha: s, ref, repo: { name: "demo", full_name: "acme/demo", owner: { login: "acme" } } });
  const body = JSON.stringify({
    action,
    number,
    pull_request: { number, state: "open", draft: false, changed_files: changedFiles, head: end(`feature-${number}`, headSha), base: end("master", baseSha) },
    repository: REPOSITORY,
    installation: { id: 42 },
    sender: { login: "alice", type: "User" },
  });
  const signature = `sha256=${createHmac("sha256", GITHUB_SECRET).update(body).digest("hex")}`;
  return { body, headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": randomUUID(), "x-hub-signature-256": signature } };
}

function mergeRequestWebhook(headSha: string, oldrev: string | undefined): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    object_kind: "merge_request",
    event_type: "merge_request",
    user: { id: 5, username: "alice", name: "Alice" },
    project: { id: 1, path_with_namespace: "acme/demo", web_url: "https://gitlab.example.com/acme/demo", default_branch: "main" },
    object_attributes: {
      iid: 7,
      url: "https://gitlab.example.com/acme/demo/-/merge_requests/7",
      state: "opened",
      action: oldrev ? "update" : "open",
      source_branch: "feature",
      target_branch: "main",
      draft: false,
      last_commit: { id: headSha },
      ...(oldrev ? { oldrev } : {}),
    },
  });
  return { body, headers: { "content-type": "application/json", "x-gitlab-event": "Merge Request Hook", "x-gitlab-token": GITLAB_SECRET, "idempotency-key": randomUUID() } };
}

interface PushResult {
  platform: "github" | "gitlab";
  fixture: string;
  push: number;
  requests: number;
  target: number;
  commentMs: number;
  /** What the user sees on the commit: the check's conclusion and title, or the commit status and its description. */
  verdict: string;
}

/** An analysis that failed (its time or memory budget, an API error) answers fast and cheap: not a result. */
const FAILED = /could not analyse/;

const changedCount = (from: Files, to: Files) => new Set([...Object.keys(from), ...Object.keys(to)].filter((p) => from[p] !== to[p])).size;

/** One pull request on the fake GitHub, pushed twice: requests per push (not counting the App's own) and time to comment. */
async function githubPushes(fixture: Fixture): Promise<PushResult[]> {
  const fake = new FakeGitHub();
  const { api, commentedAt } = await served(fake, (url) => url.includes("/comments"));
  fake.baseUrl = `${api.url}/api/v3`;
  fake.branches = ["master", "staging", "staging-8.0", "staging-7.2"];
  fake.addCommit(sha(1), fixture.base);
  const server = await startServer({ APP_ID: "1", PRIVATE_KEY, WEBHOOK_SECRET: GITHUB_SECRET, GHE_HOST: new URL(api.url).host, GHE_PROTOCOL: "http" });
  const results: PushResult[] = [];
  try {
    for (const [i, files] of fixture.heads.entries()) {
      const head = sha(100 + i);
      fake.addCommit(head, files);
      fake.addPull({ number: 7, head: { sha: head, ref: "feature-7" }, base: { sha: sha(1), ref: "master" }, files: [] });
      const before = fake.calls().length;
      const hook = pullRequestWebhook(7, head, sha(1), i === 0 ? "opened" : "synchronize", changedCount(fixture.base, files));
      const sent = Date.now();
      await (await fetch(`${server.url}/api/github/webhooks`, { method: "POST", headers: hook.headers, body: hook.body })).arrayBuffer();
      await waitFor(() => commentedAt.has(head) && fake.checkRuns.some((r) => r.head_sha === head && r.status === "completed"), `GitHub push ${i + 1}`);
      await quiet(() => fake.requests.length);
      const check = fake.checkRuns.find((r) => r.head_sha === head && r.status === "completed");
      const verdict = `${check?.conclusion ?? "?"}: ${check?.output?.title ?? ""}`;
      results.push({ platform: "github", fixture: fixture.name, push: i + 1, requests: fake.calls().length - before, target: fixture.targets.github[i], commentMs: (commentedAt.get(head) ?? 0) - sent, verdict });
    }
  } finally {
    await stop(server.child);
    api.server.close();
  }
  return results;
}

/** One merge request on the fake GitLab, pushed twice: requests per push and time to note. */
async function gitlabPushes(fixture: Fixture): Promise<PushResult[]> {
  const fake = new FakeGitLab();
  const { api, commentedAt: notedAt } = await served(fake, (url) => /\/notes/.test(url));
  fake.branches = ["main", "staging", "staging-8.0", "staging-7.2"];
  fake.addCommit(sha(1), fixture.base);
  const server = await startServer({ GITLAB_URL: api.url, GITLAB_TOKEN: "glpat-load", GITLAB_WEBHOOK_SECRET: GITLAB_SECRET });
  const results: PushResult[] = [];
  try {
    let oldrev: string | undefined;
    for (const [i, files] of fixture.heads.entries()) {
      const head = sha(100 + i);
      fake.addCommit(head, files);
      fake.versions.unshift({ base: sha(1), head });
      fake.diffPaths = [...new Set([...Object.keys(fixture.base), ...Object.keys(files)])].filter((p) => fixture.base[p] !== files[p]).sort();
      fake.pipelines = [{ id: 100 + i, sha: head }];
      const before = fake.calls().length;
      const hook = mergeRequestWebhook(head, oldrev);
      const sent = Date.now();
      await (await fetch(`${server.url}/api/gitlab/webhooks`, { method: "POST", headers: hook.headers, body: hook.body })).arrayBuffer();
      await waitFor(() => notedAt.has(head) && fake.statuses.some((s) => s.sha === head && (s.state === "success" || s.state === "failed")), `GitLab push ${i + 1}`);
      await quiet(() => fake.requests.length);
      const status = fake.statuses.filter((st) => st.sha === head).at(-1);
      const verdict = `${status?.state ?? "?"}: ${status?.description ?? ""}`;
      results.push({ platform: "gitlab", fixture: fixture.name, push: i + 1, requests: fake.calls().length - before, target: fixture.targets.gitlab[i], commentMs: (notedAt.get(head) ?? 0) - sent, verdict });
      oldrev = head;
    }
  } finally {
    await stop(server.child);
    api.server.close();
  }
  return results;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** PRS pull requests × PUSHES pushes at once: only the final push of each needs its comment. */
async function githubBurst(): Promise<{ lines: string[]; ok: boolean }> {
  const fake = new FakeGitHub();
  const { api, commentedAt } = await served(fake, (url) => url.includes("/comments"));
  fake.baseUrl = `${api.url}/api/v3`;
  const baseCi = "stages: [build, test]\nbuild:\n  stage: build\n  image: alpine:3.20\n  script: make\ntest:\n  stage: test\n  script: make check\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"master\"\n";
  fake.addCommit(sha(1), { ".gitlab-ci.yml": baseCi, "README.md": "load" });
  const server = await startServer({ APP_ID: "1", PRIVATE_KEY, WEBHOOK_SECRET: GITHUB_SECRET, GHE_HOST: new URL(api.url).host, GHE_PROTOCOL: "http" });
  let peakRss = 0;
  const sampler = setInterval(() => void server.rss().then((rss) => (peakRss = Math.max(peakRss, rss))).catch(() => undefined), 200);
  const sentAt = new Map<string, number>();
  const finals: string[] = [];
  const started = Date.now();
  let accepted = 0;
  try {
    for (let push = 1; push <= PUSHES; push++) {
      await Promise.all(
        Array.from({ length: PRS }, async (_, i) => {
          const pr = i + 1;
          const head = sha(1000 * pr + push);
          fake.addCommit(head, { ".gitlab-ci.yml": `${baseCi}      when: manual\nlint${pr}x${push}:\n  stage: test\n  script: lint\n`, "README.md": "load" });
          fake.addPull({ number: pr, head: { sha: head, ref: `feature-${pr}` }, base: { sha: sha(1), ref: "master" }, files: [".gitlab-ci.yml"] });
          if (push === PUSHES) finals.push(head);
          const hook = pullRequestWebhook(pr, head, sha(1), push === 1 ? "opened" : "synchronize", 1);
          sentAt.set(head, Date.now());
          const res = await fetch(`${server.url}/api/github/webhooks`, { method: "POST", headers: hook.headers, body: hook.body });
          await res.arrayBuffer();
          if (res.ok) accepted++;
        }),
      );
    }
    const sendSeconds = (Date.now() - started) / 1000;
    await waitFor(() => finals.every((s) => commentedAt.has(s)), "the burst's final comments").catch(() => undefined);
    const latencies = finals.filter((s) => commentedAt.has(s)).map((s) => (commentedAt.get(s) ?? 0) - (sentAt.get(s) ?? 0)).sort((a, b) => a - b);
    return {
      ok: latencies.length === finals.length,
      lines: [
        `webhooks sent: ${PRS * PUSHES} (${PRS} PRs × ${PUSHES} pushes), accepted: ${accepted}, ${(accepted / sendSeconds).toFixed(0)}/s`,
        `comments for the final push: ${latencies.length}/${finals.length}`,
        `time to comment (final push): p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`,
        `server peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`,
      ],
    };
  } finally {
    clearInterval(sampler);
    await stop(server.child);
    api.server.close();
  }
}

async function main(): Promise<void> {
  console.log(`API latency on the fakes: ${LATENCY_MS} ms per request\n`);
  const results: PushResult[] = [];
  for (const fixture of fixtures()) {
    results.push(...(await githubPushes(fixture)));
    results.push(...(await gitlabPushes(fixture)));
  }
  const rows = [
    ["platform", "fixture", "push", "requests", "target", "", "time to comment", "check / status"],
    ...results.map((r) => [
      r.platform,
      r.fixture,
      r.push === 1 ? "first" : "next",
      String(r.requests),
      `≤ ${r.target}`,
      FAILED.test(r.verdict) ? "FAILED" : r.requests <= r.target ? "met" : "MISSED",
      `${(r.commentMs / 1000).toFixed(1)} s`,
      r.verdict,
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  console.log("(GitHub: not counting the App's own token exchange and GET /app, once per process)\n");
  const burst = await githubBurst();
  for (const line of burst.lines) console.log(line);
  if (results.some((r) => r.requests > r.target || FAILED.test(r.verdict)) || !burst.ok) process.exitCode = 1;
}

await main();
