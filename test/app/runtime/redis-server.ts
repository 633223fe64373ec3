import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { describe } from "vitest";

/** Set by `.ci/run`: CI has redis-server, and a Redis test that cannot start it fails. */
const REQUIRED = process.env.CI_EXPLAIN_REQUIRE_REDIS === "1";
const INSTALLED = !spawnSync("redis-server", ["--version"]).error;
const MISSING = "redis-server is not installed (Debian/Ubuntu: apt-get install -y redis-server)";

/**
 * A suite that needs a real redis-server. Without one it is skipped, its name saying why,
 * unless CI_EXPLAIN_REQUIRE_REDIS=1 makes it run (and fail at `RedisServer.start`).
 */
export function describeWithRedis(name: string, suite: () => void): void {
  if (INSTALLED || REQUIRED) {
    describe(name, suite);
    return;
  }
  process.emitWarning(`${name}: skipped, ${MISSING}; set CI_EXPLAIN_REQUIRE_REDIS=1 to make that a failure`);
  describe.skip(`${name} [skipped: ${MISSING}]`, suite);
}

/** A throwaway redis-server on a free loopback port, without persistence, killed by pid. */
export class RedisServer {
  private child: ChildProcess | undefined;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (!INSTALLED) throw new Error(`${MISSING}: the Redis tests need it (CI_EXPLAIN_REQUIRE_REDIS=1)`);
    this.port = await freePort();
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("Ready to accept connections")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
    return this;
  }

  stop(): void {
    if (this.child?.pid !== undefined && this.child.exitCode === null) process.kill(this.child.pid, "SIGKILL");
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
