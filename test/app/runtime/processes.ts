import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeGitHub } from "../../platforms/github/fake-github.js";
import { FakeGitLab } from "../../platforms/gitlab/fake-gitlab.js";
import { CLI_ENTRY, ROOT } from "../github/dist-build.js";
import { PRIVATE_KEY, pullRequestPayload } from "../github/harness.js";
import { mrHook, SECRET as GITLAB_SECRET } from "../gitlab/harness.js";

export const SECRET = "runtime-webhook-secret-0123456789abcdef";

export const BASE_CI = "stages: [build]\nbuild:\n  stage: build\n  image: alpine:3.20\n  script: make\n";
export const headCi = (n: number) => `${BASE_CI}  when: manual\n  variables:\n    PUSH: "${n}"\n`;

/** A request the fake API holds until the test lets it go (to catch the app mid-work). */
export interface Hold {
  method: string;
  pathPrefix: string;
  /** Resolves when the request arrived. */
  arrived: Promise<void>;
  release(): void;
}

/** Requests a fake API holds until the test lets them go; one hold catches the next matching request. */
class Holds {
  private readonly waiting: Array<Hold & { resolveArrived(): void; gate: Promise<void> }> = [];

  add(method: string, pathPrefix: string): Hold {
    let resolveArrived = () => undefined as void;
    let release = () => undefined as void;
    const arrived = new Promise<void>((resolve) => (resolveArrived = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hold = { method, pathPrefix, arrived, release, resolveArrived, gate };
    this.waiting.push(hold);
    return hold;
  }

  /** Resolves at once, or when the test releases the hold that caught this request. */
  async pass(method: string, path: string): Promise<void> {
    const index = this.waiting.findIndex((h) => h.method === method && path.startsWith(h.pathPrefix));
    if (index < 0) return;
    const [hold] = this.waiting.splice(index, 1);
    hold.resolveArrived();
    await hold.gate;
  }

  releaseAll(): void {
    for (const hold of this.waiting.splice(0)) hold.release();
  }
}

/** A fake API the `serve` process talks to: the environment that points it there. */
export interface ServedApi {
  serveEnv(): Record<string, string>;
}

/**
 * The GitHub API as a local HTTP server (GitHub Enterprise style, under /api/v3), with
 * scripted trouble: a run of error statuses for a path, and requests held until released.
 */
export class FakeApiServer implements ServedApi {
  readonly fake = new FakeGitHub();
  private server: Server | undefined;
  private readonly storms: Array<{ method: string; pathPrefix: string; replies: Array<{ status: number; headers?: Record<string, string> }> }> = [];
  private readonly holds = new Holds();
  private readonly hangs: Array<{ method: string; pathPrefix: string; left: number }> = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => void this.answer(req.method ?? "GET", req.url ?? "/", body, (status, headers, text) => res.writeHead(status, headers).end(text)));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.fake.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v3`;
  }

  get host(): string {
    return new URL(this.fake.baseUrl).host;
  }

  serveEnv(): Record<string, string> {
    return { APP_ID: "123", PRIVATE_KEY, WEBHOOK_SECRET: SECRET, GHE_HOST: this.host, GHE_PROTOCOL: "http" };
  }

  /** The next requests matching answer these statuses, in order, then the fake answers normally. */
  storm(method: string, pathPrefix: string, replies: Array<{ status: number; headers?: Record<string, string> }>): void {
    this.storms.push({ method, pathPrefix, replies: [...replies] });
  }

  /** Hold the next request matching until `release()`. */
  hold(method: string, pathPrefix: string): Hold {
    return this.holds.add(method, pathPrefix);
  }

  /** The next `count` requests matching get no answer at all (an API that stopped answering). */
  hang(method: string, pathPrefix: string, count: number): void {
    this.hangs.push({ method, pathPrefix, left: count });
  }

  close(): Promise<void> {
    this.holds.releaseAll();
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(method: string, url: string, body: string, send: (status: number, headers: Record<string, string>, text: string) => void): Promise<void> {
    const path = url.replace(/^\/api\/v3/, "").split("?")[0];
    const matches = (rule: { method: string; pathPrefix: string }) => rule.method === method && path.startsWith(rule.pathPrefix);
    const hang = this.hangs.find((h) => matches(h) && h.left > 0);
    if (hang) {
      hang.left--;
      this.fake.requests.push({ method, path, body: undefined });
      return;
    }
    await this.holds.pass(method, path);
    const storm = this.storms.find((s) => matches(s) && s.replies.length > 0);
    const scripted = storm?.replies.shift();
    if (scripted) {
      this.fake.requests.push({ method, path, body: undefined });
      send(scripted.status, { "content-type": "application/json", ...scripted.headers }, JSON.stringify({ message: "scripted failure" }));
      return;
    }
    const reply = this.fake.handle(method, url, body ? (JSON.parse(body) as unknown) : undefined);
    send(reply.status, { "content-type": "application/json", ...reply.headers }, JSON.stringify(reply.body));
  }
}

/**
 * The GitLab REST API v4 (test/platforms/gitlab's fake) on a local HTTP server, with
 * requests held until released (paths without the /api/v4/projects/<id> prefix).
 */
export class FakeGitLabServer implements ServedApi {
  readonly fake = new FakeGitLab();
  private server: Server | undefined;
  private url = "";
  private readonly holds = new Holds();

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => void this.answer(req.method ?? "GET", req.url ?? "/", Buffer.concat(chunks).toString("utf8"), res));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  serveEnv(): Record<string, string> {
    return { GITLAB_URL: this.url, GITLAB_TOKEN: "glpat-runtime", GITLAB_WEBHOOK_SECRET: GITLAB_SECRET };
  }

  /** Hold the next request matching (e.g. `POST /statuses/`) until `release()`. */
  hold(method: string, pathPrefix: string): Hold {
    return this.holds.add(method, pathPrefix);
  }

  close(): Promise<void> {
    this.holds.releaseAll();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(method: string, url: string, body: string, res: ServerResponse): Promise<void> {
    await this.holds.pass(method, url.split("?")[0].replace(`/api/v4/projects/${this.fake.projectId}`, ""));
    const reply = this.fake.handle(method, url, body ? parseBody(body) : undefined);
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
  }
}

/** gitbeaker sends JSON bodies; anything else is read as a form. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return Object.fromEntries(new URLSearchParams(text));
  }
}

/** `node bin/ci-explain.js serve` in its own process, pointed at the fake API. */
export class ServeProcess {
  stdout = "";
  stderr = "";
  url = "";
  private child: ChildProcess | undefined;
  readonly exited: Promise<number | null>;
  private resolveExit: (code: number | null) => void = () => undefined;

  constructor() {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  async start(api: ServedApi, env: Record<string, string> = {}): Promise<this> {
    if (!existsSync(CLI_ENTRY)) throw new Error("build first (npm run build)");
    const child = spawn(process.execPath, ["bin/ci-explain.js", "serve", "--port", "0", "--host", "127.0.0.1"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        ...api.serveEnv(),
        LOG_FORMAT: "json",
        LOG_LEVEL: "info",
        API_RETRY_BASE_MS: "50",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stderr?.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.stdout?.on("data", (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.once("exit", (code) => this.resolveExit(code));
    for (let i = 0; i < 300 && !this.url; i++) {
      const m = this.stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) this.url = m[1];
      else if (child.exitCode !== null) break;
      else await new Promise((r) => setTimeout(r, 50));
    }
    if (!this.url) throw new Error(`serve did not start: ${this.stderr}${this.stdout}`);
    return this;
  }

  /** SIGTERM, and the exit code. */
  async terminate(): Promise<number | null> {
    if (this.child?.pid !== undefined && this.child.exitCode === null) process.kill(this.child.pid, "SIGTERM");
    return this.exited;
  }

  kill(): void {
    if (this.child?.pid !== undefined && this.child.exitCode === null) process.kill(this.child.pid, "SIGKILL");
  }

  /** Signed pull_request delivery; resolves with the response status. */
  async deliverPullRequest(options: { action?: string; headSha: string; id?: string; number?: number }): Promise<number> {
    const body = JSON.stringify(pullRequestPayload({ action: options.action ?? "synchronize", headSha: options.headSha, number: options.number }));
    const res = await fetch(`${this.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": options.id ?? randomUUID(),
        "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
      },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** A Merge Request Hook for MR !7 at `headSha` (an update pushing it, after `oldrev`); the answer's status and body. */
  async deliverMergeRequest(options: { headSha: string; oldrev?: string; key: string }): Promise<{ status: number; body: unknown }> {
    const payload = mrHook({ action: options.oldrev ? "update" : "open", headSha: options.headSha, oldrev: options.oldrev });
    const res = await fetch(`${this.url}/api/gitlab/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-gitlab-event": "Merge Request Hook", "x-gitlab-token": GITLAB_SECRET, "idempotency-key": options.key },
      body: JSON.stringify(payload),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }
}

/** MR !7 of the fake GitLab, pushed N times (h1..hN), each push changing CI; the MR's diff is the newest push's. */
export function seedMergeRequestPushes(api: FakeGitLabServer, count: number): string[] {
  const shas = Array.from({ length: count }, (_, i) => `h${i + 1}`);
  api.fake.addCommit("mergebase1", { ".gitlab-ci.yml": BASE_CI, "README.md": "demo" });
  shas.forEach((sha, i) => api.fake.addCommit(sha, { ".gitlab-ci.yml": headCi(i + 1), "README.md": "demo" }));
  api.fake.versions = [{ base: "mergebase1", head: shas[count - 1] }];
  api.fake.diffPaths = [".gitlab-ci.yml"];
  api.fake.pipelines = shas.map((sha, i) => ({ id: 100 + i, sha })).reverse();
  return shas;
}

/** A repository where every push s1..sN changes CI: each head gets its own comment text. */
export function seedPushes(api: FakeApiServer, count: number): string[] {
  const shas = Array.from({ length: count }, (_, i) => `s${i + 1}`);
  api.fake.addCommit("base1", { ".gitlab-ci.yml": BASE_CI, "README.md": "demo" });
  shas.forEach((sha, i) => api.fake.addCommit(sha, { ".gitlab-ci.yml": headCi(i + 1), "README.md": "demo" }));
  api.fake.addPull({ number: 7, head: { sha: shas[count - 1], ref: "feature" }, base: { sha: "base1", ref: "master" }, files: [".gitlab-ci.yml"] });
  return shas;
}

export async function until(condition: () => boolean, what: string, extra = () => ""): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!condition()) throw new Error(`timed out waiting for ${what}${extra()}`);
}

/** Lets in-flight work settle (no assertion depends on the length of this pause). */
export const settle = (ms = 1500) => new Promise((r) => setTimeout(r, ms));
