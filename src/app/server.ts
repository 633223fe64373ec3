import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, createProbot } from "probot";
import pino from "pino";
import { createGitLabApi } from "../platforms/gitlab/gitlab-api.js";
import type { RepositoryAnalyzer } from "../platforms/review-flow.js";
import { checkWrite } from "../platforms/write-guard.js";
import { createGitHubApp, type GitHubAppDeps } from "./github-app.js";
import { politeOctokit } from "./github-octokit.js";
import { readWebhookBody, refuseOversizedBody } from "./webhook-body.js";
import { createWorkRuntime, type WorkRuntime } from "./work-runtime.js";
import { createGitLabWebhook, defaultGitLabAppDeps, type GitLabAppDeps, type GitLabWebhook } from "./gitlab-webhook.js";

/** Where GitHub sends webhooks (also Probot's default, so existing App settings keep working). */
import { GITHUB_WEBHOOK_PATH } from "./webhook-path.js";
export { GITHUB_WEBHOOK_PATH };

export type Env = Record<string, string | undefined>;

/** A misconfiguration the operator must fix; `serve` prints it and exits 2. */
export class ServerConfigError extends Error {}

/** Answers a request and returns true, or returns false to let the next route try. */
type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface ServerOptions {
  env: Env;
  port: number;
  host: string;
  /** The GitHub App's collaborators (engine, report, caches); built once per server, given the runtime's isolated engine. */
  githubDeps: (analyzers: RepositoryAnalyzer) => GitHubAppDeps;
  /**
   * The GitLab receiver's collaborators; by default the real ones, talking to GITLAB_URL.
   * The runtime adds its queue, metrics and (with REDIS_URL) shared stores either way.
   */
  gitlabDeps?: (settings: GitLabSettings) => GitLabAppDeps;
}

export interface GitLabSettings {
  url: string;
  token: string;
  secret: string;
}

/**
 * GitLab settings from the environment, or undefined when neither GITLAB_TOKEN nor
 * GITLAB_WEBHOOK_SECRET is set. One without the other is refused: a receiver without a
 * secret would act on anyone's webhook, and one without a token could not answer.
 */
export function gitlabSettings(env: Env): GitLabSettings | undefined {
  const token = (env.GITLAB_TOKEN ?? "").trim();
  const secret = (env.GITLAB_WEBHOOK_SECRET ?? "").trim();
  if (token === "" && secret === "") return undefined;
  if (token === "" || secret === "") {
    const missing = token === "" ? "GITLAB_TOKEN" : "GITLAB_WEBHOOK_SECRET";
    throw new ServerConfigError(`GitLab is partly configured: set ${missing} too (the GitLab webhook route is not started without it)`);
  }
  const url = (env.GITLAB_URL ?? "").trim() || "https://gitlab.com";
  if (!/^https?:\/\/[^/]/.test(url)) throw new ServerConfigError(`GITLAB_URL must be an http(s) URL, not "${url}"`);
  return { url, token, secret };
}

function defaultGitLabDeps(settings: GitLabSettings, env: Env, runtime: WorkRuntime): GitLabAppDeps {
  const log = pino({ level: env.LOG_LEVEL ?? "info" });
  const api = createGitLabApi({
    url: settings.url,
    token: settings.token,
    retry: runtime.retryPolicy,
    onResponse: runtime.countApiRequest("gitlab"),
    // The running job's guard: a superseded review never writes.
    beforeWrite: checkWrite,
  });
  return defaultGitLabAppDeps({ api, secret: settings.secret, log, analyzers: runtime.analyzers });
}

export interface RunningServer {
  port: number;
  /** Where /metrics is served when METRICS_PORT is set (else on `port`). */
  metricsPort?: number;
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
  const keyProblem = privateKeyProblem(env);
  if (keyProblem) throw new ServerConfigError(keyProblem);
  return { appId: String(env.APP_ID) };
}

/**
 * Why the App's private key is unusable, said in the user's terms; undefined when it is a PEM
 * private key. Probot takes PEM text or that text base64-encoded (as a secret store may hold it),
 * and says only "privateKey option is required" for anything else.
 */
function privateKeyProblem(env: Env): string | undefined {
  const inline = (env.PRIVATE_KEY ?? "").trim();
  let text = inline;
  let what = "PRIVATE_KEY";
  if (inline === "") {
    const path = String(env.PRIVATE_KEY_PATH).trim();
    what = `PRIVATE_KEY_PATH ${path}`;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      return `${what}: cannot read the file (${err instanceof Error ? err.message : String(err)})`;
    }
  }
  const pem = text.includes("-----BEGIN") ? text : Buffer.from(text, "base64").toString("utf8");
  try {
    createPrivateKey(pem.replace(/\\n/g, "\n"));
    return undefined;
  } catch {
    return `${what} is not a PEM private key: give the contents of the .pem file GitHub generated for the App (it starts with "-----BEGIN RSA PRIVATE KEY-----"), that text base64-encoded, or its path in PRIVATE_KEY_PATH`;
  }
}

/**
 * One HTTP server for every platform: `GET /healthz`, the GitHub webhook (Probot's
 * middleware verifies X-Hub-Signature-256 and answers 400 on a bad signature), and — next —
 * the GitLab webhook. GHE_HOST/GHE_PROTOCOL point the GitHub client at GitHub Enterprise
 * Server (`<protocol>://<host>/api/v3`), as Probot's createProbot reads them.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const platforms: string[] = [];
  // /metrics on its own port when METRICS_PORT is set (kept off the public webhook port), else beside the webhooks.
  const metricsPort = metricsPortFrom(options.env);
  // Queue, workers, metrics and shutdown: in memory, or in Redis with REDIS_URL (work-runtime.ts).
  const runtime = createWorkRuntime(options.env);
  const routes: Route[] = [...runtime.routes, healthRoute(platforms), ...(metricsPort === undefined ? [runtime.metricsRoute] : [])];

  if (githubSettings(options.env)) {
    routes.push(await githubRoute(options, runtime));
    platforms.push("github");
  }
  const gitlab = gitlabSettings(options.env);
  let gitlabHook: GitLabWebhook | undefined;
  if (gitlab) {
    gitlabHook = createGitLabWebhook(runtime.withGitLab(options.gitlabDeps?.(gitlab) ?? defaultGitLabDeps(gitlab, options.env, runtime)));
    routes.push(gitlabHook.route);
    platforms.push("gitlab");
  }

  if (platforms.length === 0) {
    await runtime.stop();
    throw new ServerConfigError(
      "no platform is configured: set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET for the GitHub App, or GITLAB_TOKEN and GITLAB_WEBHOOK_SECRET for GitLab",
    );
  }

  const server = await listen(routes, options.port, options.host);
  const metricsServer = metricsPort === undefined ? undefined : await listen([runtime.metricsRoute], metricsPort, (options.env.METRICS_HOST ?? "").trim() || options.host).catch(async (err: unknown) => {
    server.close();
    await runtime.stop();
    throw err;
  });
  runtime.start();
  return {
    port: (server.address() as AddressInfo).port,
    ...(metricsServer ? { metricsPort: (metricsServer.address() as AddressInfo).port } : {}),
    platforms,
    close: async () => {
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      // New webhooks get 503 from now on; running work gets SHUTDOWN_GRACE_MS, then is handed back or logged.
      const stopped = runtime.stop();
      await new Promise<void>((resolve, reject) => {
        // Requests in progress finish (their analysis is awaited); idle keep-alive sockets go now.
        // GitLab work runs after its answer: wait for it too.
        server.close((err) => (err ? reject(err) : void (gitlabHook?.idle() ?? Promise.resolve()).then(() => resolve())));
        server.closeIdleConnections();
      });
      await stopped;
    },
  };
}

/** One HTTP server answering with the first route that takes the request, else 404. */
async function listen(routes: Route[], port: number, host: string): Promise<Server> {
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
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** METRICS_PORT, when set: a number from 0 (any free port) to 65535. */
function metricsPortFrom(env: Env): number | undefined {
  const text = (env.METRICS_PORT ?? "").trim();
  if (text === "") return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new ServerConfigError(`METRICS_PORT must be a port number from 0 to 65535, not "${text}"`);
  return port;
}

/** For load balancers and orchestrators: the process is up and which platforms it serves. */
function healthRoute(platforms: string[]): Route {
  return async (req, res) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/healthz") return false;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", platforms }));
    return true;
  };
}

async function githubRoute(options: ServerOptions, runtime: WorkRuntime): Promise<Route> {
  // createProbot reads APP_ID, PRIVATE_KEY/PRIVATE_KEY_PATH, WEBHOOK_SECRET, GHE_HOST,
  // GHE_PROTOCOL, LOG_LEVEL and LOG_FORMAT from this env; its log level default is "warn".
  const env = { LOG_LEVEL: "info", ...options.env } as NodeJS.ProcessEnv;
  let probot;
  try {
    // Retries and rate-limit waits as github-octokit.ts configures them; with REDIS_URL in env, Probot shares its throttle through Redis.
    probot = createProbot({ env, overrides: { Octokit: politeOctokit(runtime.retryPolicy, { onResponse: runtime.countApiRequest("github"), beforeWrite: checkWrite }) } });
  } catch (err) {
    throw new ServerConfigError(`the GitHub App cannot start: ${err instanceof Error ? err.message : String(err)}`);
  }
  const middleware = await createNodeMiddleware(createGitHubApp(runtime.withGitHub(options.githubDeps(runtime.analyzers))), { probot, webhooksPath: GITHUB_WEBHOOK_PATH });
  return async (req, res) => {
    if (req.method === "POST" && req.url?.split("?")[0] === GITHUB_WEBHOOK_PATH) {
      // The signature covers the whole body, so it is read before it can be checked: read it
      // here, capped, and hand the text to Probot (which takes a string `body` as the payload).
      const body = await readWebhookBody(req);
      if (body === undefined) return refuseOversizedBody(res);
      Object.assign(req, { body });
    }
    return (await middleware(req, res, () => undefined)) === true;
  };
}
