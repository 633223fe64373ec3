/**
 * `npm run load`: drives the real server (`node bin/ci-explain.js serve`, its own process)
 * with HMAC-signed GitHub webhooks against a local fake GitHub API, all on loopback, and
 * prints webhooks/s accepted, p50/p99 time from webhook to comment, and the server's peak
 * memory. Bounded: PRS pull requests × PUSHES pushes each (defaults 20 × 3), and a hard
 * time limit. Build first (`npm run build`); `npm run load` does. Writes to GitHub are
 * spaced about 1 s apart by Probot's throttling plugin (GitHub asks integrations to
 * serialise content-creating requests), so time-to-comment grows with the number of PRs.
 */
import { spawn } from "node:child_process";
import { createHash, createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

const PRS = Number(process.env.LOAD_PRS ?? 20);
const PUSHES = Number(process.env.LOAD_PUSHES ?? 3);
const TIME_LIMIT_MS = 120_000;
const SECRET = "load-secret-0123456789abcdef";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const BASE_CI = "stages: [build, test]\nbuild:\n  stage: build\n  image: alpine:3.20\n  script: make\ntest:\n  stage: test\n  script: make check\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"master\"\n";
const headCi = (pr: number, push: number) => `${BASE_CI}      when: manual\nlint${pr}x${push}:\n  stage: test\n  script: lint\n`;

const blobSha = (text: string) => createHash("sha1").update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest("hex");

/** Just enough of the GitHub REST API for one review per push: commits, pulls, checks, comments. */
class LoadApi {
  readonly commits = new Map<string, Record<string, string>>();
  readonly blobs = new Map<string, string>();
  readonly comments = new Map<number, Array<{ id: number; body: string; user: { login: string; type: string } }>>();
  readonly commentedAt = new Map<string, number>();
  private nextId = 1;

  addCommit(sha: string, files: Record<string, string>): void {
    this.commits.set(sha, files);
    for (const text of Object.values(files)) this.blobs.set(blobSha(text), text);
  }

  handle(method: string, url: string, body: Record<string, unknown>): [number, unknown] {
    const path = url.replace(/^\/api\/v3/, "").split("?")[0];
    let m: RegExpMatchArray | null;
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) return [201, { token: "t", expires_at: new Date(Date.now() + 3600_000).toISOString() }];
    if ((m = path.match(/^\/repos\/acme\/demo\/git\/trees\/(\w+)$/))) {
      const files = this.commits.get(m[1]) ?? {};
      return [200, { sha: m[1], truncated: false, tree: Object.entries(files).map(([p, t]) => ({ path: p, mode: "100644", type: "blob", sha: blobSha(t), size: t.length })) }];
    }
    if ((m = path.match(/^\/repos\/acme\/demo\/git\/blobs\/(\w+)$/))) return [200, { sha: m[1], encoding: "base64", content: Buffer.from(this.blobs.get(m[1]) ?? "").toString("base64") }];
    if ((m = path.match(/^\/repos\/acme\/demo\/compare\/(\w+)\.\.\.(\w+)$/))) return [200, { merge_base_commit: { sha: m[1] }, commits: [], files: [] }];
    if (/^\/repos\/acme\/demo\/pulls\/\d+\/files$/.test(path)) return [200, [{ filename: ".gitlab-ci.yml", status: "modified" }]];
    if (path === "/repos/acme/demo/branches") return [200, [{ name: "master" }]];
    if (path.startsWith("/repos/acme/demo/contents/")) return [404, { message: "Not Found" }];
    if (method === "POST" && path === "/repos/acme/demo/check-runs") return [201, { id: this.nextId++ }];
    if (method === "PATCH" && path.startsWith("/repos/acme/demo/check-runs/")) return [200, {}];
    if ((m = path.match(/^\/repos\/acme\/demo\/issues\/(\d+)\/comments$/))) {
      const list = this.comments.get(Number(m[1])) ?? [];
      this.comments.set(Number(m[1]), list);
      if (method === "GET") return [200, list];
      return [201, this.comment(list, String(body.body))];
    }
    if (method === "PATCH" && (m = path.match(/^\/repos\/acme\/demo\/issues\/comments\/(\d+)$/))) {
      for (const list of this.comments.values()) {
        const found = list.find((c) => c.id === Number(m?.[1]));
        if (found) {
          found.body = String(body.body);
          this.stamp(found.body);
          return [200, found];
        }
      }
    }
    return [404, { message: "Not Found" }];
  }

  private comment(list: Array<{ id: number; body: string; user: { login: string; type: string } }>, text: string) {
    const comment = { id: this.nextId++, body: text, user: { login: "ci-explain[bot]", type: "Bot" } };
    list.push(comment);
    this.stamp(text);
    return comment;
  }

  /** The comment names the head SHA it analysed: remember when each SHA got its comment. */
  private stamp(text: string): void {
    const sha = text.match(/head `(\w+)`/)?.[1];
    if (sha && !this.commentedAt.has(sha)) this.commentedAt.set(sha, Date.now());
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const api = new LoadApi();
  api.addCommit("base0", { ".gitlab-ci.yml": BASE_CI, "README.md": "load" });
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const [status, body] = api.handle(req.method ?? "GET", req.url ?? "/", text ? (JSON.parse(text) as Record<string, unknown>) : {});
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const apiHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;

  const child = spawn(process.execPath, ["bin/ci-explain.js", "serve", "--port", "0", "--host", "127.0.0.1"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, APP_ID: "1", PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, GHE_HOST: apiHost, GHE_PROTOCOL: "http", LOG_LEVEL: "warn", LOG_FORMAT: "json", WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? "2" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const appUrl = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });

  let peakRss = 0;
  const sampler = setInterval(() => {
    void fetch(`${appUrl}/metrics`)
      .then((r) => r.text())
      .then((text) => {
        const rss = Number(text.match(/^ci_explain_process_resident_memory_bytes (\d+)/m)?.[1] ?? 0);
        peakRss = Math.max(peakRss, rss);
      })
      .catch(() => undefined);
  }, 200);

  // Every PR gets PUSHES pushes; only the last push of each PR needs a comment.
  const sentAt = new Map<string, number>();
  const finalShas: string[] = [];
  const started = Date.now();
  let accepted = 0;
  for (let push = 1; push <= PUSHES; push++) {
    await Promise.all(
      Array.from({ length: PRS }, async (_, i) => {
        const pr = i + 1;
        const sha = `p${pr}x${push}`;
        api.addCommit(sha, { ".gitlab-ci.yml": headCi(pr, push), "README.md": "load" });
        if (push === PUSHES) finalShas.push(sha);
        const payload = JSON.stringify({
          action: push === 1 ? "opened" : "synchronize",
          number: pr,
          pull_request: { number: pr, state: "open", draft: false, head: { sha, ref: `feature-${pr}`, repo: { name: "demo", full_name: "acme/demo", owner: { login: "acme" } } }, base: { sha: "base0", ref: "master", repo: { name: "demo", full_name: "acme/demo", owner: { login: "acme" } } } },
          repository: { id: 1, name: "demo", full_name: "acme/demo", owner: { login: "acme", type: "Organization" }, html_url: "", default_branch: "master" },
          installation: { id: 7 },
          sender: { login: "alice", type: "User" },
        });
        sentAt.set(sha, Date.now());
        const res = await fetch(`${appUrl}/api/github/webhooks`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": randomUUID(), "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(payload).digest("hex")}` },
          body: payload,
        });
        await res.arrayBuffer();
        if (res.ok) accepted++;
      }),
    );
  }
  const sendSeconds = (Date.now() - started) / 1000;
  while (finalShas.some((sha) => !api.commentedAt.has(sha)) && Date.now() - started < TIME_LIMIT_MS) await new Promise((r) => setTimeout(r, 100));
  clearInterval(sampler);
  const latencies = finalShas.filter((sha) => api.commentedAt.has(sha)).map((sha) => (api.commentedAt.get(sha) ?? 0) - (sentAt.get(sha) ?? 0)).sort((a, b) => a - b);

  console.log(`webhooks sent: ${PRS * PUSHES} (${PRS} PRs × ${PUSHES} pushes), accepted: ${accepted}`);
  console.log(`webhooks/s accepted: ${(accepted / sendSeconds).toFixed(0)}`);
  console.log(`comments for the final push: ${latencies.length}/${finalShas.length}`);
  console.log(`time to comment (final push): p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`);
  console.log(`server peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);

  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  server.close();
  if (latencies.length < finalShas.length) process.exitCode = 1;
}

await main();
