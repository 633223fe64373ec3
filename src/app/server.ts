import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, createProbot } from "probot";
import { createGitHubApp, type GitHubAppDeps } from "./github-app.js";

/** Where GitHub sends webhooks (also Probot's default, so existing App settings keep working). */
export const GITHUB_WEBHOOK_PATH = "/api/github/webhooks";

export type Env = Record<string, string | undefined>;

/** A misconfiguration the operator must fix; `serve` prints it and exits 2. */
export class ServerConfigError extends Error {}

/** Answers a request and returns true, or returns false to let the next route try. */
type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface ServerOptions {
  env: Env;
  port: number;
  host: string;
  /** The GitHub App's collaborators (engine, report, caches); built once per server. */
  githubDeps: () => GitHubAppDeps;
}

export interface RunningServer {
  port: number;
  /** The platforms with a mounted webhook route, e.g. `["github"]`. */
  platforms: string[];
  close(): Promise<void>;
}

/**
 * GitHub App settings from the environment, or undefined when no GitHub variable is set.
 * Refuses a half configuration — above all a missing WEBHOOK_SECRET, for which Probot
 * would silently accept webhooks signed with the public word "development".
 */
export function githubSettings(env: Env): { appId: string } | undefined {
  const present = (name: string) => (env[name] ?? "").trim() !== "";
  const names = ["APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET"];
  if (!names.some(present)) return undefined;
  const missing = [
    ...(present("APP_ID") ? [] : ["APP_ID"]),
    ...(present("PRIVATE_KEY") || present("PRIVATE_KEY_PATH") ? [] : ["PRIVATE_KEY or PRIVATE_KEY_PATH"]),
    ...(present("WEBHOOK_SECRET") ? [] : ["WEBHOOK_SECRET"]),
  ];
  if (missing.length > 0) {
    throw new ServerConfigError(`the GitHub App is partly configured: set ${missing.join(", ")} (the GitHub webhook route is not started without them)`);
  }
  return { appId: String(env.APP_ID) };
}

/**
 * One HTTP server for every platform: `GET /healthz`, the GitHub webhook (Probot's
 * middleware verifies X-Hub-Signature-256 and answers 400 on a bad signature), and — next —
 * the GitLab webhook. GHE_HOST/GHE_PROTOCOL point the GitHub client at GitHub Enterprise
 * Server (`<protocol>://<host>/api/v3`), as Probot's createProbot reads them.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const platforms: string[] = [];
  const routes: Route[] = [healthRoute(platforms)];

  if (githubSettings(options.env)) {
    routes.push(await githubRoute(options));
    platforms.push("github");
  }
  // The GitLab webhook receiver mounts here: a Route for POST /api/gitlab/webhooks that
  // checks X-Gitlab-Token, and "gitlab" pushed onto `platforms`.

  if (platforms.length === 0) {
    throw new ServerConfigError("no platform is configured: set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET for the GitHub App");
  }

  const server = createServer((req, res) => {
    void (async () => {
      for (const route of routes) if (await route(req, res)) return;
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    platforms,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Requests in progress finish (their analysis is awaited); idle keep-alive sockets go now.
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

/** For load balancers and orchestrators: the process is up and which platforms it serves. */
function healthRoute(platforms: string[]): Route {
  return async (req, res) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/healthz") return false;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", platforms }));
    return true;
  };
}

async function githubRoute(options: ServerOptions): Promise<Route> {
  // createProbot reads APP_ID, PRIVATE_KEY/PRIVATE_KEY_PATH, WEBHOOK_SECRET, GHE_HOST,
  // GHE_PROTOCOL, LOG_LEVEL and LOG_FORMAT from this env; its log level default is "warn".
  const env = { LOG_LEVEL: "info", ...options.env } as NodeJS.ProcessEnv;
  let probot;
  try {
    probot = createProbot({ env });
  } catch (err) {
    throw new ServerConfigError(`the GitHub App cannot start: ${err instanceof Error ? err.message : String(err)}`);
  }
  const middleware = await createNodeMiddleware(createGitHubApp(options.githubDeps()), { probot, webhooksPath: GITHUB_WEBHOOK_PATH });
  return async (req, res) => (await middleware(req, res, () => undefined)) === true;
}
