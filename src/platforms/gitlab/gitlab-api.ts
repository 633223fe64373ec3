import { Gitlab } from "@gitbeaker/rest";
import { politeGitbeakerRequester } from "../http/gitbeaker-requester.js";
import { defaultSleep, type PoliteFetchOptions } from "../http/polite-fetch.js";
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from "../http/retry-policy.js";

/**
 * The GitLab REST v4 calls ci-explain makes, and nothing else: a narrow seam over
 * @gitbeaker/rest so the platform code states what it needs and tests can count it.
 * Replies are `unknown`: callers parse them with the zod schemas in schema.ts.
 */
export interface GitLabApi {
  currentUser(): Promise<unknown>;
  /** A file's bytes at `ref`; gitbeaker gives a string for text/*, a Blob otherwise. */
  rawFile(project: number | string, path: string, ref: string): Promise<string | Blob>;
  /** Tree entries below `path` at `ref`, recursive, at most `maxEntries` (pages of 100). */
  tree(project: number | string, options: { ref: string; path: string; maxEntries: number }): Promise<unknown[]>;
  diffVersions(project: number | string, iid: number): Promise<unknown[]>;
  diffs(project: number | string, iid: number): Promise<unknown[]>;
  mergeRequest(project: number | string, iid: number): Promise<unknown>;
  /** One commit (`GET /projects/:id/repository/commits/:sha`): its parents tell what a merge commit merges. */
  commit(project: number | string, sha: string): Promise<unknown>;
  branches(project: number | string, maxEntries: number): Promise<unknown[]>;
  notes(project: number | string, iid: number): Promise<unknown[]>;
  createNote(project: number | string, iid: number, body: string): Promise<unknown>;
  editNote(project: number | string, iid: number, noteId: number, body: string): Promise<unknown>;
  awardNoteEmoji(project: number | string, iid: number, noteId: number, name: string): Promise<unknown>;
  setStatus(project: number | string, sha: string, status: StatusRequest): Promise<unknown>;
  /** A user's membership of the project, inherited from groups too (`GET /projects/:id/members/all/:user_id`). */
  projectMember(project: number | string, userId: number): Promise<unknown>;
}

/** GitLab's commit status states (POST /projects/:id/statuses/:sha). */
export type StatusState = "pending" | "running" | "success" | "failed" | "canceled";

export interface StatusRequest {
  state: StatusState;
  name: string;
  description: string;
  targetUrl?: string;
  pipelineId?: number;
}

const PAGE = 100;

export interface GitLabApiOptions extends Pick<PoliteFetchOptions, "onResponse" | "beforeWrite" | "sleep"> {
  url: string;
  token: string;
  retry?: RetryPolicy;
}

/**
 * The production client: gitbeaker with polite retries (Retry-After and RateLimit-Reset
 * honoured), token auth; `onResponse` meters every exchange and `beforeWrite` stops a
 * superseded job before it writes (the server passes the running job's guard).
 */
export function createGitLabApi(options: GitLabApiOptions): GitLabApi {
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? defaultSleep;
  const gitlab = new Gitlab({
    host: options.url.replace(/\/+$/, ""),
    token: options.token,
    requesterFn: politeGitbeakerRequester({ policy, onResponse: options.onResponse, beforeWrite: options.beforeWrite, sleep }),
  });
  const pages = (max: number) => ({ perPage: PAGE, maxPages: Math.max(1, Math.ceil(max / PAGE)) });
  return {
    currentUser: () => gitlab.Users.showCurrentUser(),
    rawFile: (project, path, ref) => gitlab.RepositoryFiles.showRaw(project, path, ref),
    tree: async (project, { ref, path, maxEntries }) => {
      const entries: unknown[] = await gitlab.Repositories.allRepositoryTrees(project, {
        ref,
        recursive: true,
        ...(path ? { path } : {}),
        ...pages(maxEntries),
      });
      return entries;
    },
    diffVersions: (project, iid) => gitlab.MergeRequests.allDiffVersions(project, iid),
    diffs: (project, iid) => gitlab.MergeRequests.allDiffs(project, iid, { perPage: PAGE }),
    mergeRequest: (project, iid) => gitlab.MergeRequests.show(project, iid),
    commit: (project, sha) => gitlab.Commits.show(project, sha),
    branches: (project, max) => gitlab.Branches.all(project, pages(max)),
    notes: (project, iid) => gitlab.MergeRequestNotes.all(project, iid, { perPage: PAGE }),
    createNote: (project, iid, body) => gitlab.MergeRequestNotes.create(project, iid, body),
    editNote: (project, iid, noteId, body) => gitlab.MergeRequestNotes.edit(project, iid, noteId, { body }),
    awardNoteEmoji: (project, iid, noteId, name) => gitlab.MergeRequestNoteAwardEmojis.award(project, iid, noteId, name),
    setStatus: (project, sha, { state, name, description, targetUrl, pipelineId }) =>
      retryConflicts(policy, sleep, () =>
        gitlab.Commits.editStatus(project, sha, state, {
          name,
          description,
          ...(targetUrl ? { targetUrl } : {}),
          ...(pipelineId !== undefined ? { pipelineId } : {}),
        }),
      ),
    projectMember: (project, userId) => gitlab.ProjectMembers.show(project, userId, { includeInherited: true }),
  };
}

/**
 * GitLab answers 409 to a status write while another request holds the pipeline's lock
 * ("Cannot transition status"), and asks the client to try again (gitlab-org/gitlab!208340).
 * Tried again with backoff as the policy allows; the last 409 is thrown, so the review
 * reports it and its delivery is released for a retry.
 */
async function retryConflicts<T>(policy: RetryPolicy, sleep: (ms: number) => Promise<void>, write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (httpStatusOf(err) !== 409 || attempt >= policy.retries) throw err;
      await sleep(retryDelayMs(policy, attempt, undefined));
    }
  }
}

/** The HTTP status of a failed gitbeaker request (`cause.response.status`), if any. */
export function httpStatusOf(err: unknown): number | undefined {
  if (!(err instanceof Error)) return undefined;
  const cause: unknown = err.cause;
  if (typeof cause !== "object" || cause === null || !("response" in cause)) return undefined;
  const response: unknown = cause.response;
  if (typeof response !== "object" || response === null || !("status" in response)) return undefined;
  return typeof response.status === "number" ? response.status : undefined;
}
