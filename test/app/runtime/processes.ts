import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeGitHub } from "../../platforms/github/fake-github.js";
import { ROOT } from "../github/dist-build.js";
import { PRIVATE_KEY, pullRequestPayload } from "../github/harness.js";

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

/**
 * The GitHub API as a local HTTP server (GitHub Enterprise style, under /api/v3), with
 * scripted trouble: a run of error statuses for a path, and requests held until released.
 */
export class FakeApiServer {
  readonly fake = new FakeGitHub();
  private server: Server | undefined;
  private readonly storms: Array<{ method: string; pathPrefix: string; replies: Array<{ status: number; headers?: Record<string, string> }> }> = [];
  private readonly holds: Array<Hold & { resolveArrived(): void; gate: Promise<void> }> = [];

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

  /** The next requests matching answer these statuses, in order, then the fake answers normally. */
  storm(method: string, pathPrefix: string, replies: Array<{ status: number; headers?: Record<string, string> }>): void {
    this.storms.push({ method, pathPrefix, replies: [...replies] });
  }

  /** Hold the next request matching until `release()`. */
  hold(method: string, pathPrefix: string): Hold {
    let resolveArrived = () => undefined as void;
    let release = () => undefined as void;
    const arrived = new Promise<void>((resolve) => (resolveArrived = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hold = { method, pathPrefix, arrived, release, resolveArrived, gate };
    this.holds.push(hold);
    return hold;
  }

  close(): Promise<void> {
    for (const hold of this.holds) hold.release();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(method: string, url: string, body: string, send: (status: number, headers: Record<string, string>, text: string) => void): Promise<void> {
    const path = url.replace(/^\/api\/v3/, "").split("?")[0];
    const matches = (rule: { method: string; pathPrefix: string }) => rule.method === method && path.startsWith(rule.pathPrefix);
    const holdIndex = this.holds.findIndex(matches);
    if (holdIndex >= 0) {
      const [hold] = this.holds.splice(holdIndex, 1);
      hold.resolveArrived();
      await hold.gate;
    }
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

  async start(api: FakeApiServer, env: Record<string, string> = {}): Promise<this> {
    if (!existsSync(`${ROOT}dist/src/app/cli/main.js`)) throw new Error("build first (npm run build)");
    const child = spawn(process.execPath, ["bin/ci-explain.js", "serve", "--port", "0", "--host", "127.0.0.1"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        APP_ID: "123",
        PRIVATE_KEY,
        WEBHOOK_SECRET: SECRET,
        GHE_HOST: api.host,
        GHE_PROTOCOL: "http",
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
  async deliverPullRequest(options: { action?: string; headSha: string; id?: string }): Promise<number> {
    const body = JSON.stringify(pullRequestPayload({ action: options.action ?? "synchronize", headSha: options.headSha }));
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
