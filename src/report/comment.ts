import type { Analysis } from "../analysis/model.js";
import { fitToBudget } from "./budget.js";
import { contextDetailBlocks, unchangedRedecidedBlocks, type ContextDetail } from "./context-details.js";
import { code, em, heading, list, paragraph, trusted, type Block, type Inline } from "./document.js";
import { isContextChanged, shortSha } from "./facts.js";
import { headline } from "./headline.js";
import { findingsBlocks, type FindingsDetail } from "./findings-section.js";
import { rankedFindings, type Finding } from "./findings.js";
import { legendBlocks } from "./legend.js";
import { location } from "./location.js";
import { commentMarkerText } from "./marker.js";
import { matrixBlocks, originBlocks, type MatrixDetail } from "./matrix.js";
import { includesReadBlocks } from "./includes-section.js";
import { notesBlocks } from "./notes-section.js";
import { COMMENT_BUDGET, type ReportOptions } from "./options.js";
import { renderMarkdown } from "./render-markdown.js";
import { settingsBlocks } from "./settings-section.js";
import { renderTerminal } from "./terminal.js";

/** How much of each section to show; the budget walks down `DETAIL_LADDER`. */
export interface CommentDetail {
  matrix: MatrixDetail;
  hazards: FindingsDetail;
  contexts: ContextDetail;
  /** Changed contexts given a `<details>` section. */
  maxContexts: number;
  /** Whether to add the folded legend (left out only when space is very short). */
  legend: boolean;
}

const ALL = Number.MAX_SAFE_INTEGER;

/**
 * From full detail down to counts only. Diagrams go first, then long job lists, then
 * whole detail sections, and only then matrix rows. The last step holds a bounded number
 * of names (each at most MAX_SPAN_CHARS), so it fits any budget above ~15,000 characters.
 */
export const DETAIL_LADDER: readonly CommentDetail[] = [
  { matrix: { changedRows: ALL, unchangedRows: ALL }, hazards: { items: 50, names: 10 }, contexts: { jobRows: 200, imageRows: 50, names: 10, diagrams: true }, maxContexts: ALL, legend: true },
  { matrix: { changedRows: ALL, unchangedRows: ALL }, hazards: { items: 50, names: 10 }, contexts: { jobRows: 200, imageRows: 50, names: 10, diagrams: false }, maxContexts: ALL, legend: true },
  { matrix: { changedRows: ALL, unchangedRows: ALL }, hazards: { items: 30, names: 8 }, contexts: { jobRows: 50, imageRows: 20, names: 6, diagrams: false }, maxContexts: ALL, legend: true },
  { matrix: { changedRows: ALL, unchangedRows: ALL }, hazards: { items: 20, names: 5 }, contexts: { jobRows: 15, imageRows: 10, names: 4, diagrams: false }, maxContexts: ALL, legend: true },
  { matrix: { changedRows: ALL, unchangedRows: 30 }, hazards: { items: 15, names: 3 }, contexts: { jobRows: 5, imageRows: 5, names: 3, diagrams: false }, maxContexts: 15, legend: true },
  { matrix: { changedRows: 50, unchangedRows: 10 }, hazards: { items: 10, names: 3 }, contexts: { jobRows: 3, imageRows: 3, names: 2, diagrams: false }, maxContexts: 5, legend: true },
  { matrix: { changedRows: 25, unchangedRows: 0 }, hazards: { items: 5, names: 2 }, contexts: { jobRows: 0, imageRows: 0, names: 0, diagrams: false }, maxContexts: 0, legend: false },
  { matrix: { changedRows: 0, unchangedRows: 0 }, hazards: { items: 0, names: 0 }, contexts: { jobRows: 0, imageRows: 0, names: 0, diagrams: false }, maxContexts: 0, legend: false },
];

/** Load errors of the head configuration, each with file:line (at most `max`). */
export function configErrorBlocks(analysis: Analysis, options: ReportOptions, max: number): Block[] {
  const errors = analysis.head.diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) return [];
  const items = errors.slice(0, max).map((d): Inline => [...(d.pos ? [location(d.pos, options), trusted(": ")] : []), d.message, trusted(" "), code(d.code)]);
  const blocks: Block[] = [heading(3, trusted("Configuration errors")), list(items)];
  if (errors.length > items.length) blocks.push(paragraph(trusted(`and ${errors.length - items.length} more`)));
  return blocks;
}

/** The last lines: which revisions were analysed, how to ask for more, and the marker. */
export function footerBlocks(analysis: Analysis, options: ReportOptions): Block[] {
  const base = shortSha(analysis.base.sha) ?? analysis.base.label;
  const head = shortSha(analysis.head.sha) ?? analysis.head.label;
  return [
    { kind: "rule" },
    paragraph(
      em(trusted("Analysed base "), code(base), trusted(" → head "), code(head), trusted(". Ask for more with a comment:")),
      trusted(" "),
      code("/ci-explain <branch>"),
      trusted(" · "),
      code("/ci-explain job <name>"),
      trusted(" · "),
      code("/ci-explain <branch> --var NAME=value"),
    ),
    { kind: "hidden", text: commentMarkerText(options.markerKey) },
  ];
}

/**
 * The comment without its footer (a combined report puts one footer under several dialects):
 * the answer in two lines; what the change introduces or fixes, then what was there before; what
 * was assumed; the branch contexts and what changes in each; how to read it.
 */
export function bodyBlocks(analysis: Analysis, options: ReportOptions, detail: CommentDetail, findings: readonly Finding[] = rankedFindings(analysis, options)): Block[] {
  const blocks: Block[] = [paragraph(...headline(analysis, options, findings))];
  if (!analysis.ciRelevant) {
    blocks.push(paragraph(trusted("No CI file, container recipe or ci-explain setting differs from the base any more, so the earlier report no longer applies.")));
    // A configuration that does not load is said even so: the change did not break it, but it is broken.
    blocks.push(...configErrorBlocks(analysis, options, Math.max(3, detail.hazards.items)));
    return blocks;
  }
  blocks.push(...configErrorBlocks(analysis, options, Math.max(3, detail.hazards.items)));
  blocks.push(...findingsBlocks(analysis, options, detail.hazards, findings));
  blocks.push(...notesBlocks(analysis, Math.max(3, detail.hazards.items)));
  blocks.push(...includesReadBlocks(analysis, Math.max(3, detail.hazards.items)));
  blocks.push(heading(3, trusted(analysis.contexts.some(isContextChanged) ? "What changes, per branch context" : "Branch contexts")));
  blocks.push(...matrixBlocks(analysis, options, detail.matrix));
  blocks.push(...contextDetailBlocks(analysis, options, detail.contexts, detail.maxContexts));
  blocks.push(...unchangedRedecidedBlocks(analysis, options, detail.contexts));
  blocks.push(...originBlocks(analysis, options, Math.min(ALL, detail.matrix.changedRows + detail.matrix.unchangedRows)));
  if (detail.legend) blocks.push(...legendBlocks(analysis));
  return blocks;
}

/** Blocks of the comment at one detail level (the terminal renderer reuses them). */
export function commentBlocks(analysis: Analysis, options: ReportOptions, detail: CommentDetail = DETAIL_LADDER[0], findings?: readonly Finding[]): Block[] {
  return [...bodyBlocks(analysis, options, detail, findings), ...settingsBlocks([analysis], options), ...footerBlocks(analysis, options)];
}

/**
 * The sticky MR/PR comment as markdown: the answer first, within the size budget for any
 * input (60,000 characters unless `options.maxChars` says otherwise).
 */
export function renderComment(analysis: Analysis, options: ReportOptions): string {
  const max = options.maxChars ?? COMMENT_BUDGET;
  // Ranked once: every detail level says the same findings.
  const findings = rankedFindings(analysis, options);
  return fitToBudget(
    DETAIL_LADDER.map((detail) => () => renderMarkdown(commentBlocks(analysis, options, detail, findings))),
    max,
  ).text;
}

/** The same report as terminal text, in full detail (for the CLI and the demo). */
export function renderCommentText(analysis: Analysis, options: ReportOptions): string {
  return `${renderTerminal(commentBlocks(analysis, { ...options, fileUrl: undefined }))}\n`;
}
