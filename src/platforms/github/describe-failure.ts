/**
 * One line saying why the analysis could not run, for the check run. GitHub API failures
 * name the status and the request; anything else is our own bug and says so.
 */
export function describeFailure(err: unknown): string {
  if (isRequestError(err)) {
    const url = err.request?.url ? new URL(err.request.url, "https://api.github.com").pathname : "the GitHub API";
    return `GitHub answered ${err.status} to ${err.request?.method ?? "a request"} ${url}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `internal error (a bug in ci-explain): ${message}`;
}

interface RequestErrorLike {
  status: number;
  request?: { method?: string; url?: string };
}

function isRequestError(err: unknown): err is RequestErrorLike {
  return typeof err === "object" && err !== null && "status" in err && typeof err.status === "number";
}
