/**
 * When to try an API request again, the same for GitHub and GitLab: a 5xx, a 429 or a
 * network error is retried with exponential backoff plus jitter (so replicas that failed
 * together do not retry together), and a server that says when to come back is believed:
 * `Retry-After` (seconds or an HTTP date, both platforms), GitHub's `x-ratelimit-reset`
 * (epoch seconds, with `x-ratelimit-remaining: 0`) and GitLab's `RateLimit-Reset` (epoch
 * seconds, sent with its 429s).
 */
export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** Backoff for attempt n (0-based) is baseMs * 2^n, plus up to the same again at random. */
  baseMs: number;
  /** No single wait is longer: a reset an hour away is a failure to report, not a wait. */
  maxWaitMs: number;
  /** One attempt gets this long for its whole answer; past it the attempt failed and is retried. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 4, baseMs: 500, maxWaitMs: 60_000, timeoutMs: 30_000 };

/** The policy from the environment: API_RETRIES, API_RETRY_BASE_MS, API_RETRY_MAX_WAIT_MS, API_TIMEOUT_MS. */
export function retryPolicyFromEnv(env: Record<string, string | undefined>): RetryPolicy {
  const num = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  return {
    retries: num("API_RETRIES", DEFAULT_RETRY_POLICY.retries),
    baseMs: num("API_RETRY_BASE_MS", DEFAULT_RETRY_POLICY.baseMs),
    maxWaitMs: num("API_RETRY_MAX_WAIT_MS", DEFAULT_RETRY_POLICY.maxWaitMs),
    timeoutMs: num("API_TIMEOUT_MS", DEFAULT_RETRY_POLICY.timeoutMs) || DEFAULT_RETRY_POLICY.timeoutMs,
  };
}

/** Header lookup that does not care about case (fetch Headers, Octokit's lower-cased records). */
export type HeaderReader = (name: string) => string | null | undefined;

/**
 * 5xx and 429 are worth another try, and so is GitHub's rate-limited 403 (primary limit:
 * `x-ratelimit-remaining: 0`; secondary limit: a `retry-after` header). Other 4xx are the
 * request's fault and would fail again.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
export function isRetryable(status: number, header: HeaderReader): boolean {
  if (status === 429 || status >= 500) return true;
  return status === 403 && (header("x-ratelimit-remaining") === "0" || !!header("retry-after"));
}

/**
 * How long the server asked us to wait, in ms, or undefined when it did not say.
 * A 403 with `x-ratelimit-remaining: 0` is GitHub's primary rate limit.
 */
export function serverRequestedWaitMs(header: HeaderReader, nowMs: number): number | undefined {
  const retryAfter = header("retry-after");
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = header("ratelimit-reset") ?? (header("x-ratelimit-remaining") === "0" ? header("x-ratelimit-reset") : undefined);
  if (reset) {
    const epochSeconds = Number(reset);
    if (Number.isFinite(epochSeconds)) return Math.max(0, epochSeconds * 1000 - nowMs);
  }
  return undefined;
}

/** The wait before retry `attempt` (0-based): the server's word if it gave one, else backoff with jitter. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, requestedMs: number | undefined, random: () => number = Math.random): number {
  if (requestedMs !== undefined) return Math.min(requestedMs + Math.floor(random() * 100), policy.maxWaitMs);
  const backoff = policy.baseMs * 2 ** attempt;
  return Math.min(backoff + Math.floor(random() * backoff), policy.maxWaitMs);
}
