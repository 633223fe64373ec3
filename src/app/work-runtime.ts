import type { IncomingMessage, ServerResponse } from "node:http";
import pino from "pino";
import { LruBlobCache, type BlobCache } from "../platforms/blob-cache.js";
import { matchesSecret } from "../platforms/secret-token.js";
import { retryPolicyFromEnv, type RetryPolicy } from "../platforms/http/retry-policy.js";
import type { DeliveryDedupe } from "./delivery-dedupe.js";
import type { GitHubAppDeps } from "./github-app.js";
import type { GitLabAppDeps } from "./gitlab-webhook.js";
import type { Logger } from "./observability/job-logger.js";
import { BotMetrics } from "./observability/metrics.js";
import { AnalysisPool, analysisBudgetsFromEnv } from "./isolation/analysis-pool.js";
import { JobRouter } from "./queue/job-router.js";
import { MemoryWorkQueue } from "./queue/memory-queue.js";
import { workerConcurrency, type WorkJob, type WorkQueue } from "./queue/work-queue.js";
import { connectRedis } from "./redis/connection.js";
import { RedisBlobCache } from "./redis/redis-blob-cache.js";
import { RedisDeliveryDedupe } from "./redis/redis-dedupe.js";
import { RedisWorkQueue } from "./redis/redis-queue.js";
import { RedisPredictionStore } from "./redis/redis-prediction-store.js";
import { MemoryPredictionStore, type PredictionStore } from "../platforms/prediction-store.js";

type Env = Record<string, string | undefined>;

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * Everything that turns webhooks into work, for one server process: the queue and its
 * workers, de-duplication, the blob cache, metrics, logs and shutdown. In memory by
 * default; with REDIS_URL, queue, de-duplication, superseding and cache live in Redis and
 * any number of replicas share them.
 */
export interface WorkRuntime {
  mode: "memory" | "redis";
  metrics: BotMetrics;
  jobs: JobRouter;
  log: Logger;
  retryPolicy: RetryPolicy;
  /**
   * The engine, each analysis in a worker thread with its time and heap budgets
   * (isolation/analysis-pool.ts); the production deps of both platforms analyse through it.
   */
  analyzers: AnalysisPool;
  /** The GitHub deps with the runtime's queue, metrics and (in Redis mode) shared stores. */
  withGitHub(deps: GitHubAppDeps): GitHubAppDeps;
  /** The same for the GitLab receiver: its webhook enqueues, a `gitlab` worker runs the event. */
  withGitLab(deps: GitLabAppDeps): GitLabAppDeps;
  /** For an API client's `onResponse`: one count per HTTP exchange, by platform, method and status. */
  countApiRequest(platform: string): (method: string, status: number) => void;
  /** 503 for webhooks once shutdown began. */
  routes: Route[];
  /** GET /metrics (behind METRICS_TOKEN when it is set); the server mounts it on its port or on METRICS_PORT. */
  metricsRoute: Route;
  start(): void;
  /** Stop accepting work, give running jobs SHUTDOWN_GRACE_MS, then hand back (Redis) or log what is dropped. */
  stop(): Promise<void>;
}

/** SHUTDOWN_GRACE_MS, default 25 s: inside Kubernetes' default 30 s termination grace period. */
export function shutdownGraceMs(env: Env): number {
  const n = Number(env.SHUTDOWN_GRACE_MS);
  return env.SHUTDOWN_GRACE_MS !== undefined && Number.isFinite(n) && n >= 0 ? n : 25_000;
}

export function createWorkRuntime(env: Env): WorkRuntime {
  const log: Logger = pino({ level: env.LOG_LEVEL ?? "info", base: { name: "ci-explain" } });
  const concurrency = workerConcurrency(env);
  const dropped = (job: WorkJob, reason: string) => log.child({ delivery: job.deliveryId, key: job.key, sha: job.sha }).info({ reason }, "ci-explain dropped queued work");
  const redisUrl = (env.REDIS_URL ?? "").trim();
  let queue: WorkQueue;
  let deliveries: DeliveryDedupe | undefined;
  let blobCache: BlobCache | undefined;
  let predictions: PredictionStore = new MemoryPredictionStore();
  let closeRedis = () => undefined as void;
  if (redisUrl) {
    const redis = connectRedis(redisUrl);
    closeRedis = () => redis.disconnect();
    const handedBack = (job: WorkJob, reason: string) => log.child({ delivery: job.deliveryId, key: job.key, sha: job.sha }).warn({ reason }, "ci-explain handed unfinished work back to the queue");
    queue = new RedisWorkQueue({ connection: () => connectRedis(redisUrl), concurrency, onDropped: dropped, onHandedBack: handedBack });
    deliveries = new RedisDeliveryDedupe(redis);
    blobCache = new RedisBlobCache(redis);
    predictions = new RedisPredictionStore(redis);
  } else {
    queue = new MemoryWorkQueue(concurrency, dropped);
    // One cache of file texts for both platforms, bounded by bytes.
    blobCache = new LruBlobCache();
  }
  const metrics = new BotMetrics(() => queue.depth());
  // As many analyses at once as jobs run at once; a `/ci-explain` question beside them waits its turn.
  const analyzers = new AnalysisPool(concurrency, analysisBudgetsFromEnv(env));
  const jobs = new JobRouter(queue, log, metrics);
  let draining = false;

  const metricsToken = (env.METRICS_TOKEN ?? "").trim();
  const metricsRoute: Route = async (req, res) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") return false;
    // With METRICS_TOKEN, only a scraper that sends it (Prometheus' `authorization` / bearer_token) reads them.
    if (metricsToken && !matchesSecret(/^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1], metricsToken)) {
      res.writeHead(401, { "content-type": "application/json", "www-authenticate": "Bearer" }).end(JSON.stringify({ error: "GET /metrics needs the METRICS_TOKEN bearer token" }));
      return true;
    }
    res.writeHead(200, { "content-type": metrics.registry.contentType }).end(await metrics.registry.metrics());
    return true;
  };
  const drainingRoute: Route = async (req, res) => {
    if (!draining || req.method !== "POST") return false;
    // The platform retries a 5xx delivery later, when another replica (or this one, restarted) is up.
    res.writeHead(503, { "content-type": "application/json", connection: "close" }).end(JSON.stringify({ error: "shutting down" }));
    return true;
  };

  return {
    mode: redisUrl ? "redis" : "memory",
    metrics,
    jobs,
    log,
    retryPolicy: retryPolicyFromEnv(env),
    analyzers,
    routes: [drainingRoute],
    metricsRoute,
    withGitHub: (deps) => ({
      ...deps,
      jobs,
      metrics,
      predictions,
      deliveries: deliveries ?? deps.deliveries,
      blobCache: metrics.meterCache(blobCache ?? deps.blobCache),
    }),
    withGitLab: (deps) => ({
      ...deps,
      jobs,
      metrics,
      predictions,
      deliveries: deliveries ?? deps.deliveries,
      blobCache: metrics.meterCache(blobCache ?? deps.blobCache),
    }),
    countApiRequest: (platform) => (method, status) => metrics.apiRequests.inc({ platform, method, status: String(status) }),
    start: () => {
      analyzers.warm();
      jobs.start();
    },
    stop: async () => {
      draining = true;
      const report = await queue.stop(shutdownGraceMs(env));
      for (const job of report.handedBack) log.child({ delivery: job.deliveryId, key: job.key, sha: job.sha }).info({}, "ci-explain handed unfinished work back to the queue");
      for (const job of report.dropped) log.child({ delivery: job.deliveryId, key: job.key, sha: job.sha }).warn({}, "ci-explain dropped unfinished work at shutdown (redeliver the webhook to redo it)");
      // Analyses still running past the grace period stop with their workers.
      await analyzers.close();
      closeRedis();
    },
  };
}
