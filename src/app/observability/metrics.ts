import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { BlobCache } from "../../platforms/blob-cache.js";

/**
 * The server's Prometheus metrics, served at GET /metrics. One registry per server (not
 * prom-client's global one), so tests and two servers in one process do not mix counts.
 */
export class BotMetrics {
  readonly registry = new Registry();
  readonly webhooksReceived = new Counter({ name: "ci_explain_webhooks_received_total", help: "Webhooks received, by platform and event", labelNames: ["platform", "event"], registers: [this.registry] });
  readonly webhooksRejected = new Counter({ name: "ci_explain_webhooks_rejected_total", help: "Webhooks not turned into work, by platform and reason", labelNames: ["platform", "reason"], registers: [this.registry] });
  readonly analyses = new Counter({ name: "ci_explain_analyses_total", help: "Jobs run by the workers, by platform and outcome (done, failed, superseded)", labelNames: ["platform", "outcome"], registers: [this.registry] });
  readonly analysisSeconds = new Histogram({
    name: "ci_explain_analysis_duration_seconds",
    help: "Time a worker spent on one job",
    labelNames: ["platform"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly apiRequests = new Counter({ name: "ci_explain_api_requests_total", help: "HTTP exchanges with the platform APIs (every attempt), by platform, method and status (0 = network error)", labelNames: ["platform", "method", "status"], registers: [this.registry] });
  /**
   * Each job prediction the bot compared with a pipeline the platform ran for a commit it
   * analysed (docs/verify.md): `certainty` is what the prediction claimed; `outcome` is agreed or
   * differed (for an uncertain one, whether the answer it showed held) or explained (the
   * platform did otherwise for a reason it states).
   */
  readonly predictionJobs = new Counter({
    name: "ci_explain_prediction_jobs_total",
    help: "Job predictions compared with what the platform ran, by platform, project, certainty (certain, uncertain) and outcome (agreed, differed, explained)",
    labelNames: ["platform", "project", "certainty", "outcome"],
    registers: [this.registry],
  });
  /** Each pipeline (GitHub: workflow run) compared: differed when a certain prediction about it or its jobs was wrong. */
  readonly predictionPipelines = new Counter({
    name: "ci_explain_prediction_pipelines_total",
    help: "Pipelines and workflow runs compared with their prediction, by platform, project and result (agreed, differed: a certain prediction was wrong)",
    labelNames: ["platform", "project", "result"],
    registers: [this.registry],
  });
  readonly cacheRequests = new Counter({ name: "ci_explain_blob_cache_requests_total", help: "Blob cache look-ups, by result (hit, miss)", labelNames: ["result"], registers: [this.registry] });

  constructor(queueDepth: () => Promise<number>) {
    new Gauge({
      name: "ci_explain_queue_depth",
      help: "Jobs waiting for a worker",
      registers: [this.registry],
      async collect() {
        this.set(await queueDepth().catch(() => 0));
      },
    });
    const cache = this.cacheRequests;
    new Gauge({
      name: "ci_explain_blob_cache_hit_ratio",
      help: "Share of blob look-ups answered without fetching, since start",
      registers: [this.registry],
      async collect() {
        const values = (await cache.get()).values;
        const count = (result: string) => values.filter((v) => v.labels.result === result).reduce((a, v) => a + v.value, 0);
        const total = count("hit") + count("miss");
        this.set(total === 0 ? 0 : count("hit") / total);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "ci_explain_" });
  }

  /** The cache, counting hits and misses: a miss is a look-up that had to fetch. */
  meterCache(inner: BlobCache): BlobCache {
    return {
      getOrFetch: async (blobSha, fetch) => {
        let fetched = false;
        const text = await inner.getOrFetch(blobSha, () => {
          fetched = true;
          return fetch();
        });
        this.cacheRequests.inc({ result: fetched ? "miss" : "hit" });
        return text;
      },
    };
  }
}
