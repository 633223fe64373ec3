// The server, probot and the GitHub App load only when `serve` runs: every other command starts without them.
import { GITHUB_WEBHOOK_PATH, GITLAB_WEBHOOK_PATH } from "../../webhook-path.js";
import { UsageError, type CliCommand } from "../command.js";
import { optionsHelp, parseCommandLine } from "../options.js";

const OPTION_NAMES = ["port", "host"] as const;

const USAGE = `Usage: ci-explain serve [--port N] [--host ADDRESS]

Runs the bot's HTTP server: the GitHub App webhook at ${GITHUB_WEBHOOK_PATH}, the GitLab
webhook at ${GITLAB_WEBHOOK_PATH}, GET /healthz and GET /metrics (Prometheus). Each platform
starts when its variables are set; at least one must be.

Options:
${optionsHelp(OPTION_NAMES)}

Environment (GitHub App):
  APP_ID                          the App's id
  PRIVATE_KEY | PRIVATE_KEY_PATH  the App's private key (PEM text, base64 accepted, or a file)
  WEBHOOK_SECRET                  required: webhooks without a valid X-Hub-Signature-256 are refused
  GHE_HOST, GHE_PROTOCOL          GitHub Enterprise Server host (e.g. github.example.com) and protocol (https)

Environment (GitLab):
  GITLAB_TOKEN                    a token with the api scope (the bot user's)
  GITLAB_WEBHOOK_SECRET           required: webhooks without this X-Gitlab-Token are refused
  GITLAB_URL                      the instance (default: https://gitlab.com)

Environment (both):
  REDIS_URL                       share queue, de-duplication and cache between replicas (default: in memory)
  WORKER_CONCURRENCY              analyses at a time per process (default: 2)
  SHUTDOWN_GRACE_MS               time running work gets on SIGTERM (default: 25000)
  ANALYSIS_TIMEOUT_MS             wall-clock budget of one analysis, reads included (default: 120000)
  ANALYSIS_HEAP_MB                heap budget of one analysis worker thread (default: 1024)
  PARSE_CACHE_MB                  each worker's cache of parsed CI files (default: 128)
  MAX_PIPELINE_JOBS               jobs of one pipeline analysed, after parallel (default: 20000)
  API_RETRIES, API_RETRY_BASE_MS, API_RETRY_MAX_WAIT_MS   retries of failed API requests (4, 500, 60000)
  API_TIMEOUT_MS                  one API request's time for its whole answer before it is retried (30000)
  METRICS_TOKEN                   GET /metrics only with "Authorization: Bearer <token>" (default: open)
  METRICS_PORT, METRICS_HOST      serve /metrics on this port only, not the webhook port (default: unset)
  LOG_LEVEL, LOG_FORMAT           info by default; LOG_FORMAT=json for machine-read logs`;

export const serveCommand: CliCommand = {
  name: "serve",
  summary: "run the bot (GitHub App and GitLab webhook receiver) over HTTP",
  usage: USAGE,
  options: OPTION_NAMES,
  async run(args, io) {
    const { values } = parseCommandLine(args, OPTION_NAMES);
    const port = parsePort(values.port ?? io.env.PORT ?? "3000");
    // In a container the server must be reachable from outside: every interface by default.
    const host = values.host ?? io.env.HOST ?? "0.0.0.0";
    const [{ ServerConfigError, startServer }, { defaultGitHubAppDeps }] = await Promise.all([import("../../server.js"), import("../../github-app.js")]);
    let server;
    try {
      server = await startServer({ env: io.env, port, host, githubDeps: defaultGitHubAppDeps });
    } catch (err) {
      if (!(err instanceof ServerConfigError) && !isListenError(err)) throw err;
      io.stderr(`ci-explain serve: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
    const hooks = server.platforms.map((p) => (p === "gitlab" ? GITLAB_WEBHOOK_PATH : GITHUB_WEBHOOK_PATH));
    io.stdout(
      `ci-explain serve: listening on http://${host}:${server.port} (${server.platforms.join(", ")}; webhooks at ${hooks.join(", ")}; /healthz, /metrics; queue ${io.env.REDIS_URL ? "in Redis" : "in memory"})\n`,
    );
    await untilStopped();
    await server.close();
    io.stdout("ci-explain serve: stopped\n");
    // Probot's own Redis client (its shared rate limiter, with REDIS_URL) has no close; once our
    // work is done nothing else is pending, so do not let it hold the process open.
    setTimeout(() => process.exit(0), 500).unref();
    return 0;
  },
};

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`port must be a number from 0 to 65535, not "${text}"`);
  return port;
}

/** EADDRINUSE, EACCES…: the operator's to fix, said in one line. */
function isListenError(err: unknown): boolean {
  return typeof err === "object" && err !== null && "syscall" in err && err.syscall === "listen";
}

/** Resolves on SIGTERM (orchestrators) or SIGINT (Ctrl-C), so open requests can finish. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      resolve();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
