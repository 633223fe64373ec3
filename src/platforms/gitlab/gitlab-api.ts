import { Gitlab } from "@gitbeaker/rest";
import { politeGitbeakerRequester } from "../http/gitbeaker-requester.js";
import type { PoliteFetchOptions } from "../http/polite-fetch.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../http/retry-policy.js";

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
  mergeRequestPipelines(project: number | string, iid: number): Promise<unknown[]>;
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
  const gitlab = new Gitlab({
    host: options.url.replace(/\/+$/, ""),
    token: options.token,
    requesterFn: politeGitbeakerRequester({ policy: options.retry ?? DEFAULT_RETRY_POLICY, onResponse: options.onResponse, beforeWrite: options.beforeWrite, sleep: options.sleep }),
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
    mergeRequestPipelines: (project, iid) => gitlab.MergeRequests.allPipelines(project, iid, { perPage: 20, maxPages: 1 }),
    branches: (project, max) => gitlab.Branches.all(project, pages(max)),
    notes: (project, iid) => gitlab.MergeRequestNotes.all(project, iid, { perPage: PAGE }),
    createNote: (project, iid, body) => gitlab.MergeRequestNotes.create(project, iid, body),
    editNote: (project, iid, noteId, body) => gitlab.MergeRequestNotes.edit(project, iid, noteId, { body }),
    awardNoteEmoji: (project, iid, noteId, name) => gitlab.MergeRequestNoteAwardEmojis.award(project, iid, noteId, name),
    setStatus: (project, sha, { state, name, description, targetUrl, pipelineId }) =>
      gitlab.Commits.editStatus(project, sha, state, {
        name,
        description,
        ...(targetUrl ? { targetUrl } : {}),
        ...(pipelineId !== undefined ? { pipelineId } : {}),
      }),
    projectMember: (project, userId) => gitlab.ProjectMembers.show(project, userId, { includeInherited: true }),
  };
}
