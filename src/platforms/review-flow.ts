import type { AnalyzeInput } from "../analysis/analyze.js";
import type { AnalyzeRepositoryInput } from "../analysis/analyze-repository.js";
import type { Analysis } from "../analysis/model.js";
import type { LoadedSettings, Settings } from "../config/settings.js";
import type { FileSource } from "../core/file-source.js";
import type { IncludeSource } from "../core/include-source.js";
import { mayChangeCi } from "./ci-change-prefilter.js";
import { describeFailure } from "./describe-failure.js";
import { SupersededError, withoutWriteGuard } from "./write-guard.js";

/**
 * The review of one change (a GitHub pull request or a GitLab merge request), the same on
 * every platform: changed files → settings from the base → cheap relevance check → verdict
 * pending → branches → analyse → verdict and sticky comment. Each platform
 * supplies how it reads (ChangeReader), how it writes (ChangePublisher) and how it words
 * the result (ChangeRenderer).
 */

export type CommentOutcome = "created" | "updated" | "unchanged" | "absent";

/**
 * When the sticky comment is written: `auto` follows the settings (drafts), `force` is a
 * person asking for it, `never` is a re-run for a SHA that is no longer the change's head.
 */
export type CommentPolicy = "auto" | "force" | "never";

export interface ChangeReader {
  /** Facts the platform learns with a request first (e.g. the merge base); called inside the failure guard. */
  prepare?(): Promise<void>;
  listChangedFiles(): Promise<string[]>;
  listBranchNames(): Promise<string[]>;
  revisions(): { base: FileSource; head: FileSource };
  target(): Pick<AnalyzeInput, "baseSha" | "headSha" | "mr">;
  /** Settings from the BASE revision: a head change to them is analysed, never trusted. */
  settings(base: FileSource): Promise<LoadedSettings>;
  /**
   * Where includes from other projects are read, with the platform's token; the remote-include
   * allowlist comes from the base settings. Absent: those includes stay unread.
   */
  includes?(settings: Settings): IncludeSource;
}

export interface ChangePublisher<V> {
  /**
   * True when the verdict links to the comment (GitLab's status `target_url` is the note's
   * URL), so the comment is written first; otherwise the verdict goes first, as a check
   * run should finish as soon as it is known.
   */
  readonly verdictLinksToComment: boolean;
  /** Open the verdict ("in progress"); only called when the change may touch CI. */
  start(): Promise<void>;
  /** Write the final verdict; without `start` before it, this is the verdict's only write. */
  finish(verdict: V): Promise<void>;
  /** Create or edit the one sticky comment; with `create: false` only an existing one is edited. */
  upsertComment(body: string, options: { create: boolean }): Promise<CommentOutcome>;
  /**
   * Close the verdict `start` opened, when a newer head SHA stopped this review before it
   * finished (`by` is that SHA): a check or status must not stay "in progress" for ever.
   * A verdict already finished is left as it is.
   */
  superseded?(by: string): Promise<void>;
}

/**
 * What the review analyses and renders: one Analysis, or (GitHub's repository review) every
 * CI dialect of the repository together; the flow only needs to know whether it touches CI.
 */
export type Reviewed = Pick<Analysis, "ciRelevant">;

export interface ChangeRenderer<V, A extends Reviewed = Analysis> {
  comment(analysis: A, settings: LoadedSettings): string;
  verdict(analysis: A, settings: LoadedSettings): V;
  noCiChangeVerdict: V;
  /** The sticky comment's text once the change no longer touches CI (carries the marker). */
  noCiChangeComment(): string;
  couldNotAnalyse(reason: string): V;
  conclusion(verdict: V): string;
}

export interface ChangeReview<V, A extends Reviewed = Analysis> {
  analyze(input: AnalyzeInput): Promise<A>;
  reader: ChangeReader;
  publisher: ChangePublisher<V>;
  renderer: ChangeRenderer<V, A>;
  policy: CommentPolicy;
  draft: boolean;
  /**
   * Called once the change is analysed and its verdict and comment are written, with what the
   * review read: the platform keeps the head commit's predictions to compare with what runs.
   */
  analysed?(analysis: A, settings: LoadedSettings): Promise<void>;
}

export type ReviewOutcome =
  | { kind: "no-ci-change"; comment: CommentOutcome }
  | { kind: "analysed"; conclusion: string; comment: CommentOutcome | "skipped-draft" | "skipped" }
  | { kind: "failed"; reason: string };

/**
 * Run one review. An API failure ends the verdict as "could not analyse" with the reason and
 * leaves the comment alone: a good comment is never replaced by an error. Failures while
 * publishing the result are thrown to the caller (which forgets the delivery, so a
 * redelivery retries).
 *
 * The verdict is opened ("in progress", "pending") only once the cheap relevance check says
 * the change may touch CI: a push that changes no CI-relevant file gets its final verdict in
 * one write, so the commonest push costs the platform one write instead of two.
 */
export async function reviewChange<V, A extends Reviewed = Analysis>(review: ChangeReview<V, A>): Promise<ReviewOutcome> {
  const { publisher } = review;
  try {
    return await reviewStarted(review);
  } catch (err) {
    // The only writes a stale review still makes: its own SHA's verdict, closed as superseded.
    const by = err instanceof SupersededError ? err.by : undefined;
    if (by && publisher.superseded) await withoutWriteGuard(async () => publisher.superseded?.(by));
    throw err;
  }
}

async function reviewStarted<V, A extends Reviewed>(review: ChangeReview<V, A>): Promise<ReviewOutcome> {
  const { publisher, renderer } = review;
  const failed = async (err: unknown): Promise<ReviewOutcome> => {
    const reason = describeFailure(err);
    await publisher.finish(renderer.couldNotAnalyse(reason));
    return { kind: "failed", reason };
  };
  let read: ReadChange;
  try {
    read = await readChange(review.reader);
  } catch (err) {
    return failed(err);
  }
  let judged: Judged<V, A>;
  if (!mayChangeCi(read.changedFiles, read.settings.settings)) {
    judged = { settings: read.settings, verdict: renderer.noCiChangeVerdict };
  } else {
    // A failure to open the verdict is thrown to the caller, as before any analysis.
    await publisher.start();
    try {
      judged = await judge(review, read);
    } catch (err) {
      return failed(err);
    }
  }
  const { analysis, settings, verdict } = judged;
  const publish = async <C>(writeComment: () => Promise<C>): Promise<C> => {
    if (publisher.verdictLinksToComment) {
      const comment = await writeComment();
      await publisher.finish(verdict);
      return comment;
    }
    await publisher.finish(verdict);
    return writeComment();
  };
  if (!analysis) {
    // An earlier push touched CI and got a comment: say it no longer applies. Never start one.
    const comment = await publish(async () =>
      review.policy === "never" ? ("absent" as const) : publisher.upsertComment(renderer.noCiChangeComment(), { create: false }),
    );
    return { kind: "no-ci-change", comment };
  }
  const comment = await publish(() => writeComment(review, settings, () => renderer.comment(analysis, settings)));
  await review.analysed?.(analysis, settings);
  return { kind: "analysed", conclusion: renderer.conclusion(verdict), comment };
}

interface Judged<V, A> {
  analysis?: A;
  settings: LoadedSettings;
  verdict: V;
}

/** What the cheap relevance check needs: no CI configuration is read for it. */
interface ReadChange {
  changedFiles: string[];
  revisions: { base: FileSource; head: FileSource };
  settings: LoadedSettings;
}

/** The changed files and the base's settings. Throws on API failures. */
async function readChange(reader: ChangeReader): Promise<ReadChange> {
  await reader.prepare?.();
  const changedFiles = await reader.listChangedFiles();
  const revisions = reader.revisions();
  const settings = await reader.settings(revisions.base);
  return { changedFiles, revisions, settings };
}

/** Analyse a change that may touch CI; no analysis when the engine finds it does not. Throws on API failures. */
async function judge<V, A extends Reviewed>(review: ChangeReview<V, A>, read: ReadChange): Promise<Judged<V, A>> {
  const { reader, renderer } = review;
  const { changedFiles, revisions, settings } = read;
  const branches = await reader.listBranchNames();
  // Settings problems ride on the analysis, so the report says them once, in its own section.
  const includeSource = reader.includes?.(settings.settings);
  const analysis = await review.analyze({
    ...revisions,
    ...reader.target(),
    ...(includeSource ? { includeSource } : {}),
    changedFiles,
    branches,
    settings: settings.settings,
    settingsDiagnostics: settings.diagnostics,
  });
  if (!analysis.ciRelevant) return { settings, verdict: renderer.noCiChangeVerdict };
  return { analysis, settings, verdict: renderer.verdict(analysis, settings) };
}

async function writeComment<V, A extends Reviewed>(
  review: ChangeReview<V, A>,
  settings: LoadedSettings,
  body: () => string,
): Promise<CommentOutcome | "skipped-draft" | "skipped"> {
  if (review.policy === "never") return "skipped";
  // A draft without `comment.on_drafts`: keep an existing comment current, start none.
  const create = review.policy === "force" || !review.draft || settings.settings.comment.onDrafts;
  const outcome = await review.publisher.upsertComment(body(), { create });
  return outcome === "absent" ? "skipped-draft" : outcome;
}

/** How a platform analyses a change: every CI dialect of the repository, or one analysis. */
export interface RepositoryAnalyzer {
  analyze(input: AnalyzeInput): Promise<Analysis>;
  /** Every CI dialect of the repository (analysis/analyze-repository.ts); without it, `analyze` alone. */
  analyzeRepository?(input: AnalyzeRepositoryInput): Promise<Analysis[]>;
}

/** The dialects a change touches; `ciRelevant` when it touches any. */
export interface RepositoryReview {
  ciRelevant: boolean;
  analyses: Analysis[];
}

/** Every dialect present, analysed (GitLab CI first), whichever platform asks. */
export function analyzeAll(deps: RepositoryAnalyzer, input: AnalyzeInput): Promise<Analysis[]> {
  return deps.analyzeRepository ? deps.analyzeRepository(input) : deps.analyze(input).then((a) => [a]);
}

/**
 * Every dialect present is analysed; the report shows those the change touches, so a change
 * that edits only a workflow is not answered with "no change" for `.gitlab-ci.yml` too.
 */
export async function analyzeForReview(deps: RepositoryAnalyzer, input: AnalyzeInput): Promise<RepositoryReview> {
  const analyses = (await analyzeAll(deps, input)).filter((a) => a.ciRelevant);
  return { ciRelevant: analyses.length > 0, analyses };
}

/**
 * Answer an explain command (`/ci-explain BRANCH…|job NAME|--var …`) with the text a reply
 * should carry: the analysis with the command's settings, or the reason it could not run.
 */
export async function answerChange(
  deps: RepositoryAnalyzer,
  reader: ChangeReader,
  settings: LoadedSettings,
  render: (analyses: readonly Analysis[], settings: LoadedSettings) => string,
): Promise<string> {
  try {
    await reader.prepare?.();
    const changedFiles = await reader.listChangedFiles();
    const branches = await reader.listBranchNames();
    // Every dialect: a repository with only GitHub Actions workflows is explained from its Actions run.
    const includeSource = reader.includes?.(settings.settings);
    const analyses = await analyzeAll(deps, {
      ...reader.revisions(),
      ...reader.target(),
      ...(includeSource ? { includeSource } : {}),
      changedFiles,
      branches,
      settings: settings.settings,
    });
    return render(analyses, settings);
  } catch (err) {
    return `ci-explain could not answer: ${describeFailure(err)}`;
  }
}
