import type { AnalyzeInput } from "../../analysis/analyze.js";
import type { Analysis } from "../../analysis/model.js";
import type { LoadedSettings } from "../../config/load-settings.js";
import type { FileSource } from "../../core/file-source.js";
import { mayChangeCi } from "../ci-change-prefilter.js";
import type { BlobCache } from "./blob-cache.js";
import { describeFailure } from "./describe-failure.js";
import type { GitHubApi, RepoRef } from "./github-api.js";
import { GitHubSource } from "./github-source.js";
import { GitHubPublisher, type CheckResult, type CommentOutcome } from "./publisher.js";
import { pullRequestFileSchema } from "./schema.js";

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
}

/** The renderers, as the GitHub side uses them. */
export interface GitHubReport {
  /** The hidden marker that identifies the sticky comment. */
  marker: string;
  comment(analysis: Analysis, pr: PullRequestRef, settings: LoadedSettings): string;
  check(analysis: Analysis, pr: PullRequestRef, settings: LoadedSettings): CheckResult;
  /** The sticky comment's text once the PR no longer touches CI (it carries the marker). */
  noCiChange(pr: PullRequestRef): string;
}

export interface ReviewDeps {
  analyze(input: AnalyzeInput): Promise<Analysis>;
  loadSettings(source: FileSource): Promise<LoadedSettings>;
  report: GitHubReport;
  blobCache: BlobCache;
}

/**
 * When the sticky comment is written: `auto` follows the settings (drafts), `force` is a
 * person asking for it, `never` is a re-run for a SHA that is no longer the PR's head.
 */
export type CommentPolicy = "auto" | "force" | "never";

export type ReviewOutcome =
  | { kind: "no-ci-change"; comment: CommentOutcome }
  | { kind: "analysed"; conclusion: CheckResult["conclusion"]; comment: CommentOutcome | "skipped-draft" | "skipped" }
  | { kind: "failed"; reason: string };

export const NO_CI_CHANGE: CheckResult = {
  conclusion: "success",
  title: "no CI change",
  summary: "This pull request changes no CI configuration file, container recipe or ci-explain settings.",
};

/**
 * The whole job for one head SHA: check in progress → changed files → sources → settings
 * (from the BASE branch: a head change to them is analysed, never trusted) → analyse →
 * complete the check → sticky comment. An API failure ends the check as "could not
 * analyse" with the reason, and leaves the comment alone: a good comment is never
 * replaced by an error.
 */
export async function reviewPullRequest(deps: ReviewDeps, api: GitHubApi, pr: PullRequestRef, policy: CommentPolicy): Promise<ReviewOutcome> {
  const publisher = new GitHubPublisher(api, pr.repo);
  const checkRunId = await publisher.startCheck(pr.head.sha, String(pr.number));
  let verdict: { analysis?: Analysis; settings: LoadedSettings; check: CheckResult };
  try {
    verdict = await judge(deps, api, pr);
  } catch (err) {
    const reason = describeFailure(err);
    await publisher.completeCheck(checkRunId, couldNotAnalyse(reason));
    return { kind: "failed", reason };
  }
  await publisher.completeCheck(checkRunId, verdict.check);
  const { analysis, settings } = verdict;
  if (!analysis) {
    // An earlier push touched CI and got a comment: say it no longer applies. Never start one.
    const body = deps.report.noCiChange(pr);
    const comment = policy === "never" ? "absent" : await publisher.upsertStickyComment(pr.number, deps.report.marker, body, { create: false });
    return { kind: "no-ci-change", comment };
  }
  const comment = await writeComment(publisher, pr, policy, settings, deps.report.marker, () => deps.report.comment(analysis, pr, settings));
  return { kind: "analysed", conclusion: verdict.check.conclusion, comment };
}

/** Read and analyse; no analysis when the change cannot touch CI. Throws on API failures. */
async function judge(deps: ReviewDeps, api: GitHubApi, pr: PullRequestRef): Promise<{ analysis?: Analysis; settings: LoadedSettings; check: CheckResult }> {
  const changedFiles = await listChangedFiles(api, pr);
  const revisions = openRevisions(deps, api, pr);
  const settings = await loadBaseSettings(deps, revisions.base, pr);
  if (!mayChangeCi(changedFiles, settings.settings)) return { settings, check: NO_CI_CHANGE };
  const branches = await listBranchNames(api, pr);
  const analysis = await deps.analyze({ ...revisions, ...analyzeTarget(pr), changedFiles, branches, settings: settings.settings });
  if (!analysis.ciRelevant) return { settings, check: NO_CI_CHANGE };
  return { analysis, settings, check: deps.report.check(analysis, pr, settings) };
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
 * branches that exist. Capped: past 1,000 branches the engine synthesises names instead.
 */
export const MAX_BRANCHES = 1000;

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

async function writeComment(
  publisher: GitHubPublisher,
  pr: PullRequestRef,
  policy: CommentPolicy,
  settings: LoadedSettings,
  marker: string,
  body: () => string,
): Promise<CommentOutcome | "skipped-draft" | "skipped"> {
  if (policy === "never") return "skipped";
  // A draft without `comment.on_drafts`: keep an existing comment current, start none.
  const create = policy === "force" || !pr.draft || settings.settings.comment.onDrafts;
  const outcome = await publisher.upsertStickyComment(pr.number, marker, body(), { create });
  return outcome === "absent" ? "skipped-draft" : outcome;
}

function couldNotAnalyse(reason: string): CheckResult {
  return {
    // A required check must not pass a change nobody could look at; "Re-run" tries again.
    conclusion: "failure",
    title: "could not analyse",
    summary: `ci-explain could not analyse this pull request: ${reason}\n\nRe-run this check to try again.`,
  };
}
