import type { Analysis } from "../analysis/model.js";
import { checkAnnotations, selectAnnotations, type AnnotationSelection, type CheckAnnotation } from "./annotations.js";
import { fitToBudget } from "./budget.js";
import { CHECK_NAME, renderCheck, CHECK_TITLE_LIMIT, type CheckOutput } from "./check.js";
import { bodyBlocks, DETAIL_LADDER, footerBlocks, renderComment, renderCommentText, type CommentDetail } from "./comment.js";
import { heading, lineBreak, paragraph, strong, trusted, type Block, type Inline } from "./document.js";
import { rankedFindings, type Finding } from "./findings.js";
import { hazardCounts, hazardMovement, headConfigError, isContextChanged } from "./facts.js";
import { clipPhrases } from "./markdown-escape.js";
import { CHECK_OUTPUT_LIMIT, COMMENT_BUDGET, type ReportOptions } from "./options.js";
import { renderMarkdown } from "./render-markdown.js";
import { settingsBlocks } from "./settings-section.js";
import { renderTerminal } from "./terminal.js";
import { plural } from "./wording.js";

/**
 * One report for a repository with several CI dialects (`.gitlab-ci.yml` and GitHub Actions
 * workflows): one overall first line, then a section per dialect with its own first line,
 * matrix and hazards, one footer. One analysis renders exactly as `renderComment` does.
 */

export const DIALECT_NAME: Record<Analysis["dialect"], string> = { "gitlab-ci": "GitLab CI", "github-actions": "GitHub Actions" };

const CONCLUSION_ORDER: Record<Analysis["verdict"]["conclusion"], number> = { failure: 0, neutral: 1, success: 2 };

/** The worst conclusion of all dialects: one failing dialect fails the check. */
export function worstConclusion(analyses: readonly Analysis[]): Analysis["verdict"]["conclusion"] {
  return analyses.map((a) => a.verdict.conclusion).sort((x, y) => CONCLUSION_ORDER[x] - CONCLUSION_ORDER[y])[0] ?? "success";
}

/** `GitLab CI: 2 of 5 branch contexts change · GitHub Actions: no change · 1 hazard introduced` */
function overallBody(analyses: readonly Analysis[]): string {
  const parts = analyses.map((a) => {
    const name = DIALECT_NAME[a.dialect];
    if (!a.ciRelevant) return `${name}: no longer changed`;
    if (headConfigError(a)) return `${name}: ⛔ does not load`;
    const changed = a.contexts.filter(isContextChanged).length;
    return changed === 0 ? `${name}: no change` : `${name}: changes ${changed} of ${plural(a.contexts.length, "branch context")}`;
  });
  const counts = hazardCounts(analyses.flatMap((a) => a.hazards));
  const hazards = hazardMovement(counts);
  return [...parts, ...(hazards.length ? [hazards.join(", ")] : [])].join(" · ");
}

/**
 * The first line names the most important finding of any dialect (or the scope when none has
 * one worth it); the second, what each dialect's CI does and the findings counted.
 */
export function combinedHeadline(analyses: readonly Analysis[], options: ReportOptions): Inline {
  const top = analyses
    .filter((a) => a.ciRelevant && !headConfigError(a))
    .flatMap((a) => rankedFindings(a, options).slice(0, 1))
    .filter((f) => f.severity !== "notice")
    .sort((x, y) => x.rank - y.rank)[0];
  const lead: Inline = top ? [trusted(`${top.icon} `), ...top.sentence] : [trusted(overallBody(analyses))];
  return [strong(trusted("ci-explain: "), ...lead), ...(top ? [lineBreak, trusted(overallBody(analyses))] : [])];
}

function sectionHeading(analysis: Analysis): Block {
  const files = analysis.head.ciFiles.length > 0 ? analysis.head.ciFiles : analysis.base.ciFiles;
  const where = analysis.dialect === "github-actions" ? ".github/workflows" : (files[0] ?? ".gitlab-ci.yml");
  return heading(2, trusted(`${DIALECT_NAME[analysis.dialect]} (${where})`));
}

function combinedBlocks(analyses: readonly Analysis[], options: ReportOptions, detail: CommentDetail, findings: ReadonlyArray<readonly Finding[]>): Block[] {
  return [
    paragraph(...combinedHeadline(analyses, options)),
    ...analyses.flatMap((a, i) => [sectionHeading(a), ...bodyBlocks(a, options, detail, findings[i])]),
    ...settingsBlocks(analyses, options),
    ...footerBlocks(analyses[0], options),
  ];
}

/** The sticky comment for every dialect of a repository, within the same size budget as one. */
export function renderCombinedComment(analyses: readonly Analysis[], options: ReportOptions): string {
  if (analyses.length === 1) return renderComment(analyses[0], options);
  const max = options.maxChars ?? COMMENT_BUDGET;
  const findings = analyses.map((a) => rankedFindings(a, options));
  return fitToBudget(
    DETAIL_LADDER.map((detail) => () => renderMarkdown(combinedBlocks(analyses, options, detail, findings))),
    max,
  ).text;
}

/** The same as terminal text, in full detail (the CLI). */
export function renderCombinedCommentText(analyses: readonly Analysis[], options: ReportOptions): string {
  if (analyses.length === 1) return renderCommentText(analyses[0], options);
  const plain = { ...options, fileUrl: undefined };
  return `${renderTerminal(combinedBlocks(analyses, plain, DETAIL_LADDER[0], analyses.map((a) => rankedFindings(a, plain))))}\n`;
}

/**
 * One check for every dialect: the worst conclusion, the overall first line as title, and
 * each dialect's summary and details under its heading, sharing the output limit.
 */
export function renderCombinedCheck(analyses: readonly Analysis[], options: ReportOptions): CheckOutput {
  if (analyses.length === 1) return renderCheck(analyses[0], options);
  const headings = analyses.map((a) => renderMarkdown([sectionHeading(a)]));
  const overall = renderMarkdown([paragraph(...combinedHeadline(analyses, options))]);
  // Each dialect gets an equal share of the limit, less the headings and separators around it.
  const share = Math.floor((CHECK_OUTPUT_LIMIT - overall.length - headings.join("").length) / analyses.length) - 10;
  // The settings section is said once, after every dialect, not once per dialect.
  const settings = renderMarkdown(settingsBlocks(analyses, options));
  // The check's 50 annotations go to the most severe places of any dialect; each section counts its unmarked ones.
  const selections = shareAnnotations(analyses.map((a) => checkAnnotations(a, options.platform)));
  const checks = analyses.map((a, i) => renderCheck({ ...a, settingsDiagnostics: undefined }, options, share - settings.length, selections[i]));
  const join = (part: (c: CheckOutput) => string, lead: string[], tail: string[] = []) =>
    [...lead, ...checks.flatMap((c, i) => [headings[i], part(c)]), ...tail].join("\n\n");
  return {
    name: CHECK_NAME,
    conclusion: worstConclusion(analyses),
    title: clipPhrases(overallBody(analyses), CHECK_TITLE_LIMIT),
    summary: join((c) => c.summary, [overall], settings ? [settings] : []),
    text: join((c) => c.text, []),
    annotations: checks.flatMap((c) => c.annotations),
  };
}

/** One check's annotations across dialects: the most severe overall, and per dialect what it shows and leaves out. */
function shareAnnotations(perDialect: readonly CheckAnnotation[][]): AnnotationSelection[] {
  const chosen = new Set(selectAnnotations(perDialect.flat()).shown);
  return perDialect.map((own) => {
    const omitted: AnnotationSelection["omitted"] = { failure: 0, warning: 0, notice: 0 };
    for (const a of own) if (!chosen.has(a)) omitted[a.annotation_level]++;
    return { shown: own.filter((a) => chosen.has(a)), omitted };
  });
}
