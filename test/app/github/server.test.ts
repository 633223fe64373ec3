import { describe, expect, it } from "vitest";
import { serveCommand } from "../../../src/app/cli/commands/serve.js";
import { githubSettings, ServerConfigError, startServer } from "../../../src/app/server.js";
import { fakeDeps, PRIVATE_KEY } from "./harness.js";

const FULL = { APP_ID: "123", PRIVATE_KEY, WEBHOOK_SECRET: "s3cret" };

describe("server configuration", () => {
  it.each([
    ["WEBHOOK_SECRET is unset", { APP_ID: "123", PRIVATE_KEY }, "WEBHOOK_SECRET"],
    ["WEBHOOK_SECRET is blank", { ...FULL, WEBHOOK_SECRET: "  " }, "WEBHOOK_SECRET"],
    ["no private key", { APP_ID: "123", WEBHOOK_SECRET: "s" }, "PRIVATE_KEY or PRIVATE_KEY_PATH"],
    ["no APP_ID", { PRIVATE_KEY, WEBHOOK_SECRET: "s" }, "APP_ID"],
  ])("refuses to start the GitHub route when %s", (_name, env, missing) => {
    expect(() => githubSettings(env)).toThrow(ServerConfigError);
    expect(() => githubSettings(env)).toThrow(missing);
  });

  it.each([
    ["text that is no key", { ...FULL, PRIVATE_KEY: "notapem" }, "PRIVATE_KEY is not a PEM private key: give the contents of the .pem file"],
    ["a file that does not exist", { APP_ID: "123", WEBHOOK_SECRET: "s", PRIVATE_KEY_PATH: "/nonexistent/app.pem" }, "PRIVATE_KEY_PATH /nonexistent/app.pem: cannot read the file"],
  ])("says what is wrong with the private key when it is %s", (_what, env, message) => {
    expect(() => githubSettings(env)).toThrow(ServerConfigError);
    expect(() => githubSettings(env)).toThrow(message);
  });

  it("accepts the key base64-encoded, as a secret store may hold it", () => {
    expect(githubSettings({ ...FULL, PRIVATE_KEY: Buffer.from(PRIVATE_KEY).toString("base64") })).toEqual({ appId: "123" });
  });

  it("leaves the GitHub route off when nothing GitHub is set", () => {
    expect(githubSettings({ PATH: "/bin" })).toBeUndefined();
  });

  it("accepts a complete GitHub App configuration", () => {
    expect(githubSettings(FULL)).toEqual({ appId: "123" });
  });

  it("does not serve without any platform", async () => {
    await expect(startServer({ env: {}, port: 0, host: "127.0.0.1", githubDeps: fakeDeps })).rejects.toThrow("no platform is configured");
  });

  it("serves /healthz, the webhook path and 404 elsewhere", async () => {
    const server = await startServer({ env: { ...FULL, LOG_LEVEL: "silent" }, port: 0, host: "127.0.0.1", githubDeps: fakeDeps });
    try {
      const url = `http://127.0.0.1:${server.port}`;
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok", platforms: ["github"] });
      expect((await fetch(`${url}/nope`)).status).toBe(404);
      // Unsigned: refused by the webhook verifier, never handled.
      const unsigned = await fetch(`${url}/api/github/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": "1" },
        body: "{}",
      });
      expect(unsigned.status).toBeGreaterThanOrEqual(400);
      expect(unsigned.status).toBeLessThan(500);
    } finally {
      await server.close();
    }
  });

  it("serves /metrics to anyone on the webhook port by default", async () => {
    const server = await startServer({ env: { ...FULL, LOG_LEVEL: "silent" }, port: 0, host: "127.0.0.1", githubDeps: fakeDeps });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("ci_explain_queue_depth");
    } finally {
      await server.close();
    }
  });

  it("with METRICS_TOKEN, answers /metrics only to the bearer of the token", async () => {
    const server = await startServer({ env: { ...FULL, LOG_LEVEL: "silent", METRICS_TOKEN: "scrape-secret" }, port: 0, host: "127.0.0.1", githubDeps: fakeDeps });
    try {
      const url = `http://127.0.0.1:${server.port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: "Bearer scrape-secret" } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain("ci_explain_queue_depth");
    } finally {
      await server.close();
    }
  });

  it("with METRICS_PORT, serves /metrics there and not on the webhook port", async () => {
    const server = await startServer({ env: { ...FULL, LOG_LEVEL: "silent", METRICS_PORT: "0" }, port: 0, host: "127.0.0.1", githubDeps: fakeDeps });
    try {
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(404);
      expect(server.metricsPort).toBeGreaterThan(0);
      const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("ci_explain_queue_depth");
      expect((await fetch(`http://127.0.0.1:${server.metricsPort}/api/github/webhooks`, { method: "POST", body: "{}" })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("refuses a METRICS_PORT that is not a port", async () => {
    await expect(startServer({ env: { ...FULL, LOG_LEVEL: "silent", METRICS_PORT: "metrics" }, port: 0, host: "127.0.0.1", githubDeps: fakeDeps })).rejects.toThrow(
      'METRICS_PORT must be a port number from 0 to 65535, not "metrics"',
    );
  });
});

describe("ci-explain serve", () => {
  const io = (env: Record<string, string | undefined>) => {
    const out = { stdout: "", stderr: "" };
    return { out, io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t), cwd: ".", env } };
  };

  it("exits 2 with the reason when WEBHOOK_SECRET is missing, never falling back to a default", async () => {
    const { out, io: cli } = io({ APP_ID: "123", PRIVATE_KEY });
    expect(await serveCommand.run(["--port", "0", "--host", "127.0.0.1"], cli)).toBe(2);
    expect(out.stderr).toBe(
      "ci-explain serve: the GitHub App is partly configured: set WEBHOOK_SECRET (the GitHub webhook route is not started without them)\n",
    );
  });

  it.each([["abc"], ["70000"], ["1.5"]])("rejects port %s as a usage error", async (port) => {
    const { io: cli } = io(FULL);
    await expect(serveCommand.run(["--port", port], cli)).rejects.toThrow("port must be a number from 0 to 65535");
  });
});
