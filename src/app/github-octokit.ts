import { ProbotOctokit } from "probot";
import type { BotMetrics } from "./observability/metrics.js";
import { fetchWithTimeout } from "../platforms/http/request-timeout.js";
import type { RetryPolicy } from "../platforms/http/retry-policy.js";

type OctokitOptions = Record<string, unknown> & { throttle?: Record<string, unknown> };
interface RetryableRequest {
  method: string;
  url: string;
  request: { retryCount: number };
}

/**
 * Probot's Octokit, made polite for production. Probot already brings plugin-retry and
 * plugin-throttling (both honour Retry-After and x-ratelimit-reset, and with REDIS_URL the
 * throttle is shared by every replica through Redis), but by default it gives up on a
 * secondary rate limit at once and retries 5xx on a fixed schedule. Here: primary and
 * secondary limits are waited out up to `policy.retries` times; 5xx and network errors
 * are retried with quadratic backoff whose base is jittered per client, so replicas that
 * failed together do not retry together; an attempt with no answer within `policy.timeoutMs`
 * is such a failure.
 */
export function politeOctokit(policy: RetryPolicy): typeof ProbotOctokit {
  const waitOut = (retryAfter: number, options: RetryableRequest) => retryAfter * 1000 <= policy.maxWaitMs && options.request.retryCount < policy.retries;
  return ProbotOctokit.defaults((options: OctokitOptions) => ({
    ...options,
    retry: { retries: policy.retries, retryAfterBaseValue: Math.round(policy.baseMs * (0.5 + Math.random())) },
    // Octokit has no timeout: an attempt without an answer in time fails (status 500, so the retry plugin tries again).
    request: { ...(options.request as object | undefined), fetch: fetchWithTimeout(policy.timeoutMs) },
    throttle: { ...options.throttle, onRateLimit: waitOut, onSecondaryRateLimit: waitOut },
  }));
}

interface HookableOctokit {
  hook: {
    before(name: "request", hook: (options: { method?: string }) => Promise<void> | void): void;
    after(name: "request", hook: (response: { status: number }, options: { method?: string }) => void): void;
    error(name: "request", hook: (error: unknown, options: { method?: string }) => unknown): void;
  };
}

/**
 * The one place GitHub API calls are counted, and where a stale job is stopped: `beforeWrite`
 * runs right before every request that is not a read.
 */
export function instrumentOctokit(octokit: HookableOctokit, metrics: BotMetrics | undefined, beforeWrite?: () => Promise<void>): void {
  if (beforeWrite) {
    octokit.hook.before("request", async (options) => {
      const method = (options.method ?? "GET").toUpperCase();
      if (method !== "GET" && method !== "HEAD") await beforeWrite();
    });
  }
  if (!metrics) return;
  octokit.hook.after("request", (response, options) => metrics.apiRequests.inc({ platform: "github", method: options.method ?? "GET", status: String(response.status) }));
  octokit.hook.error("request", (error, options) => {
    const status = typeof error === "object" && error !== null && "status" in error ? String(error.status) : "0";
    metrics.apiRequests.inc({ platform: "github", method: options.method ?? "GET", status });
    throw error;
  });
}
