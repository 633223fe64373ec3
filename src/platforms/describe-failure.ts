import { AnalysisBudgetExceeded } from "./analysis-budget.js";
import { RequestTimeoutError } from "./http/request-timeout.js";

/**
 * One line saying why the analysis could not run, for the check run or commit status.
 * API failures name the platform, the status and the request; anything else is our own bug
 * and says so.
 */
export function describeFailure(err: unknown): string {
  if (err instanceof AnalysisBudgetExceeded) return err.message;
  // Octokit wraps a failed fetch in a RequestError whose cause is the fetch's error.
  const timeout = err instanceof RequestTimeoutError ? err : err instanceof Error && err.cause instanceof RequestTimeoutError ? err.cause : undefined;
  if (timeout) return `${new URL(timeout.url).hostname} gave ${timeout.message}`;
  const gitlab = gitbeakerFailure(err);
  if (gitlab) return gitlab;
  if (isOctokitError(err)) {
    const url = err.request?.url ? new URL(err.request.url, "https://api.github.com").pathname : "the GitHub API";
    return `GitHub answered ${err.status} to ${err.request?.method ?? "a request"} ${url}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `internal error (a bug in ci-explain): ${message}`;
}

/** An API answer that is not what was asked for, already worded for the check or status ("GitLab answered 502 to …"). */
export class ApiFailure extends Error {
  override readonly name = "ApiFailure";
}

interface OctokitErrorLike {
  status: number;
  request?: { method?: string; url?: string };
}

function isOctokitError(err: unknown): err is OctokitErrorLike {
  return typeof err === "object" && err !== null && "status" in err && typeof err.status === "number";
}

/**
 * @gitbeaker/rest throws GitbeakerRequestError with `cause: { request, response }` (a fetch
 * Request and Response), and GitbeakerRetryError after its retries on 429/502 run out.
 */
function gitbeakerFailure(err: unknown): string | undefined {
  if (!(err instanceof Error) || !err.name.startsWith("Gitbeaker")) return undefined;
  const cause: unknown = err.cause;
  const request = isObject(cause) && isObject(cause.request) ? cause.request : undefined;
  const response = isObject(cause) && isObject(cause.response) ? cause.response : undefined;
  const method = typeof request?.method === "string" ? request.method : "a request";
  const path = typeof request?.url === "string" ? new URL(request.url).pathname : "the GitLab API";
  if (typeof response?.status === "number") return `GitLab answered ${response.status} to ${method} ${path}`;
  return `GitLab did not answer: ${err.message}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
