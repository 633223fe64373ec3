import type { Analysis, ContextAnalysis, JobChange } from "../analysis/model.js";
import type { ImageBuild } from "../containers/model.js";
import { splitImageRef } from "../analysis/image-ref.js";
import type { Decision, UnknownInput } from "../gitlab-ci/pipeline.js";
import { code, details, lineBreak, list, paragraph, strong, trusted, type Block, type Inline } from "./document.js";
import { containerDiagram, containerGraph, containerTable } from "./container-graph.js";
import { contextDisplayName } from "./context-name.js";
import { describeDecision, ruleLabel } from "./decision.js";
import { describeDecision as decisionText } from "../analysis/compare.js";
import { changedImages, isContextChanged, jobCounts } from "./facts.js";
import { location } from "./location.js";
import type { ReportOptions } from "./options.js";
import { hasUnknownPart, nameList, plural } from "./wording.js";
import { describeAllowFailure } from "../gitlab-ci/allow-failure.js";

export interface ContextDetail {
  /** Changed jobs listed per context; the rest are counted. */
  jobRows: number;
  /** Images listed per context in the container table. */
  imageRows: number;
  /** Names listed in one cell. */
  names: number;
  /** Whether to add the Mermaid diagram (dropped first when space is short). */
  diagrams: boolean;
}

const FIELD_WORDS: Record<JobChange["fields"][number]["field"], string> = {
  when: "when",
  allowFailure: "allow_failure",
  stage: "stage",
  image: "image",
  needs: "needs",
  decidedBy: "decided by",
  builds: "pushes",
  variables: "variables",
  presence: "in the pipeline",
};

/** What a job change shows in the before/after columns, one line per field. */
type FieldLine = { label: string; value: string };

const REF_FIELDS = new Set<string>(["image"]);

/**
 * Field lines of a change. With `byTag`, image references keep only their tag, so jobs
 * that move many different images from `latest` to `staging-8-0` read as one change.
 */
function fieldLines(change: JobChange, side: "before" | "after", byTag: boolean): FieldLine[] {
  const job = side === "before" ? change.before : change.after;
  const fields =
    change.kind === "changed"
      ? change.fields.filter((f) => f.field !== "decidedBy").map((f) => ({ field: f.field as string, value: f[side] }))
      : job
        ? [
            { field: "stage", value: job.stage },
            { field: "when", value: job.when },
            ...(job.allowFailure || job.allowFailureExitCodes ? [{ field: "allowFailure", value: describeAllowFailure(job) }] : []),
            ...(job.image ? [{ field: "image", value: job.image.ref.text }] : []),
          ]
        : [];
  return fields.flatMap(({ field, value }) => {
    if (field === "builds" && job) {
      // Said from the builds themselves, not parsed back out of the compared string
      // (`push reg/x:tag from ci/x.docker; …`). When only the recipe or the repository
      // changes, tags alone would read the same on both sides: then show whole references.
      const tagsOnly = byTag && fieldKey(buildLines(change.before?.builds ?? [], true)) !== fieldKey(buildLines(change.after?.builds ?? [], true));
      return buildLines(job.builds, tagsOnly);
    }
    const label = FIELD_WORDS[field as keyof typeof FIELD_WORDS] ?? field;
    // Changed variables come one `NAME=value` per line (compare.ts): one code span each.
    if (field === "variables") return value.split("\n").map((v, i) => ({ label: i === 0 ? label : "", value: v }));
    if (!byTag || !REF_FIELDS.has(field) || value === "" || value.startsWith("(")) return [{ label, value }];
    return [{ label: `${label} tag`, value: splitImageRef(value).tag }];
  });
}

/** What a job builds: pushed references, then those only built; tags only with `byTag`. */
function buildLines(builds: ImageBuild[], byTag: boolean): FieldLine[] {
  const shown = (b: ImageBuild) => (byTag ? splitImageRef(b.image.text).tag : `${b.image.text}${b.dockerfile ? ` from ${b.dockerfile.text}` : ""}`);
  const values = (push: boolean) => [...new Set(builds.filter((b) => b.push === push).map(shown))].sort().join(", ");
  const pushed = values(true);
  const built = values(false);
  const lines: FieldLine[] = [];
  if (pushed || !built) lines.push({ label: byTag ? "pushes tag" : "pushes", value: pushed });
  if (built) lines.push({ label: byTag ? "builds tag (no push)" : "builds (no push)", value: built });
  return lines;
}

const KIND_ORDER: Record<JobChange["kind"], number> = { removed: 0, added: 1, changed: 2 };

/** Jobs whose change reads the same (same fields, same deciding rules) share one row. */
interface ChangeGroup {
  kind: JobChange["kind"];
  changes: JobChange[];
  before?: Decision;
  after?: Decision;
  /** Where each side's deciding rule is written: jobs with a rule alike each have their own. */
  beforePlaces: Set<string>;
  afterPlaces: Set<string>;
  uncertain: boolean;
}

/**
 * A decision's identity for grouping: which rule (file, index, its `if:` and `when`), without
 * its line. A rule that only moved (a job inserted above it) decides the same way, as
 * compareJobs already says; the row shows the head side's line.
 */
function decisionKey(d: Decision | undefined): string {
  if (!d) return "gone";
  return d.rule ? `${d.kind}@${d.rule.pos.file}#${d.rule.index}:${decisionText(d)}` : `${d.kind}:${d.explanation ?? ""}:${d.trace.length}`;
}

const placeOf = (d: Decision | undefined) => (d?.rule ? `${d.rule.pos.file}:${d.rule.pos.line}` : "");

const fieldKey = (lines: FieldLine[]) => lines.map((l) => `${l.label}=${l.value}`).join("\u0001");

/** Grouping is the same at every detail level, and the budget renders several levels: compute once. */
const groupCache = new WeakMap<readonly JobChange[], ChangeGroup[]>();

/** `changes` of `ctx` (its changes, or the jobs only decided by another rule), grouped. */
function groupChanges(ctx: ContextAnalysis, changes: readonly JobChange[] = ctx.changes): ChangeGroup[] {
  const cached = groupCache.get(changes);
  if (cached) return cached;
  const excluded = new Map(ctx.after.excluded.map((e) => [e.name, e.decidedBy]));
  const sorted = [...changes].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const groups = new Map<string, ChangeGroup>();
  for (const change of sorted) {
    const before = change.before?.decidedBy;
    const after = change.kind === "removed" ? excluded.get(change.job) : change.after?.decidedBy;
    const uncertain = !!change.uncertain || change.after?.certainty === "uncertain";
    const key = [change.kind, fieldKey(fieldLines(change, "before", true)), fieldKey(fieldLines(change, "after", true)), decisionKey(before), decisionKey(after), uncertain].join("\u0000");
    const group = groups.get(key);
    if (group) {
      group.changes.push(change);
      group.beforePlaces.add(placeOf(before));
      group.afterPlaces.add(placeOf(after));
    } else groups.set(key, { kind: change.kind, changes: [change], before, after, beforePlaces: new Set([placeOf(before)]), afterPlaces: new Set([placeOf(after)]), uncertain });
  }
  const result = [...groups.values()];
  groupCache.set(changes, result);
  return result;
}

/** Why a change is uncertain: the job may not be there, or may run differently, and on what. */
function uncertainNote(change: JobChange): Inline {
  const job = change.after ?? change.before;
  const maybeThere = job?.presence === "uncertain" || (change.kind === "removed" && change.uncertain);
  // Otherwise only the pipeline's creation is uncertain: its inputs are named above the table.
  if (!maybeThere && change.uncertain) return [lineBreak, trusted("⚠️ uncertain: the pipeline itself may not be created")];
  const what = maybeThere ? (change.kind === "removed" ? "may still be in the pipeline" : "may not be in the pipeline") : "may run differently";
  const inputs = job?.unknownInputs ?? [];
  const on: Inline = inputs.length ? [trusted(" — depends on "), ...inputs.slice(0, 3).flatMap((u, i) => [...(i ? [trusted(", ")] : []), code(u.kind === "variable" ? `$${u.name}` : u.kind === "include" ? u.include : u.why)])] : [];
  return [lineBreak, trusted(`⚠️ uncertain: ${what}`), ...on];
}

/**
 * Why the group's jobs run as they do now: the deciding rule (with its `if:` on a line of its
 * own, so a long condition wraps in the column instead of widening it), and the base side's
 * rule when another one decided before.
 */
function whyLines(group: ChangeGroup, options: ReportOptions): Inline {
  const uncertain = group.uncertain ? uncertainNote(group.changes[0] as JobChange) : [];
  const after = group.after ? ruleLines(group.after, group.afterPlaces, options, "head") : [trusted("no longer defined")];
  const lead = trusted(group.kind === "removed" ? "now: " : "why: ");
  if (group.kind === "added" || !group.before) return [lead, ...after, ...uncertain];
  // The same rule, maybe moved: one line, the head side's.
  if (group.kind === "changed" && decisionKey(group.before) === decisionKey(group.after)) return [lead, ...after, ...uncertain];
  return [lead, ...after, lineBreak, trusted("before: "), ...ruleLines(group.before, group.beforePlaces, options, "base"), ...uncertain];
}

/**
 * Jobs that run exactly as before, decided by another rule: folded, a detail and not a change
 * (QEMU's fork rule that now reads `$QEMU_CI_UPSTREAM` instead of `"qemu-project"`).
 */
function redecidedBlock(ctx: ContextAnalysis, options: ReportOptions, detail: ContextDetail, named: boolean): Block | undefined {
  const changes = ctx.redecided ?? [];
  if (changes.length === 0 || detail.jobRows === 0) return undefined;
  const groups = groupChanges(ctx, changes).slice(0, detail.jobRows);
  const items = groups.map((g): Inline => {
    const jobs: Inline = g.changes.length > 1 ? [strong(trusted(plural(g.changes.length, "job"))), trusted(" ("), ...nameList(g.changes.map((c) => c.job), detail.names, "job"), trusted(")")] : [strong(code(g.changes[0].job))];
    return [...jobs, lineBreak, ...whyLines(g, options)];
  });
  const shown = groups.reduce((n, g) => n + g.changes.length, 0);
  if (changes.length > shown) items.push([trusted(`and ${plural(changes.length - shown, "more job")}`)]);
  const where = named ? ` on ${contextDisplayName(ctx.context, options.platform)}` : "";
  return details([trusted(`${plural(changes.length, "job")}${where} run as before, decided by another rule`)], [list(items)]);
}

/** Redecided jobs of the contexts that do not change (a changed context shows its own in its section). */
export function unchangedRedecidedBlocks(analysis: Analysis, options: ReportOptions, detail: ContextDetail): Block[] {
  return analysis.contexts.filter((c) => !isContextChanged(c)).flatMap((c) => redecidedBlock(c, options, detail, true) ?? []);
}

/** A deciding rule: where it is and its `when`, then its `if:` as code on the next line. */
function ruleLines(d: Decision, places: Set<string>, options: ReportOptions, side: "base" | "head"): Inline {
  const others = places.size - 1;
  const likewise = others > 0 ? [trusted(` (likewise at ${plural(others, "other line")})`)] : [];
  if (!d.rule || (d.kind !== "rules" && d.kind !== "workflow")) return [...describeDecision(d, options, side), ...likewise];
  const prefix = d.kind === "workflow" ? "workflow " : "";
  const head: Inline = [trusted(`${prefix}${ruleLabel(d.rule.index)} at `), location(d.rule.pos, options, side), ...(d.rule.when ? [trusted(" → "), code(`when: ${d.rule.when}`)] : []), ...likewise];
  return d.rule.if === undefined ? [...head, trusted(" (no if:)")] : [...head, lineBreak, code(`if: ${d.rule.if}`)];
}

/** What changed for a group of jobs, before → after, one field a line. */
function changeLines(group: ChangeGroup, byTag: boolean): Inline {
  const first = group.changes[0];
  if (group.kind === "added") return [trusted("added: "), ...fieldText(fieldLines(first, "after", byTag))];
  if (group.kind === "removed") return [trusted("removed (was: "), ...fieldText(fieldLines(first, "before", byTag)), trusted(")")];
  const before = fieldLines(first, "before", byTag);
  const after = fieldLines(first, "after", byTag);
  const out: Inline = [];
  after.forEach((a, i) => {
    const b = before[i];
    if (i) out.push(lineBreak);
    // A second changed variable continues the line above it: no label of its own.
    const label = a.label || b?.label;
    out.push(...(label ? [trusted(`${label}: `)] : []), ...valueSpans(b?.value ?? ""), trusted(" → "), ...valueSpans(a.value));
  });
  return out;
}

/** Field lines run together: `stage: build, when: manual`. */
function fieldText(lines: FieldLine[]): Inline {
  return lines.flatMap((l, i) => [...(i ? [trusted(", ")] : []), ...(l.label ? [trusted(`${l.label}: `)] : []), ...valueSpans(l.value)]);
}

function valueSpans(value: string): Inline {
  return [...(value === "" ? [trusted("—")] : [code(value)]), ...(hasUnknownPart(value) ? [trusted(" (unknown)")] : [])];
}

/**
 * One list item per group of jobs changed alike: which jobs (counted, a few named), what
 * changed, and why. A list, not a table: it wraps in any column.
 */
function groupItem(group: ChangeGroup, options: ReportOptions, names: number): Inline {
  const byTag = group.changes.length > 1;
  const jobs: Inline = byTag
    ? [strong(trusted(plural(group.changes.length, "job"))), trusted(" ("), ...nameList(group.changes.map((c) => c.job), names, "job"), trusted(")")]
    : [strong(code(group.changes[0].job))];
  return [...jobs, lineBreak, ...changeLines(group, byTag), lineBreak, ...whyLines(group, options)];
}

function pipelineBlocks(ctx: ContextAnalysis, options: ReportOptions): Block[] {
  const { before, after } = ctx;
  const blocks = uncertainBlocks(after, options);
  if (before.created === after.created && before.creation === after.creation) return blocks;
  const reason = (after.created ? before : after).notCreated;
  const text: Inline = [strong(trusted(creationChange(ctx)))];
  if (reason) {
    text.push(trusted(` ${after.created ? "Before" : "Now"}: `), reason.message);
    if (reason.pos) text.push(trusted(" at "), location(reason.pos, options, after.created ? "base" : "head"));
  }
  const workflow = after.workflow ?? before.workflow;
  if (workflow) text.push(lineBreak, trusted("Workflow: "), ...describeDecision(workflow, options, after.workflow ? "head" : "base"));
  return [paragraph(...text), ...blocks];
}

/** "Pipeline no longer created.", or "… may …" when unknown inputs decide either side. */
function creationChange(ctx: ContextAnalysis): string {
  const { before, after } = ctx;
  const maybe = before.creation === "uncertain" || after.creation === "uncertain";
  if (before.created === after.created) return after.creation === "uncertain" ? "Whether the pipeline is created now depends on values not known statically." : "The pipeline is now created for sure.";
  if (after.created) return maybe ? "Pipeline may now be created." : "Pipeline now created.";
  return maybe ? "Pipeline may no longer be created." : "Pipeline no longer created.";
}

/** Most unknown inputs named in one context's section. */
const MAX_UNKNOWNS = 5;

/** What the context's answers after the change depend on but cannot be known, named once. */
function uncertainBlocks(p: ContextAnalysis["after"], options: ReportOptions): Block[] {
  if (p.unknownInputs.length === 0) return [];
  const shown = p.unknownInputs.slice(0, MAX_UNKNOWNS);
  const spans: Inline = [trusted("⚠️ Some answers here are uncertain; they depend on ")];
  shown.forEach((u, i) => {
    if (i) spans.push(trusted(i === shown.length - 1 && p.unknownInputs.length <= MAX_UNKNOWNS ? " and " : ", "));
    spans.push(...unknownInputSpans(u, options));
  });
  if (p.unknownInputs.length > shown.length) spans.push(trusted(` and ${p.unknownInputs.length - shown.length} more`));
  spans.push(trusted("."));
  return [paragraph(...spans)];
}

function unknownInputSpans(u: UnknownInput, options: ReportOptions): Inline {
  switch (u.kind) {
    case "variable":
      return [code(`$${u.name}`), trusted(` (${u.why})`)];
    case "include":
      return [code(u.include), trusted(" (not read, at "), location(u.pos, options), trusted(")")];
    case "fact":
      return [u.why];
  }
}

function summaryLine(ctx: ContextAnalysis, options: ReportOptions): Inline {
  const c = jobCounts(ctx);
  const parts = [
    c.added && `${c.added} added`,
    c.removed && `${c.removed} removed`,
    c.changed && `${c.changed} changed`,
  ].filter(Boolean);
  const images = changedImages(ctx).length;
  const facts = [parts.length ? `jobs: ${parts.join(", ")}` : "", images ? plural(images, "image push", "image pushes") + " change" : ""].filter(Boolean);
  if (ctx.before.created !== ctx.after.created || ctx.before.creation !== ctx.after.creation) facts.unshift(creationChange(ctx).replace(/\.$/, "").toLowerCase());
  return [strong(contextDisplayName(ctx.context, options.platform)), trusted(` — ${facts.join(" · ")}`)];
}

/** What changed in this context and why: the inside of its `<details>` section. */
function contextContentBlocks(analysis: Analysis, ctx: ContextAnalysis, options: ReportOptions, detail: ContextDetail): Block[] {
  const blocks: Block[] = [...pipelineBlocks(ctx, options)];
  const groups = groupChanges(ctx);
  const shownGroups = groups.slice(0, detail.jobRows);
  if (shownGroups.length) blocks.push(list(shownGroups.map((g) => groupItem(g, options, detail.names))));
  const shownJobs = shownGroups.reduce((n, g) => n + g.changes.length, 0);
  const counts = jobCounts(ctx);
  const unchanged = Math.max(0, counts.after - counts.added - counts.changed);
  const left: string[] = [];
  if (ctx.changes.length > shownJobs) left.push(plural(ctx.changes.length - shownJobs, shownJobs ? "more changed job" : "changed job"));
  if (unchanged > 0) left.push(plural(unchanged, "unchanged job"));
  if (left.length) blocks.push(paragraph(trusted(`${shownJobs ? "and " : ""}${left.join(" and ")} not listed.`)));
  const redecided = redecidedBlock(ctx, options, detail, false);
  if (redecided) blocks.push(redecided);

  const graph = containerGraph(analysis, ctx);
  blocks.push(...containerTable(graph, detail.imageRows, detail.names));
  if (detail.diagrams) {
    const diagram = containerDiagram(graph);
    if (diagram) blocks.push(diagram);
  }
  return blocks;
}

/** One `<details>` section: what changed in this context and why. */
export function contextDetailBlock(analysis: Analysis, ctx: ContextAnalysis, options: ReportOptions, detail: ContextDetail): Block {
  return details(summaryLine(ctx, options), contextContentBlocks(analysis, ctx, options, detail));
}

/**
 * The sections of the given contexts. Contexts whose sections read exactly alike (the default
 * branch, its MR and a fork often change the same way) show the tables once; the others say
 * whose they match, keeping their own summary line.
 */
function dedupedDetailBlocks(analysis: Analysis, contexts: ContextAnalysis[], options: ReportOptions, detail: ContextDetail): Block[] {
  const firstWith = new Map<string, string>();
  return contexts.map((ctx) => {
    const content = contextContentBlocks(analysis, ctx, options, detail);
    const key = JSON.stringify(content);
    const same = firstWith.get(key);
    if (same === undefined) firstWith.set(key, contextDisplayName(ctx.context, options.platform));
    return details(summaryLine(ctx, options), same === undefined || content.length === 0 ? content : [paragraph(trusted("Same changes as "), code(same), trusted("."))]);
  });
}

/** The collapsible sections, one per changed context; `maxContexts` at most, the rest counted. */
export function contextDetailBlocks(analysis: Analysis, options: ReportOptions, detail: ContextDetail, maxContexts: number): Block[] {
  const changed = analysis.contexts.filter(isContextChanged);
  const blocks = dedupedDetailBlocks(analysis, changed.slice(0, maxContexts), options, detail);
  const rest = changed.length - blocks.length;
  if (rest > 0) {
    blocks.push(paragraph(trusted(`${blocks.length ? "and " : ""}${plural(rest, blocks.length ? "more changed context" : "changed context")} not detailed here: `), ...changed.slice(blocks.length, blocks.length + 10).flatMap((c, i) => [...(i ? [trusted(", ")] : []), code(contextDisplayName(c.context, options.platform))]), ...(rest > 10 ? [trusted(` and ${rest - 10} more`)] : [])));
  }
  return blocks;
}
