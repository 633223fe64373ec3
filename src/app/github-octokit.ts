import { ProbotOctokit } from "probot";
import { politeFetcher, type PoliteFetchOptions } from "../platforms/http/polite-fetch.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../platforms/http/retry-policy.js";

type OctokitOptions = Record<string, unknown> & { throttle?: Record<string, unknown>; request?: Record<string, unknown> };

/**
 * Probot's Octokit, made polite for production: every request goes through the same
 * `politeFetch` as GitLab's (platforms/http/): 5xx, 429 and rate-limited 403s are retried
 * after the `Retry-After` or rate-limit reset the response carries, otherwise with jittered
 * backoff, and an attempt with no answer within `policy.timeoutMs` fails; `onResponse` counts every exchange and `beforeWrite` stops a superseded job
 * before it writes. Probot's own retry plugin is off (it would retry a 429 without
 * "secondary rate" in its message on its own schedule, ignoring Retry-After), and the
 * throttling plugin only spaces writes (GitHub asks integrations to serialise
 * content-creating requests) — with REDIS_URL, shared by every replica through Redis.
 */
export function politeOctokit(policy: RetryPolicy, options: Omit<PoliteFetchOptions, "policy"> = {}): typeof ProbotOctokit {
  const fetch = politeFetcher({ policy, ...options });
  return ProbotOctokit.defaults((defaults: OctokitOptions) => ({
    ...defaults,
    request: { ...defaults.request, fetch },
    retry: { enabled: false },
    throttle: { ...defaults.throttle, onRateLimit: () => false, onSecondaryRateLimit: () => false },
  }));
}

/**
 * A client with a token (a personal access token, a GitHub Actions GITHUB_TOKEN), for the CLI:
 * the same polite requests as the App's. `baseUrl` is GitHub Enterprise Server's API.
 */
export function gitHubClient(options: { token: string; baseUrl?: string; policy?: RetryPolicy }): ProbotOctokit {
  const Octokit = politeOctokit(options.policy ?? DEFAULT_RETRY_POLICY);
  return new Octokit({ auth: { token: options.token }, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
}
