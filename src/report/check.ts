import type { Analysis } from "../analysis/model.js";
import { checkAnnotations, selectAnnotations, type AnnotationSelection, type CheckAnnotation } from "./annotations.js";
import { fitToBudget } from "./budget.js";
import { configErrorBlocks, DETAIL_LADDER } from "./comment.js";
import { contextDetailBlocks } from "./context-details.js";
import { paragraph, trusted, type Block } from "./document.js";
import { isContextChanged } from "./facts.js";
import { headline, headlineText } from "./headline.js";
import { findingsBlocks } from "./findings-section.js";
import { rankedFindings, type Finding } from "./findings.js";
import { clipPhrases } from "./markdown-escape.js";
import { matrixBlocks } from "./matrix.js";
import { CHECK_OUTPUT_LIMIT, type ReportOptions } from "./options.js";
import { renderMarkdown } from "./render-markdown.js";
import { settingsBlocks } from "./settings-section.js";
import { plural } from "./wording.js";

/** GitHub shows about this much of a check title before cutting it. */
export const CHECK_TITLE_LIMIT = 100;

export const CHECK_NAME = "ci-explain";

export interface CheckOutput {
  name: string;
  conclusion: Analysis["verdict"]["conclusion"];
  title: string;
  /** The answer and the branch matrix, with the hazards. */
  summary: string;
  /** The per-context details. */
  text: string;
  /** At most ANNOTATIONS_PER_CHECK, the most severe first: the check's one write carries them all. */
  annotations: CheckAnnotation[];
}

const LEVEL_WORD: Record<CheckAnnotation["annotation_level"], string> = { failure: "failure", warning: "warning", notice: "notice" };

/** How many places the annotations leave unmarked, said in the summary rather than dropped silently. */
export function unmarkedBlocks(selection: AnnotationSelection): Block[] {
  const levels = (["failure", "warning", "notice"] as const).filter((level) => selection.omitted[level] > 0);
  if (levels.length === 0) return [];
  const total = levels.reduce((sum, level) => sum + selection.omitted[level], 0);
  const counts = levels.map((level) => plural(selection.omitted[level], LEVEL_WORD[level])).join(", ");
  return [paragraph(trusted(`Annotations: the ${selection.shown.length} most severe are marked on their lines; ${total} more are not marked (${counts}).`))];
}

function summaryBlocks(analysis: Analysis, options: ReportOptions, level: number, findings: readonly Finding[], unmarked: Block[]): Block[] {
  const detail = DETAIL_LADDER[level];
  const blocks: Block[] = [paragraph(...headline(analysis, options, findings))];
  if (!analysis.ciRelevant) return blocks;
  return [
    ...blocks,
    ...configErrorBlocks(analysis, options, Math.max(3, detail.hazards.items)),
    ...findingsBlocks(analysis, options, detail.hazards, findings),
    ...matrixBlocks(analysis, options, detail.matrix),
    ...unmarked,
    ...settingsBlocks([analysis], options),
  ];
}

function textBlocks(analysis: Analysis, options: ReportOptions, level: number): Block[] {
  if (!analysis.ciRelevant || !analysis.contexts.some(isContextChanged)) return [paragraph(trusted("No branch context changes."))];
  const detail = DETAIL_LADDER[level];
  // Mermaid is left to the comment: check output is read on the Checks tab, where a table serves.
  return contextDetailBlocks(analysis, options, { ...detail.contexts, diagrams: false }, detail.maxContexts);
}

/**
 * The GitHub check run for an analysis. `limit` bounds summary and text each (smaller when
 * several dialects share one check); `annotations` is the selection this analysis gets
 * (by default its own most severe ANNOTATIONS_PER_CHECK), and the summary counts the rest.
 */
export function renderCheck(
  analysis: Analysis,
  options: ReportOptions,
  limit: number = CHECK_OUTPUT_LIMIT,
  annotations: AnnotationSelection = selectAnnotations(checkAnnotations(analysis, options.platform)),
): CheckOutput {
  const levels = DETAIL_LADDER.map((_, i) => i);
  const findings = rankedFindings(analysis, options);
  const unmarked = unmarkedBlocks(annotations);
  return {
    name: CHECK_NAME,
    conclusion: analysis.verdict.conclusion,
    title: clipPhrases(headlineText(analysis, options), CHECK_TITLE_LIMIT),
    summary: fitToBudget(levels.map((l) => () => renderMarkdown(summaryBlocks(analysis, options, l, findings, unmarked))), limit).text,
    text: fitToBudget(levels.map((l) => () => renderMarkdown(textBlocks(analysis, options, l))), limit).text,
    annotations: annotations.shown,
  };
}
