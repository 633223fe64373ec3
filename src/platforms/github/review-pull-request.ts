import type { AnalyzeInput } from "../../analysis/analyze.js";
import type { AnalyzeRepositoryInput } from "../../analysis/analyze-repository.js";
import type { Analysis } from "../../analysis/model.js";
import type { LoadedSettings } from "../../config/settings.js";
import type { FileSource } from "../../core/file-source.js";
import type { BlobCache } from "../blob-cache.js";
import { analyzeForReview, reviewChange, type ChangeReader, type CommentPolicy, type RepositoryReview, type ReviewOutcome } from "../review-flow.js";
import type { GitHubApi, RepoRef } from "./github-api.js";
import { GitHubIncludeSource } from "./github-include-source.js";
import { GitHubSource } from "./github-source.js";
import { GitHubPublisher, type CheckResult } from "./publisher.js";
import { compareSchema, pullRequestFileSchema } from "./schema.js";
import { noCiChangeVerdict } from "../change-report.js";
import { MAX_BRANCHES } from "../platform-limits.js";
import { keepPredictions, type PredictionStore } from "../prediction-store.js";

/** A pull request as the app needs it, whichever event named it. */
export interface PullRequestRef {
  repo: RepoRef;
  /** `owner/name` of the base repository. */
  fullName: string;
  htmlUrl?: string;
  defaultBranch?: string;
  number: number;
  draft: boolean;
  head: { sha: string; ref: string; repoFullName?: string };
  base: { sha: string; ref: string };
  /** True once `base.sha` is the merge base (withMergeBase), not the base branch tip. */
  baseIsMergeBase?: boolean;
}

/** The renderers, as the GitHub side uses them. */
export interface GitHubReport {
  /** The hidden marker that identifies the sticky comment. */
  marker: string;
  /** One report for every CI dialect the change touches (GitLab CI and/or GitHub Actions). */
  comment(analyses: readonly Analysis[], pr: PullRequestRef, settings: LoadedSettings): string;
  check(analyses: readonly Analysis[], pr: PullRequestRef, settings: LoadedSettings): CheckResult;
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
  let checkRunId: number | undefined;
  let completed = false;
  const reader = pullRequestReader(deps, api, pr);
  return reviewChange<CheckResult, RepositoryReview>({
    analyze: (input) => analyzeForReview(deps, input),
    reader,
    policy,
    draft: pr.draft,
    analysed: (review, settings) =>
      keepPredictions(deps.predictions, { platform: "github", project: pr.fullName, sha: pr.head.sha, change: { number: pr.number, ...(pr.htmlUrl ? { url: `${pr.htmlUrl}/pull/${pr.number}` } : {}) } }, review.analyses, settings),
    publisher: {
      verdictLinksToComment: false,
      start: async () => {
        checkRunId = await publisher.startCheck(pr.head.sha, String(pr.number));
      },
      finish: async (result) => {
        // Not started (no CI change, or the change could not be read): one request writes the finished check.
        if (checkRunId === undefined) await publisher.createCompletedCheck(pr.head.sha, result, String(pr.number));
        else await publisher.completeCheck(checkRunId, result);
        completed = true;
      },
      upsertComment: (body, options) => publisher.upsertStickyComment(pr.number, { marker: deps.report.marker, author: botLogin }, body, options),
      superseded: async (by) => {
        if (checkRunId !== undefined && !completed) await publisher.completeCheck(checkRunId, supersededCheck(by));
      },
    },
    renderer: {
      comment: (review, settings) => deps.report.comment(review.analyses, reader.pr(), settings),
      verdict: (review, settings) => deps.report.check(review.analyses, reader.pr(), settings),
      noCiChangeVerdict: NO_CI_CHANGE,
      noCiChangeComment: () => deps.report.noCiChange(reader.pr()),
      couldNotAnalyse,
      conclusion: (result) => result.conclusion,
    },
  });
}

/**
 * How the review reads a pull request. `prepare` replaces the base branch tip (`base.sha` of
 * the webhook) by the merge base, as GitHub's "Files changed" compares: one compare request.
 */
export function pullRequestReader(deps: Pick<ReviewDeps, "blobCache" | "loadSettings">, api: GitHubApi, initial: PullRequestRef): ChangeReader & { pr(): PullRequestRef; prepare(): Promise<void> } {
  let pr = initial;
  return {
    pr: () => pr,
    prepare: async () => {
      pr = await withMergeBase(api, pr);
    },
    listChangedFiles: () => listChangedFiles(api, pr),
    listBranchNames: () => listBranchNames(api, pr),
    revisions: () => openRevisions(deps, api, pr),
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
  const sha = compareSchema.parse(response.data).merge_base_commit.sha;
  return { ...pr, base: { ...pr.base, sha }, baseIsMergeBase: true };
}

/** Base and head read from the BASE repository: a fork PR's head commit is reachable there too. */
export function openRevisions(deps: Pick<ReviewDeps, "blobCache">, api: GitHubApi, pr: PullRequestRef): { base: GitHubSource; head: GitHubSource } {
  const open = (sha: string, ref: string) =>
    new GitHubSource({ api, ...pr.repo, sha, cache: deps.blobCache, label: `${ref} (${sha.slice(0, 8)})` });
  return { base: open(pr.base.sha, pr.base.ref), head: open(pr.head.sha, pr.head.ref) };
}

/** Settings from the base revision, with what the platform knows filled in. */
export async function loadBaseSettings(deps: Pick<ReviewDeps, "loadSettings">, base: FileSource, pr: PullRequestRef): Promise<LoadedSettings> {
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
export async function listBranchNames(api: GitHubApi, pr: PullRequestRef): Promise<string[]> {
  const names: string[] = [];
  await api.paginate(api.rest.repos.listBranches, { ...pr.repo, per_page: 100 }, (response, done) => {
    for (const branch of response.data) names.push(branch.name);
    if (names.length >= MAX_BRANCHES) done();
    return [];
  });
  return names.slice(0, MAX_BRANCHES);
}

/** Every path the PR touches; a rename contributes its old path too. GitHub lists up to 3,000 files. */
export async function listChangedFiles(api: GitHubApi, pr: PullRequestRef): Promise<string[]> {
  const files = await api.paginate(api.rest.pulls.listFiles, { ...pr.repo, pull_number: pr.number, per_page: 100 });
  const paths = new Set<string>();
  for (const raw of files) {
    const file = pullRequestFileSchema.parse(raw);
    paths.add(file.filename);
    if (file.previous_filename) paths.add(file.previous_filename);
  }
  return [...paths].sort();
}

/** The check of a SHA a newer push replaced before its analysis finished. */
export function supersededCheck(by: string): CheckResult {
  return {
    conclusion: "cancelled",
    title: `superseded by ${by.slice(0, 8)}`,
    summary: `A newer push (${by.slice(0, 8)}) replaced this commit before ci-explain finished; its check has the analysis. Re-run this check to analyse this commit anyway.`,
  };
}

function couldNotAnalyse(reason: string): CheckResult {
  return {
    // A required check must not pass a change nobody could look at; "Re-run" tries again.
    conclusion: "failure",
    title: "could not analyse",
    summary: `ci-explain could not analyse this pull request: ${reason}\n\nRe-run this check to try again.`,
  };
}
