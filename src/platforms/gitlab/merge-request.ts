import type { AnalyzeInput } from "../../analysis/analyze.js";
import type { Analysis } from "../../analysis/model.js";
import type { LoadedSettings, Settings } from "../../config/settings.js";
import type { FileSource } from "../../core/file-source.js";
import type { IncludeSource } from "../../core/include-source.js";
import type { BlobCache } from "../blob-cache.js";
import { shareUnchanged } from "../unchanged-overlay.js";
import { noCiChangeVerdict } from "../change-report.js";
import { MAX_BRANCHES } from "../platform-limits.js";
import {
  analyzeForReview,
  answerChange,
  reviewChange,
  type ChangeReader,
  type CommentPolicy,
  type RepositoryAnalyzer,
  type RepositoryReview,
  type ReviewOutcome,
} from "../review-flow.js";
import type { GitLabApi } from "./gitlab-api.js";
import type { GitLabReport } from "./gitlab-report.js";
import type { MergeRequestRef } from "./merge-request-ref.js";
import { GitLabBlobs } from "./gitlab-blobs.js";
import { GitLabSource } from "./gitlab-source.js";
import { GitLabIncludeSource } from "./gitlab-include-source.js";
import { keepPredictions, type PredictionStore } from "../prediction-store.js";
import { GitLabPublisher, type StatusVerdict } from "./publisher.js";
import { branchSchema, diffVersionSchema, mergeRequestDiffSchema, mergeRequestHeadSchema } from "./schema.js";
import { changedFilesBetween } from "../../analysis/changed-files.js";
import { once } from "../../core/once.js";

export interface GitLabReviewDeps extends RepositoryAnalyzer {
  loadSettings(source: FileSource): Promise<LoadedSettings>;
  report: GitLabReport;
  blobCache: BlobCache;
  /** Where the head commit's predictions are kept for the Pipeline Hook (none: not kept). */
  predictions?: PredictionStore;
}

/** The verdict when the change touches no CI file, recipe or bot setting (a required status still passes). */
export const NO_CI_CHANGE: StatusVerdict = { state: "success", description: noCiChangeVerdict("gitlab").title };

/**
 * How the review reads a merge request: base and head from the MR's latest diff version
 * (`base_commit_sha` is the merge base, what the MR's "Changes" tab compares), changed
 * paths from the MR diffs, both revisions from the TARGET project (a fork's commits are
 * reachable there through the MR refs).
 */
export function mergeRequestReader(
  deps: Pick<GitLabReviewDeps, "blobCache" | "loadSettings">,
  api: GitLabApi,
  initial: MergeRequestRef,
  details: () => Promise<unknown> = once(() => api.mergeRequest(initial.projectId, initial.iid)),
): ChangeReader & { mr(): MergeRequestRef; prepare(): Promise<void>; includes(settings: Settings): IncludeSource } {
  let mr = initial;
  let revisions: { base: FileSource; head: FileSource } | undefined;
  /** The latest diff version's head: the diff describes our head only when it is the hook's SHA. */
  let diffHead: string | undefined;
  let changed: ReadonlySet<string> | undefined;
  const blobs = new GitLabBlobs(api, { id: initial.projectId, path: initial.projectPath }, deps.blobCache);
  const open = (sha: string, ref: string) =>
    new GitLabSource({ api, project: mr.projectId, sha, cache: deps.blobCache, blobs, label: `${ref} (${sha.slice(0, 8)})` });
  const opened = () => {
    if (!mr.base.sha) throw new Error("the merge base is not known (prepare was not called)");
    revisions ??= shareUnchanged(open(mr.base.sha, mr.base.ref), open(mr.head.sha, mr.head.ref), () => changed);
    return revisions;
  };
  return {
    mr: () => mr,
    prepare: async () => {
      if (mr.base.sha) return;
      const versions = (await api.diffVersions(mr.projectId, mr.iid)).map((v) => diffVersionSchema.parse(v));
      const latest = versions[0];
      if (!latest) throw new Error(`merge request !${mr.iid} has no diff version yet`);
      // The hook's SHA stays the head: the status belongs to the commit the event is about.
      mr = { ...mr, base: { ...mr.base, sha: latest.base_commit_sha } };
      diffHead = latest.head_commit_sha;
    },
    listChangedFiles: async () => {
      const paths = new Set<string>();
      for (const raw of await api.diffs(mr.projectId, mr.iid)) {
        const diff = mergeRequestDiffSchema.parse(raw);
        paths.add(diff.new_path);
        paths.add(diff.old_path);
      }
      // GitLab cuts a diff past its limits (`max_files`, 1,000 by default) and says so with a
      // `changes_count` such as "1000+"; a diff of another head does not describe ours. Either
      // way the trees decide: every path whose blob differs between merge base and head.
      // https://docs.gitlab.com/administration/diff_limits/
      const { changes_count: count } = mergeRequestHeadSchema.parse(await details());
      if (diffHead !== mr.head.sha || count === null || count === undefined || count.endsWith("+")) return changedFilesBetween(opened().base, opened().head);
      // Unchanged paths are read once, from the base.
      changed = paths;
      return [...paths].sort();
    },
    listBranchNames: async () =>
      (await api.branches(mr.projectId, MAX_BRANCHES)).map((b) => branchSchema.parse(b).name).slice(0, MAX_BRANCHES),
    revisions: opened,
    target: () => ({
      baseSha: mr.base.sha,
      headSha: mr.head.sha,
      mr: { source: mr.head.ref, target: mr.base.ref, sourceProject: mr.sourceProjectPath ?? mr.projectPath, iid: mr.iid },
    }),
    // The bot reads other projects' files with its own token, as it reads the project's (GitLabBlobs), through its long-lived cache.
    includes: (settings) =>
      new GitLabIncludeSource({ api, serverUrl: api.url, project: mr.projectId, cache: deps.blobCache, remoteHosts: settings.includes.remoteHosts }),
    settings: async (base) => {
      const loaded = await deps.loadSettings(base);
      const settings = { ...loaded.settings };
      // The bot's own instance is the project's (CI_SERVER_FQDN of component includes, CI_SERVER_URL).
      if (!loaded.explicit?.has("server_url")) settings.serverUrl = api.url;
      settings.project ??= mr.projectPath;
      settings.defaultBranch ??= mr.defaultBranch;
      return { ...loaded, settings };
    },
  };
}

/**
 * The review of one MR head SHA: status pending → read → analyse → the one sticky note →
 * the final status, linked to the note. An API failure sets a failed status saying the
 * analysis could not run and why, and leaves the note alone.
 */
export async function reviewMergeRequest(
  deps: GitLabReviewDeps,
  api: GitLabApi,
  initial: MergeRequestRef,
  policy: CommentPolicy,
  botUserId: number,
): Promise<ReviewOutcome> {
  // One read of the MR serves both: its `changes_count` (is the diff whole?) and its head pipeline (where the status goes).
  const details = once(() => api.mergeRequest(initial.projectId, initial.iid));
  const reader = mergeRequestReader(deps, api, initial, details);
  const publisher = new GitLabPublisher(api, { project: initial.projectId, iid: initial.iid, webUrl: initial.webUrl, headSha: initial.head.sha }, botUserId, details);
  let finished = false;
  return reviewChange<StatusVerdict, RepositoryReview>({
    // The same repository review as GitHub's: every dialect present (rare on GitLab, one code path).
    analyze: (input) => analyzeForReview(deps, input),
    reader,
    policy,
    draft: initial.draft,
    analysed: (review, settings) =>
      keepPredictions(deps.predictions, { platform: "gitlab", project: initial.projectPath, sha: initial.head.sha, change: { number: initial.iid, ...(initial.webUrl ? { url: initial.webUrl } : {}) } }, review.analyses, settings),
    publisher: {
      verdictLinksToComment: true,
      start: () => publisher.setStatus("pending", "ci-explain is analysing this merge request"),
      finish: async (verdict) => {
        await publisher.setStatus(verdict.state, verdict.description);
        finished = true;
      },
      upsertComment: (body, options) => publisher.upsertStickyNote(deps.report.marker, body, options),
      superseded: async (by) => {
        if (!finished) await publisher.setStatus("canceled", `superseded by ${by.slice(0, 8)}`);
      },
    },
    renderer: {
      comment: (review, settings) => deps.report.comment(review.analyses, reader.mr(), settings),
      verdict: (review) => deps.report.status(review.analyses, reader.mr()),
      noCiChangeVerdict: NO_CI_CHANGE,
      noCiChangeComment: () => deps.report.noCiChange(reader.mr()),
      // Failed, not canceled: a required status must not pass a change nobody could look at.
      couldNotAnalyse: (reason) => ({ state: "failed", description: `could not analyse: ${reason}` }),
      conclusion: (verdict) => verdict.state,
    },
  });
}

/** The reply text to `/ci-explain BRANCH…|job NAME|--var …` (or why it could not be answered). */
export function answerMergeRequest(
  deps: GitLabReviewDeps,
  api: GitLabApi,
  mr: MergeRequestRef,
  settings: LoadedSettings,
  render: (analyses: readonly Analysis[], mr: MergeRequestRef) => string,
): Promise<string> {
  const reader = mergeRequestReader(deps, api, mr);
  return answerChange(deps, reader, settings, (analyses) => render(analyses, reader.mr()));
}
