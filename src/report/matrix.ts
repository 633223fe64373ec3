import type { AnalysedPipeline, Analysis, ContextAnalysis, ImageChange } from "../analysis/model.js";
import { code, lineBreak, paragraph, strong, table, trusted, type Block, type Inline } from "./document.js";
import { contextDisplayName } from "./context-name.js";
import { changedImages, hazardsIn, isContextChanged, jobCounts } from "./facts.js";
import type { ReportOptions } from "./options.js";
import { describeOrigin, hasUnknownPart, nameList, plural, SEVERITY_ICON } from "./wording.js";

/** How many rows the matrix may list; the rest are counted below it. */
export interface MatrixDetail {
  changedRows: number;
  unchangedRows: number;
}

const NOT_CREATED_WORDS: Record<NonNullable<AnalysedPipeline["notCreated"]>["reason"], string> = {
  "config-error": "config error",
  "workflow-no-match": "no workflow rule matches",
  "workflow-never": "workflow says never",
  "no-jobs": "no jobs",
  "only-pre-post": "only .pre/.post jobs",
  "needs-error": "needs error",
};

/** `created`, `none (no jobs)`, or with `uncertain: ` in front when unknown inputs may decide otherwise. */
function pipelineState(p: AnalysedPipeline): string {
  const state = p.created ? "created" : `none (${p.notCreated ? NOT_CREATED_WORDS[p.notCreated.reason] : "not created"})`;
  return p.creation === "uncertain" ? `uncertain: ${state}` : state;
}

function pipelineCell(ctx: ContextAnalysis): Inline {
  const before = pipelineState(ctx.before);
  const after = pipelineState(ctx.after);
  return before === after ? [trusted(after)] : [trusted(`${before} → `), strong(trusted(after))];
}

function jobsCell(ctx: ContextAnalysis): Inline {
  const c = jobCounts(ctx);
  if (c.added + c.removed + c.changed === 0) return [trusted(String(c.after))];
  const parts = [c.added && `+${c.added}`, c.removed && `−${c.removed}`, c.changed && `~${c.changed}`].filter(Boolean);
  return [trusted(`${c.before} → `), strong(trusted(String(c.after))), trusted(` (${parts.join(" ")})`)];
}

/** The last path segment names an image well enough in a table cell; details show all. */
export function shortImageName(repository: string): string {
  return repository.split("/").pop() ?? repository;
}

/** `latest`, `latest, v1`, or "not pushed"; unknown parts stay visible and are flagged. */
export function tagsText(tags: string[]): Inline {
  if (tags.length === 0) return [trusted("not pushed")];
  const spans: Inline = [code(tags.join(", "))];
  if (tags.some(hasUnknownPart)) spans.push(trusted(" (unknown)"));
  return spans;
}

const MAX_IMAGE_GROUPS = 3;

/** Images grouped by their tag change, since a retag usually moves many images at once. */
export function groupByTagChange(images: ImageChange[]): ImageChange[][] {
  const groups = new Map<string, ImageChange[]>();
  for (const image of images) {
    const key = JSON.stringify([image.tagsBefore, image.tagsAfter]);
    const group = groups.get(key);
    if (group) group.push(image);
    else groups.set(key, [image]);
  }
  return [...groups.values()];
}

function imagesCell(ctx: ContextAnalysis): Inline {
  const changed = changedImages(ctx);
  if (changed.length === 0) return [trusted(ctx.images.length ? "unchanged" : "—")];
  const groups = groupByTagChange(changed);
  const cell: Inline = [];
  groups.slice(0, MAX_IMAGE_GROUPS).forEach((group, i) => {
    if (i > 0) cell.push(lineBreak);
    const subject: Inline = group.length === 1 ? [code(shortImageName(group[0].repository))] : [trusted(plural(group.length, "image"))];
    cell.push(...subject, trusted(": "), ...tagsText(group[0].tagsBefore), trusted(" → "), ...tagsText(group[0].tagsAfter));
  });
  const rest = groups.slice(MAX_IMAGE_GROUPS).reduce((n, g) => n + g.length, 0);
  if (rest > 0) cell.push(lineBreak, trusted(`and ${plural(rest, "more image")}`));
  return cell;
}

function hazardsCell(analysis: Analysis, ctx: ContextAnalysis): Inline {
  const hazards = hazardsIn(analysis, ctx.context.name);
  const parts: string[] = [];
  for (const severity of ["error", "warning", "notice"] as const) {
    const n = hazards.filter((h) => h.severity === severity && h.status === "introduced").length;
    // Named by severity (`ℹ️ 1 new notice`), as the first line counts notices apart from hazards.
    if (n) parts.push(`${SEVERITY_ICON[severity]} ${plural(n, `new ${severity}`)}`);
  }
  const known = hazards.filter((h) => h.status === "unchanged").length;
  if (known) parts.push(`${known} known`);
  const fixed = hazards.filter((h) => h.status === "fixed").length;
  if (fixed) parts.push(`✅ ${fixed} fixed`);
  return [trusted(parts.length ? parts.join(" · ") : "—")];
}

export function matrixRow(analysis: Analysis, ctx: ContextAnalysis, options: ReportOptions): Inline[] {
  const shown = contextDisplayName(ctx.context, options.platform);
  const name: Inline = isContextChanged(ctx) ? [strong(shown)] : [shown];
  return [name, describeOrigin(ctx.context.origin, options), pipelineCell(ctx), jobsCell(ctx), imagesCell(ctx), hazardsCell(analysis, ctx)];
}

const HEADER: Inline[] = ["branch context", "chosen because", "pipeline", "jobs", "image pushes", "hazards"].map((h) => [trusted(h)]);

/**
 * One row per branch context. Changed rows come first in priority when rows must be
 * dropped; dropped rows are counted (and, for unchanged ones, named) under the table.
 */
export function matrixBlocks(analysis: Analysis, options: ReportOptions, detail: MatrixDetail): Block[] {
  let changedLeft = detail.changedRows;
  let unchangedLeft = detail.unchangedRows;
  const rows: Inline[][] = [];
  const droppedChanged: string[] = [];
  const droppedUnchanged: string[] = [];
  for (const ctx of analysis.contexts) {
    const changed = isContextChanged(ctx);
    if (changed ? changedLeft-- > 0 : unchangedLeft-- > 0) rows.push(matrixRow(analysis, ctx, options));
    else (changed ? droppedChanged : droppedUnchanged).push(contextDisplayName(ctx.context, options.platform));
  }
  const blocks: Block[] = [];
  if (rows.length) blocks.push(table(HEADER, rows));
  // Dropped rows are still named (up to ten), so nobody has to guess which contexts they were.
  const notes: Inline = [];
  const mention = (names: string[], what: string) => {
    if (names.length === 0) return;
    if (notes.length) notes.push(trusted("; "));
    notes.push(trusted(`${rows.length ? "and " : ""}${plural(names.length, rows.length ? `more ${what}` : what)}: `), ...nameList(names, 10, "context"));
  };
  mention(droppedChanged, "changed context");
  mention(droppedUnchanged, "unchanged context");
  if (notes.length) blocks.push(paragraph(...notes));
  return blocks;
}
