import { fetchWithTimeout } from "./request-timeout.js";
import { isRetryable, retryDelayMs, serverRequestedWaitMs, type RetryPolicy } from "./retry-policy.js";

/** What one API client needs to be polite: the retry policy, a meter, and a last word before writes. */
export interface PoliteFetchOptions {
  policy: RetryPolicy;
  /** Called once per HTTP exchange (every attempt), for the API-requests metric; status 0 = network error. */
  onResponse?(method: string, status: number): void;
  /**
   * Consulted right before every request that writes (anything but a GET, a HEAD or a GraphQL
   * query), on every attempt: throws to stop a stale job before it overwrites newer output.
   */
  beforeWrite?(): Promise<void>;
  sleep?(ms: number): Promise<void>;
  fetch?: typeof fetch;
}

const READS = new Set(["GET", "HEAD"]);

/** Reads: GET and HEAD, and a POST to a GraphQL endpoint — ci-explain sends queries there, never mutations. */
function isRead(request: Request): boolean {
  return READS.has(request.method) || (request.method === "POST" && new URL(request.url).pathname.endsWith("/graphql"));
}

/** A real wait; tests pass their own `sleep` to record waits instead. */
export function defaultSleep(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/**
 * `fetch` with retries: 5xx, 429, a rate-limited 403, network errors and attempts past
 * `policy.timeoutMs` are tried again after the wait the server asked for (Retry-After,
 * RateLimit-Reset, x-ratelimit-reset) or after backoff with jitter. A server that asks for
 * a longer wait than `policy.maxWaitMs` is not asked again early: its answer is returned.
 * The request is rebuilt from `makeRequest` each time, as a Request body can be read only
 * once. The last response (even a failed one) is returned for the caller to judge.
 */
export async function politeFetch(makeRequest: () => Request, options: PoliteFetchOptions): Promise<Response> {
  const doFetch = fetchWithTimeout(options.policy.timeoutMs, options.fetch ?? fetch);
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    const request = makeRequest();
    if (!isRead(request)) await options.beforeWrite?.();
    let response: Response;
    try {
      response = await doFetch(request);
    } catch (err) {
      options.onResponse?.(request.method, 0);
      // An abort is a decision, not a network failure.
      if (attempt >= options.policy.retries || (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError"))) throw err;
      await sleep(retryDelayMs(options.policy, attempt, undefined));
      continue;
    }
    options.onResponse?.(request.method, response.status);
    const header = (name: string) => response.headers.get(name);
    if (!isRetryable(response.status, header) || attempt >= options.policy.retries) return response;
    const requested = serverRequestedWaitMs(header, Date.now());
    if (requested !== undefined && requested > options.policy.maxWaitMs) return response;
    await response.body?.cancel().catch(() => undefined);
    await sleep(retryDelayMs(options.policy, attempt, requested));
  }
}

/**
 * The same as a `fetch` function, for clients that take one (Octokit's `request.fetch`):
 * every request they make goes through `politeFetch`.
 */
export function politeFetcher(options: PoliteFetchOptions): typeof fetch {
  return (input, init) => politeFetch(() => new Request(input, init), options);
}
