import type { AnalysedPipeline, Analysis, ContextAnalysis, ImageChange } from "../analysis/model.js";
import { code, details, lineBreak, list, paragraph, strong, table, trusted, type Block, type Inline } from "./document.js";
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

/** `no pipeline (workflow says never)`, `pipeline uncertain`; undefined for a pipeline surely created. */
function pipelineWords(p: AnalysedPipeline): string | undefined {
  // Whether GitLab creates it depends on an unknown input: said as such, never as "no pipeline".
  if (p.creation === "uncertain") return "pipeline uncertain";
  return p.created ? undefined : `no pipeline (${p.notCreated ? NOT_CREATED_WORDS[p.notCreated.reason] : "not created"})`;
}

/**
 * `120 jobs, 3 changed` · `118 → 120 jobs: 2 added, 3 changed` · `no pipeline → 12 jobs`:
 * how many jobs run, and what the change does to them, in words (no notation to learn).
 */
function jobsCell(ctx: ContextAnalysis): Inline {
  const c = jobCounts(ctx);
  const side = (p: AnalysedPipeline, n: number) => pipelineWords(p) ?? String(n);
  const before = side(ctx.before, c.before);
  const after = side(ctx.after, c.after);
  const parts = [c.added && `${c.added} added`, c.removed && `${c.removed} removed`, c.changed && `${c.changed} changed`].filter(Boolean);
  const unit = pipelineWords(ctx.after) === undefined ? (c.after === 1 ? " job" : " jobs") : "";
  if (before === after) return [trusted(`${after}${unit}${parts.length ? `, ${parts.join(", ")}` : ""}`)];
  return [trusted(`${before} → `), strong(trusted(after)), trusted(`${unit}${parts.length ? `: ${parts.join(", ")}` : ""}`)];
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

/** `⚠️ 1 new · ✅ 1 fixed · 1 already there`, or "—". */
function findingsCell(analysis: Analysis, ctx: ContextAnalysis): Inline {
  const hazards = hazardsIn(analysis, ctx.context.name);
  const parts: string[] = [];
  for (const severity of ["error", "warning", "notice"] as const) {
    const n = hazards.filter((h) => h.severity === severity && h.status === "introduced").length;
    if (n) parts.push(`${SEVERITY_ICON[severity]} ${n} new`);
  }
  const fixed = hazards.filter((h) => h.status === "fixed").length;
  if (fixed) parts.push(`✅ ${fixed} fixed`);
  const known = hazards.filter((h) => h.status === "unchanged").length;
  if (known) parts.push(`${known} already there`);
  return [trusted(parts.length ? parts.join(" · ") : "—")];
}

export function matrixRow(analysis: Analysis, ctx: ContextAnalysis, options: ReportOptions): Inline[] {
  return [[strong(contextDisplayName(ctx.context, options.platform))], jobsCell(ctx), imagesCell(ctx), findingsCell(analysis, ctx)];
}

/** Four narrow columns: how a context was chosen is said in its own folded list. */
const HEADER: Inline[] = ["branch context", "jobs", "image pushes", "findings"].map((h) => [trusted(h)]);

/** Why each context was analysed, folded: the table stays narrow, and the rule that named it is a click away. */
export function originBlocks(analysis: Analysis, options: ReportOptions, max: number): Block[] {
  if (analysis.contexts.length === 0 || max === 0) return [];
  const shown = analysis.contexts.slice(0, max);
  const items = shown.map((ctx): Inline => [code(contextDisplayName(ctx.context, options.platform)), trusted(" — "), ...describeOrigin(ctx.context.origin, options)]);
  const rest = analysis.contexts.length - shown.length;
  if (rest > 0) items.push([trusted(`and ${plural(rest, "more")}`)]);
  return [details([trusted(`Why these ${plural(analysis.contexts.length, "branch context")}`)], [list(items)])];
}

/**
 * One row per branch context the change changes, most important first when rows must be
 * dropped (dropped rows are counted and named under the table); the unchanged contexts are
 * named in one line below it, and why each context was chosen is folded after that.
 */
export function matrixBlocks(analysis: Analysis, options: ReportOptions, detail: MatrixDetail): Block[] {
  const changed = analysis.contexts.filter(isContextChanged);
  // An unchanged context whose pipeline may or may not be created says so: uncertain is never "none".
  const unchangedContexts = analysis.contexts.filter((c) => !isContextChanged(c));
  const unchanged = unchangedContexts.map((c) => contextDisplayName(c.context, options.platform));
  const uncertain = unchangedContexts.filter((c) => c.after.creation === "uncertain").map((c) => contextDisplayName(c.context, options.platform));
  const rows = changed.slice(0, detail.changedRows).map((ctx) => matrixRow(analysis, ctx, options));
  const blocks: Block[] = [];
  if (rows.length) blocks.push(table(HEADER, rows));
  const notes: Inline = [];
  const dropped = changed.slice(rows.length).map((c) => contextDisplayName(c.context, options.platform));
  if (dropped.length) notes.push(trusted(`${rows.length ? "and " : ""}${plural(dropped.length, rows.length ? "more changed context" : "changed context")}: `), ...nameList(dropped, 10, "context"));
  if (unchanged.length) {
    if (notes.length) notes.push(trusted(". "));
    const label = changed.length === 0 ? `No pipeline changes in any of the ${plural(unchanged.length, "branch context")}: ` : `Unchanged: `;
    notes.push(trusted(label), ...nameList(unchanged, Math.max(detail.unchangedRows, 3), "context"));
    if (uncertain.length) notes.push(trusted(" (pipeline uncertain on "), ...nameList(uncertain, Math.max(detail.unchangedRows, 3), "context"), trusted(")"));
  }
  if (notes.length) blocks.push(paragraph(...notes));
  return blocks;
}
