import type { AnalyzeInput } from "../../analysis/analyze.js";
import type { AnalyzeRepositoryInput } from "../../analysis/analyze-repository.js";
import type { Analysis } from "../../analysis/model.js";
import type { LoadedSettings } from "../../config/settings.js";
import type { FileSource } from "../../core/file-source.js";
import type { BlobCache } from "../blob-cache.js";
import { analyzeForReview, reviewChange, type ChangePublisher, type ChangeReader, type CommentPolicy, type RepositoryReview, type ReviewOutcome } from "../review-flow.js";
import type { GitHubApi, RepoRef } from "./github-api.js";
import { GitHubIncludeSource } from "./github-include-source.js";
import { GitHubBlobs } from "./github-blobs.js";
import { GitHubSource, type GitHubSourceOptions, type TreeChange } from "./github-source.js";
import { GitHubPublisher, type CheckResult } from "./publisher.js";
import { compareSchema, pullRequestFileSchema } from "./schema.js";
import { noCiChangeVerdict } from "../change-report.js";
import { keepPredictions, type PredictionStore } from "../prediction-store.js";
import { MAX_BRANCHES, MAX_LISTED_CHANGED_FILES } from "../platform-limits.js";
import { changedFilesBetween } from "../../analysis/changed-files.js";

/** Two commits of one repository a check compares: a pull request's, or a merge group's. */
export interface GitHubCommits {
  repo: RepoRef;
  /** `owner/name` of the base repository. */
  fullName: string;
  htmlUrl?: string;
  defaultBranch?: string;
  head: { sha: string; ref: string };
  base: { sha: string; ref: string };
}

/** A pull request as the app needs it, whichever event named it. */
export interface PullRequestRef extends GitHubCommits {
  number: number;
  draft: boolean;
  /** How many files GitHub says the PR changes, when the event says. */
  changedFileCount?: number;
  head: { sha: string; ref: string; repoFullName?: string };
  base: { sha: string; ref: string };
  /** True once `base.sha` is the merge base (withMergeBase), not the base branch tip. */
  baseIsMergeBase?: boolean;
  /**
   * Every file the comparison of merge base and head changes, with its new blob (none when
   * removed), when GitHub's compare answer names them all (it lists at most 300).
   */
  changes?: TreeChange[];
}

/** The renderers, as the GitHub side uses them. */
export interface GitHubReport {
  /** The hidden marker that identifies the sticky comment. */
  marker: string;
  /** One report for every CI dialect the change touches (GitLab CI and/or GitHub Actions). */
  comment(analyses: readonly Analysis[], pr: PullRequestRef, settings: LoadedSettings): string;
  check(analyses: readonly Analysis[], commits: GitHubCommits, settings: LoadedSettings): CheckResult;
  /** The sticky comment's text once the PR no longer touches CI (it carries the marker). */
  noCiChange(pr: PullRequestRef): string;
}

export interface ReviewDeps {
  analyze(input: AnalyzeInput): Promise<Analysis>;
  /** Every CI dialect of the repository (analysis/analyze-repository.ts); without it, `analyze` alone. */
  analyzeRepository?(input: AnalyzeRepositoryInput): Promise<Analysis[]>;
  loadSettings(source: FileSource): Promise<LoadedSettings>;
  report: GitHubReport;
  blobCache: BlobCache;
  /** Where the head commit's predictions are kept for the workflow_run event (none: not kept). */
  predictions?: PredictionStore;
}

export type { CommentPolicy, RepositoryReview, ReviewOutcome };

export const NO_CI_CHANGE: CheckResult = noCiChangeVerdict("github");

/**
 * The whole job for one head SHA, as the shared review flow runs it (../review-flow.ts):
 * check in progress → merge base → changed files → sources → settings (from the base: a
 * head change to them is analysed, never trusted) → analyse → complete the check → sticky
 * comment. An API failure ends the check as "could not analyse" with the reason, and
 * leaves the comment alone: a good comment is never replaced by an error.
 */
export async function reviewPullRequest(deps: ReviewDeps, api: GitHubApi, pr: PullRequestRef, policy: CommentPolicy, botLogin: string): Promise<ReviewOutcome> {
  const publisher = new GitHubPublisher(api, pr.repo);
  const reader = pullRequestReader(deps, api, pr);
  return reviewChange<CheckResult, RepositoryReview>({
    analyze: (input) => analyzeForReview(deps, input),
    reader,
    policy,
    draft: pr.draft,
    analysed: (review, settings) =>
      keepPredictions(deps.predictions, { platform: "github", project: pr.fullName, sha: pr.head.sha, change: { number: pr.number, ...(pr.htmlUrl ? { url: `${pr.htmlUrl}/pull/${pr.number}` } : {}) } }, review.analyses, settings),
    publisher: {
      ...checkRunVerdict(publisher, pr.head.sha, String(pr.number)),
      upsertComment: (body, options) => publisher.upsertStickyComment(pr.number, { marker: deps.report.marker, author: botLogin }, body, options),
    },
    renderer: {
      comment: (review, settings) => deps.report.comment(review.analyses, reader.pr(), settings),
      verdict: (review, settings) => deps.report.check(review.analyses, reader.pr(), settings),
      noCiChangeVerdict: NO_CI_CHANGE,
      noCiChangeComment: () => deps.report.noCiChange(reader.pr()),
      couldNotAnalyse: (reason) => couldNotAnalyse(reason),
      conclusion: (result) => result.conclusion,
    },
  });
}

/**
 * The verdict as a check run on `headSha`: opened "in progress" only when the change may
 * touch CI, completed with its output and annotations; a change with no CI to analyse gets
 * its check in one write, created completed. A newer push closes a check it opened as
 * "cancelled".
 */
export function checkRunVerdict(publisher: GitHubPublisher, headSha: string, externalId?: string): Omit<ChangePublisher<CheckResult>, "upsertComment"> {
  let checkRunId: number | undefined;
  let completed = false;
  return {
    verdictLinksToComment: false,
    start: async () => {
      checkRunId = await publisher.startCheck(headSha, externalId);
    },
    finish: async (result) => {
      // Not started (no CI change, or the change could not be read): one request writes the finished check.
      if (checkRunId === undefined) await publisher.createCompletedCheck(headSha, result, externalId);
      else await publisher.completeCheck(checkRunId, result);
      completed = true;
    },
    superseded: async (by) => {
      if (checkRunId !== undefined && !completed) await publisher.completeCheck(checkRunId, supersededCheck(by));
    },
  };
}

/**
 * How the review reads a pull request. `prepare` replaces the base branch tip (`base.sha` of
 * the webhook) by the merge base, as GitHub's "Files changed" compares: one compare request.
 */
export function pullRequestReader(deps: Pick<ReviewDeps, "blobCache" | "loadSettings">, api: GitHubApi, initial: PullRequestRef): ChangeReader & { pr(): PullRequestRef; prepare(): Promise<void> } {
  let pr = initial;
  let revisions: { base: GitHubSource; head: GitHubSource } | undefined;
  const opened = () => (revisions ??= openRevisions(deps, api, pr));
  return {
    pr: () => pr,
    prepare: async () => {
      pr = await withMergeBase(api, pr);
      revisions = undefined;
    },
    listChangedFiles: () => listChangedFiles(api, pr, opened()),
    listBranchNames: () => listBranchNames(api, pr),
    revisions: opened,
    target: () => analyzeTarget(pr),
    settings: (base) => loadBaseSettings(deps, base, pr),
    // Reusable workflows of other repositories, with the installation's token.
    includes: () => new GitHubIncludeSource(api, deps.blobCache),
  };
}

/**
 * The pull request with `base.sha` set to the merge base of base and head
 * (`GET /repos/{owner}/{repo}/compare/{base}...{head}` → `merge_base_commit.sha`). Comparing
 * with the base branch tip would count the base branch's own later commits as the PR's.
 */
export async function withMergeBase(api: GitHubApi, pr: PullRequestRef): Promise<PullRequestRef> {
  if (pr.baseIsMergeBase) return pr;
  const response = await api.rest.repos.compareCommitsWithBasehead({ ...pr.repo, basehead: `${pr.base.sha}...${pr.head.sha}`, per_page: 1 });
  const compared = compareSchema.parse(response.data);
  return { ...pr, base: { ...pr.base, sha: compared.merge_base_commit.sha }, baseIsMergeBase: true, changes: treeChanges(compared.files) };
}

/**
 * The compare answer's files as changes to the merge base's tree: a rename removes its old
 * path. Undefined when the list may be cut (GitHub lists at most 300 files of a comparison).
 * https://docs.github.com/en/rest/commits/commits#compare-two-commits
 */
function treeChanges(files: ReadonlyArray<{ filename: string; status: string; sha?: string | null; previous_filename?: string }> | undefined): TreeChange[] | undefined {
  if (!files || files.length >= MAX_COMPARED_FILES) return undefined;
  const changes: TreeChange[] = [];
  for (const file of files) {
    if (file.previous_filename && file.status === "renamed") changes.push({ path: file.previous_filename });
    changes.push(file.status === "removed" || !file.sha ? { path: file.filename } : { path: file.filename, sha: file.sha });
  }
  return changes;
}

/** GitHub's compare API names at most this many changed files. */
const MAX_COMPARED_FILES = 300;

/**
 * Base and head read from the BASE repository (a fork PR's head commit is reachable there
 * too), sharing one blob reader. When the comparison named every changed file, the head's
 * tree is the merge base's with those changes: no second tree request.
 */
export function openRevisions(deps: Pick<ReviewDeps, "blobCache">, api: GitHubApi, pr: GitHubCommits & Pick<PullRequestRef, "changes">): { base: GitHubSource; head: GitHubSource } {
  const blobs = new GitHubBlobs(api, pr.repo, deps.blobCache);
  const open = (sha: string, ref: string, derivedFrom?: GitHubSourceOptions["derivedFrom"]) =>
    new GitHubSource({ api, ...pr.repo, sha, cache: deps.blobCache, blobs, label: `${ref} (${sha.slice(0, 8)})`, derivedFrom });
  const base = open(pr.base.sha, pr.base.ref);
  return { base, head: open(pr.head.sha, pr.head.ref, pr.changes ? { base, changes: pr.changes } : undefined) };
}

/** Settings from the base revision, with what the platform knows filled in. */
export async function loadBaseSettings(deps: Pick<ReviewDeps, "loadSettings">, base: FileSource, pr: Pick<GitHubCommits, "fullName" | "defaultBranch">): Promise<LoadedSettings> {
  const loaded = await deps.loadSettings(base);
  const settings = { ...loaded.settings };
  settings.project ??= pr.fullName;
  settings.defaultBranch ??= pr.defaultBranch;
  return { ...loaded, settings };
}

export function analyzeTarget(pr: PullRequestRef): Pick<AnalyzeInput, "baseSha" | "headSha" | "mr"> {
  return {
    baseSha: pr.base.sha,
    headSha: pr.head.sha,
    mr: { source: pr.head.ref, target: pr.base.ref, sourceProject: pr.head.repoFullName, iid: pr.number },
  };
}

/**
 * Real branch names, so a regex in the CI rules (`/^staging-\d+\.\d+$/`) gives contexts for
 * branches that exist (capped: MAX_BRANCHES).
 */
export async function listBranchNames(api: GitHubApi, pr: Pick<GitHubCommits, "repo">): Promise<string[]> {
  const names: string[] = [];
  await api.paginate(api.rest.repos.listBranches, { ...pr.repo, per_page: 100 }, (response, done) => {
    for (const branch of response.data) names.push(branch.name);
    if (names.length >= MAX_BRANCHES) done();
    return [];
  });
  return names.slice(0, MAX_BRANCHES);
}

/**
 * Every path the PR touches, from the git trees of the merge base and the head (which the
 * review reads anyway): a path whose blob differs, or that one side lacks — a rename is its
 * old and its new path. Exact at any size, where the PR files API stops at 3,000 files. Only
 * when GitHub cannot return a tree whole (truncated: past 100,000 entries or 7 MB) does the
 * files API answer, and then only when it names every file GitHub counts; otherwise this
 * throws, and the check says the change could not be analysed rather than "no CI change".
 * https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files
 */
export async function listChangedFiles(
  api: GitHubApi,
  change: GitHubCommits & Partial<Pick<PullRequestRef, "number" | "changedFileCount" | "changes">>,
  revisions: { base: GitHubSource; head: GitHubSource },
): Promise<string[]> {
  // The comparison named every changed file: those are the changes (the head's tree is made from them).
  if (change.changes) return [...new Set(change.changes.map((c) => c.path))].sort();
  const [base, head] = await Promise.all([revisions.base.isListedWhole(), revisions.head.isListedWhole()]);
  if (base && head) return changedFilesBetween(revisions.base, revisions.head);
  if (change.number === undefined) throw new Error("the repository's tree is too large for GitHub to return whole, so the changed files cannot be told");
  const pr = { ...change, number: change.number };
  const listed = await listPullRequestFiles(api, pr);
  if (pr.changedFileCount !== undefined && listed.count === pr.changedFileCount && listed.count < MAX_LISTED_CHANGED_FILES) return listed.paths;
  throw new Error(
    `the repository's tree is too large for GitHub to return whole, and the pull request's file list (${listed.count} of ${pr.changedFileCount ?? "an unknown number of"} files) may not name every change`,
  );
}

/** The PR files API: every listed path (a rename's old path too), and how many files it listed. */
async function listPullRequestFiles(api: GitHubApi, pr: Pick<PullRequestRef, "repo" | "number">): Promise<{ paths: string[]; count: number }> {
  const files = await api.paginate(api.rest.pulls.listFiles, { ...pr.repo, pull_number: pr.number, per_page: 100 });
  const paths = new Set<string>();
  for (const raw of files) {
    const file = pullRequestFileSchema.parse(raw);
    paths.add(file.filename);
    if (file.previous_filename) paths.add(file.previous_filename);
  }
  return { paths: [...paths].sort(), count: files.length };
}

/** The check of a SHA a newer push replaced before its analysis finished. */
export function supersededCheck(by: string): CheckResult {
  return {
    conclusion: "cancelled",
    title: `superseded by ${by.slice(0, 8)}`,
    summary: `A newer push (${by.slice(0, 8)}) replaced this commit before ci-explain finished; its check has the analysis. Re-run this check to analyse this commit anyway.`,
  };
}

export function couldNotAnalyse(reason: string, change = "pull request"): CheckResult {
  return {
    // A required check must not pass a change nobody could look at; "Re-run" tries again.
    conclusion: "failure",
    title: "could not analyse",
    summary: `ci-explain could not analyse this ${change}: ${reason}\n\nRe-run this check to try again.`,
  };
}
