/**
 * An API request that got no complete answer in time. Neither Octokit nor fetch has a
 * timeout of its own, so an API that never answers would hold a review (and its place in
 * the queue) for ever; this is a network failure like any other, retried by the policy.
 */
export class RequestTimeoutError extends Error {
  override readonly name = "RequestTimeoutError";
  constructor(
    readonly method: string,
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer to ${method} ${new URL(url).pathname} within ${timeoutMs / 1000} s`);
  }
}

/**
 * `fetch` with a deadline for the whole exchange, headers and body: the body is read before
 * the answer is handed on (API answers are JSON or small files), so a server that stalls
 * half-way fails the same way as one that never answers. A caller's own abort stays an abort.
 */
export function fetchWithTimeout(timeoutMs: number, baseFetch: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([request.signal, deadline]);
    try {
      const response = await baseFetch(request, { signal });
      const body = response.status === 204 || response.status === 304 ? null : await response.arrayBuffer();
      const buffered = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      Object.defineProperty(buffered, "url", { value: response.url });
      return buffered;
    } catch (err) {
      if (deadline.aborted && !request.signal.aborted) throw new RequestTimeoutError(request.method, request.url, timeoutMs);
      throw err;
    }
  };
}
