import { Gitlab } from "@gitbeaker/rest";
import { politeGitbeakerRequester } from "../http/gitbeaker-requester.js";
import { ApiFailure } from "../describe-failure.js";
import { defaultSleep, politeFetch, type PoliteFetchOptions } from "../http/polite-fetch.js";
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from "../http/retry-policy.js";

/**
 * The GitLab REST v4 calls ci-explain makes, and nothing else: a narrow seam over
 * @gitbeaker/rest so the platform code states what it needs and tests can count it.
 * Replies are `unknown`: callers parse them with the zod schemas in schema.ts.
 */
export interface GitLabApi {
  /** The instance's URL (`https://gitlab.example.com`): its host is the one components name. */
  readonly url: string;
  currentUser(): Promise<unknown>;
  /** A GraphQL query (`POST /api/graphql`); its `data`, or a thrown error naming GitLab's `errors`. */
  graphql(query: string, variables: Record<string, unknown>): Promise<unknown>;
  /** A file's bytes at `ref`; gitbeaker gives a string for text/*, a Blob otherwise. */
  rawFile(project: number | string, path: string, ref: string): Promise<string | Blob>;
  /** Tree entries below `path` at `ref`, recursive, at most `maxEntries` (pages of 100). */
  tree(project: number | string, options: { ref: string; path: string; maxEntries: number }): Promise<unknown[]>;
  /** The newest releases of a project, at most `maxEntries` (pages of 100). */
  releases(project: number | string, maxEntries: number): Promise<unknown[]>;
  /** An instance CI template as the project sees it (`GET /projects/:id/templates/gitlab_ci_ymls/:name`). */
  ciTemplate(project: number | string, name: string): Promise<unknown>;
  diffVersions(project: number | string, iid: number): Promise<unknown[]>;
  diffs(project: number | string, iid: number): Promise<unknown[]>;
  mergeRequest(project: number | string, iid: number): Promise<unknown>;
  /**
   * One commit (`GET /projects/:id/repository/commits/:sha`), named by a SHA, tag or branch: its
   * parents tell what a merge commit merges; its id is the commit an include's ref names.
   */
  commit(project: number | string, ref: string): Promise<unknown>;
  branches(project: number | string, maxEntries: number): Promise<unknown[]>;
  notes(project: number | string, iid: number): Promise<unknown[]>;
  createNote(project: number | string, iid: number, body: string): Promise<unknown>;
  editNote(project: number | string, iid: number, noteId: number, body: string): Promise<unknown>;
  awardNoteEmoji(project: number | string, iid: number, noteId: number, name: string): Promise<unknown>;
  setStatus(project: number | string, sha: string, status: StatusRequest): Promise<unknown>;
  /** A user's membership of the project, inherited from groups too (`GET /projects/:id/members/all/:user_id`). */
  projectMember(project: number | string, userId: number): Promise<unknown>;
  /** The instance's version (`GET /metadata`, GitLab 15.2+): which parameters its CI Lint API reads. */
  version(): Promise<unknown>;
  /** A project's facts (`GET /projects/:id`): its id, path, default branch and CI configuration path. */
  project(project: number | string): Promise<unknown>;
  /** The CI Lint API's pipeline creation simulation (see lint-request.ts for which form a version takes). */
  lint(project: number | string, request: LintRequest): Promise<unknown>;
  /** The newest tags, most recently updated first, at most `maxEntries`. */
  tags(project: number | string, maxEntries: number): Promise<unknown[]>;
  /** The newest pipelines of a ref (`GET /projects/:id/pipelines?ref=`), newest first, at most `maxEntries`. */
  pipelines(project: number | string, options: { ref: string; maxEntries: number }): Promise<unknown[]>;
  /** One pipeline (`GET /projects/:id/pipelines/:pipeline_id`): `before_sha` and the rest. */
  pipeline(project: number | string, pipelineId: number): Promise<unknown>;
  /** Every job of a pipeline, retried ones too (`include_retried`), every page. */
  pipelineJobs(project: number | string, pipelineId: number): Promise<unknown[]>;
  /** The trigger jobs of a pipeline with their downstream pipelines, every page. */
  pipelineBridges(project: number | string, pipelineId: number): Promise<unknown[]>;
  /** The variables a pipeline was created with (`GET /projects/:id/pipelines/:pipeline_id/variables`). */
  pipelineVariables(project: number | string, pipelineId: number): Promise<unknown[]>;
  /** The project's pipeline schedules, and one with its variables and last pipeline. */
  pipelineSchedules(project: number | string): Promise<unknown[]>;
  pipelineSchedule(project: number | string, scheduleId: number): Promise<unknown>;
  /** Merge requests into `targetBranch` (or from `sourceBranch`), most recently updated first. */
  mergeRequests(project: number | string, options: { targetBranch?: string; sourceBranch?: string; state: "opened" | "all"; maxEntries: number }): Promise<unknown[]>;
  /** A merge request's pipelines, newest first. */
  mergeRequestPipelines(project: number | string, iid: number): Promise<unknown[]>;
  /** The files between two commits (`GET /projects/:id/repository/compare`). */
  compare(project: number | string, from: string, to: string): Promise<unknown>;
}

/**
 * A CI Lint dry run of the configuration at commit `sha` for the branch or tag `ref`. GitLab
 * reads the GET endpoint's parameters under three spellings across versions, and an older
 * one ignores the newer names (it would lint the default branch's configuration instead), so
 * the caller chooses the form its instance reads (lint-request.ts).
 */
export type LintRequest =
  /** GitLab 16.10+: `content_ref` (what is linted) and `dry_run_ref` (for which ref). */
  | { method: "GET"; names: "content_ref"; sha: string; ref: string }
  /** GitLab 16.5–16.9: `sha` and `ref`, deprecated since. */
  | { method: "GET"; names: "sha"; sha: string; ref: string }
  /** Any version with the project endpoint's `ref` (14.9+): the configuration's text is sent. */
  | { method: "POST"; content: string; ref: string };

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
  /** A personal, project or group access token (PRIVATE-TOKEN)… */
  token?: string;
  /** …or a CI job's CI_JOB_TOKEN (JOB-TOKEN), which reads only what the job token may. */
  jobToken?: string;
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
    ...(options.jobToken !== undefined && options.token === undefined ? { jobToken: options.jobToken } : { token: options.token ?? "" }),
    requesterFn: politeGitbeakerRequester({ policy, onResponse: options.onResponse, beforeWrite: options.beforeWrite, sleep }),
  });
  const pages = (max: number) => ({ perPage: PAGE, maxPages: Math.max(1, Math.ceil(max / PAGE)) });
  const polite = { policy, onResponse: options.onResponse, beforeWrite: options.beforeWrite, sleep };
  const graphqlUrl = `${options.url.replace(/\/+$/, "")}/api/graphql`;
  return {
    url: options.url.replace(/\/+$/, ""),
    currentUser: () => gitlab.Users.showCurrentUser(),
    graphql: async (query, variables) => {
      const body = JSON.stringify({ query, variables });
      const headers = { authorization: `Bearer ${options.token}`, "content-type": "application/json" };
      const response = await politeFetch(() => new Request(graphqlUrl, { method: "POST", headers, body }), polite);
      const text = await response.text();
      if (!response.ok) throw new ApiFailure(`GitLab answered ${response.status} to POST /api/graphql`);
      const answer = JSON.parse(text) as { data?: unknown; errors?: Array<{ message?: string }> };
      if (answer.errors?.length) throw new ApiFailure(`GitLab's GraphQL API refused the query: ${answer.errors.map((e) => e.message).join("; ")}`);
      return answer.data;
    },
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
    releases: (project, max) => gitlab.ProjectReleases.all(project, pages(max)),
    ciTemplate: (project, name) => gitlab.ProjectTemplates.show(project, "gitlab_ci_ymls", name),
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
    version: () => gitlab.Metadata.show(),
    project: (project) => gitlab.Projects.show(project),
    lint: (project, request) => {
      const simulate = { dryRun: true, includeJobs: true } as const;
      if (request.method === "POST") return gitlab.Lint.lint(project, request.content, { ...simulate, ref: request.ref });
      // gitbeaker's types name only `ref`; the other names are sent as they are (snake_case).
      const names: Record<string, string> = request.names === "content_ref" ? { contentRef: request.sha, dryRunRef: request.ref } : { sha: request.sha, ref: request.ref };
      return gitlab.Lint.check(project, { ...simulate, ...names });
    },
    tags: (project, max) => gitlab.Tags.all(project, { orderBy: "updated", sort: "desc", ...pages(max) }),
    pipelines: (project, { ref, maxEntries }) => gitlab.Pipelines.all(project, { ref, perPage: Math.min(PAGE, maxEntries), maxPages: 1 }),
    pipeline: (project, pipelineId) => gitlab.Pipelines.show(project, pipelineId),
    pipelineJobs: (project, pipelineId) => gitlab.Jobs.all(project, { pipelineId, includeRetried: true, perPage: PAGE }),
    pipelineBridges: (project, pipelineId) => gitlab.Jobs.allPipelineBridges(project, pipelineId),
    pipelineVariables: (project, pipelineId) => gitlab.Pipelines.allVariables(project, pipelineId),
    pipelineSchedules: (project) => gitlab.PipelineSchedules.all(project, { perPage: PAGE }),
    pipelineSchedule: (project, scheduleId) => gitlab.PipelineSchedules.show(project, scheduleId),
    mergeRequests: (project, { targetBranch, sourceBranch, state, maxEntries }) =>
      gitlab.MergeRequests.all({
        projectId: project,
        ...(targetBranch ? { targetBranch } : {}),
        ...(sourceBranch ? { sourceBranch } : {}),
        ...(state === "opened" ? { state } : {}),
        orderBy: "updated_at",
        sort: "desc",
        perPage: Math.min(PAGE, maxEntries),
        maxPages: 1,
      }),
    mergeRequestPipelines: (project, iid) => gitlab.MergeRequests.allPipelines(project, iid, { perPage: PAGE, maxPages: 1 }),
    compare: (project, from, to) => gitlab.Repositories.compare(project, from, to),
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
