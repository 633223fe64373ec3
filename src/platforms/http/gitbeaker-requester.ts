import {
  createRequesterFn,
  getMatchingRateLimiter,
  GitbeakerRequestError,
  GitbeakerTimeoutError,
  type FormattedResponse,
  type RateLimiters,
  type RequesterType,
  type ResourceOptions,
} from "@gitbeaker/requester-utils";
import { politeFetch, type PoliteFetchOptions } from "./polite-fetch.js";

/**
 * A gitbeaker `requesterFn` whose retries are polite: gitbeaker's own handler retries 429
 * and 502 up to 10 times within about a second and IGNORES Retry-After, so a rate-limited
 * bot would hammer GitLab. This one sends every request through `politeFetch` (Retry-After,
 * RateLimit-Reset, backoff with jitter, 5xx and network errors) and answers in gitbeaker's
 * response shape, so `new Gitlab({ host, token, requesterFn: politeGitbeakerRequester(...) })`
 * behaves as before otherwise. gitbeaker's per-endpoint rate limiters still apply.
 */
export function politeGitbeakerRequester(options: PoliteFetchOptions): (resourceOptions: ResourceOptions) => RequesterType {
  return createRequesterFn(
    (_resource, requestOptions) => Promise.resolve(requestOptions),
    (endpoint, raw) => handle(endpoint, (raw ?? {}) as GitbeakerRequestOptions, options),
  );
}

interface GitbeakerRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  searchParams?: string;
  prefixUrl?: string;
  asStream?: boolean;
  signal?: AbortSignal;
  rateLimiters?: RateLimiters;
}

async function handle(endpoint: string, o: GitbeakerRequestOptions, options: PoliteFetchOptions): Promise<FormattedResponse> {
  const base = o.prefixUrl ? (o.prefixUrl.endsWith("/") ? o.prefixUrl : `${o.prefixUrl}/`) : undefined;
  const url = new URL(endpoint, base);
  url.search = o.searchParams ?? "";
  const rateLimit = getMatchingRateLimiter(endpoint, o.rateLimiters, o.method);
  const makeRequest = () => new Request(url, { method: o.method, headers: o.headers, body: o.body, signal: o.signal });
  await rateLimit();
  let response: Response;
  try {
    response = await politeFetch(makeRequest, options);
  } catch (err) {
    if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) throw new GitbeakerTimeoutError("Query timeout was reached");
    throw err;
  }
  if (!response.ok) {
    const description = await describe(response);
    throw new GitbeakerRequestError(description, { cause: { description, request: makeRequest(), response } });
  }
  const headers = Object.fromEntries(response.headers.entries());
  if (o.asStream) return { body: response.body as ReadableStream, headers, status: response.status };
  return { body: response.status === 204 ? null : await parseBody(response), headers, status: response.status };
}

/** As gitbeaker: JSON as objects, text/* as a string, anything else as a Blob. */
async function parseBody(response: Response): Promise<FormattedResponse["body"]> {
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
  if (type === "application/json") return ((await response.json()) as FormattedResponse["body"]) || {};
  if (type.startsWith("text/")) return (await response.text()) || "";
  return response.blob();
}

async function describe(response: Response): Promise<string> {
  const text = await response.text();
  if (!(response.headers.get("content-type") ?? "").includes("application/json")) return text;
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    const message = parsed.error ?? parsed.message ?? "";
    return typeof message === "string" ? message : JSON.stringify(message);
  } catch {
    return text;
  }
}
