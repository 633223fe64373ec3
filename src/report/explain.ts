import type { JobChange, JobField } from "../analysis/model.js";
import { refusedReference } from "../containers/image-ref.js";
import type { ImageBuild } from "../containers/model.js";
import type { Decision, ExcludedJob, Pipeline, PipelineJob, ResolvedText, ResolvedVar, RuleTrace } from "../gitlab-ci/pipeline.js";
import { fitToBudget } from "./budget.js";
import { changePipelineDisplayName } from "./context-name.js";
import { describeDecision, ruleLabel } from "./decision.js";
import { code, details, em, heading, lineBreak, list, paragraph, strong, table, trusted, type Block, type Inline } from "./document.js";
import { location } from "./location.js";
import { REPLY_MARKER_TEXT } from "./marker.js";
import { COMMENT_BUDGET, type ReportOptions } from "./options.js";
import { renderMarkdown } from "./render-markdown.js";
import { renderTerminal } from "./terminal.js";
import { describeResolved, mostCommonDirectory, nameList, plural } from "./wording.js";
import { describeAllowFailure } from "../gitlab-ci/allow-failure.js";
import { describeUnknownInput } from "../gitlab-ci/unknown-input.js";

/**
 * Explain mode: one pipeline (one branch context, one side) in full — every job and the
 * rules that decided it, the values they read, and where each value came from. Rendered
 * as markdown for `/ci-explain <branch>` replies and as terminal text for the CLI
 * (`simulate --format text`, `analyze --explain BRANCH`); both come from the same blocks.
 */

/** A simulated pipeline; analysed jobs also carry the images their scripts build. */
export type ExplainablePipeline = Omit<Pipeline, "jobs"> & { jobs: Array<PipelineJob & { builds?: ImageBuild[] }> };

export interface ExplainRequest {
  pipeline: ExplainablePipeline;
  /** How the context is called in the report (`staging-8.0`, `fork push`). */
  contextName: string;
  /** Explain only this job (also when it is excluded). */
  job?: string;
  /**
   * The context's comparison of base and head (`ContextAnalysis.changes`), to say above the
   * one asked job what the change does to it. Absent where there is no change (`simulate`).
   */
  changes?: readonly JobChange[];
  /** The context's jobs that run as before but are decided by another rule (`ContextAnalysis.redecided`). */
  redecided?: readonly JobChange[];
  /**
   * The section's heading: "ci-explain: <context>" by default; the context name alone, or none
   * when the surrounding reply's own heading already names the context.
   */
  heading?: "context" | "none";
}

type ExplainOptions = Pick<ReportOptions, "fileUrl" | "platform">;
type Job = ExplainablePipeline["jobs"][number];

/** How much to show per job; the markdown budget walks down the levels. */
export interface ExplainDetail {
  /** Full per-job sections (trace, variables, image) for every job. */
  perJob: boolean;
  /** Decision groups with their rule traces. */
  traces: number;
  /** Rows in the jobs and excluded tables. */
  rows: number;
  names: number;
  /** Rows of one rule trace and of one variables table; configuration errors listed. */
  traceRows: number;
  varRows: number;
  errors: number;
}

const ORIGIN_WORDS: Record<ResolvedVar["origin"], string> = {
  predefined: "predefined",
  "top-level": "top-level variables",
  "workflow-rule": "workflow:rules:variables",
  job: "job variables",
  matrix: "parallel:matrix",
  rule: "rules:variables",
  context: "project or pipeline variable",
};

/** Where a variable's value came from: "rules:variables at base.yml:79", "predefined". */
export function describeVarOrigin(v: ResolvedVar, options: ExplainOptions): Inline {
  return v.pos ? [trusted(`${ORIGIN_WORDS[v.origin]} at `), location(v.pos, options)] : [trusted(ORIGIN_WORDS[v.origin])];
}

/** Variable names an expression or image reference reads (`$X`, `${X}`). */
export function referencedVariables(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g), (m) => m[1]))];
}

const TRUTH_WORDS = { true: "✔ true", false: "✘ false", unknown: "? unknown" } as const;

/**
 * The rules in order, one list item each: result, which rule and where, its `if:` as code, then
 * the values it read. A list wraps in any column; a table of conditions did not. At most `rows`,
 * the rest counted.
 */
function traceList(trace: RuleTrace[], options: ExplainOptions, rows: number): Block[] {
  const shown = list(
    trace.slice(0, rows).map((t): Inline => [
      trusted(`${TRUTH_WORDS[String(t.result) as keyof typeof TRUTH_WORDS]} · ${ruleLabel(t.index)} at `),
      location(t.pos, options),
      lineBreak,
      ...(t.if !== undefined ? [code(`if: ${t.if}`)] : [em(trusted("(no if: always matches)"))]),
      ...(Object.keys(t.reads).length ? [lineBreak, trusted("read: "), ...readsInline(t.reads)] : []),
      ...(t.note ? [lineBreak, em(t.note)] : []),
    ]),
  );
  return [shown, ...moreRows(trace.length - rows, "more rule")];
}

/** "and 12 more rules": what a bounded list leaves out, counted. */
function moreRows(count: number, what: string): Block[] {
  return count > 0 ? [paragraph(trusted(`and ${plural(count, what)}`))] : [];
}

function readsInline(reads: Record<string, string | null>): Inline {
  const out: Inline = [];
  Object.entries(reads).forEach(([name, value], i) => {
    if (i) out.push(trusted(", "));
    out.push(code(`$${name}`), trusted(" = "), ...(value === null ? [em(trusted("not defined"))] : [code(JSON.stringify(value))]));
  });
  return out;
}

/** One variable a line: `$NAME` = value — where the value came from; at most `rows`, the rest counted. */
function variableList(names: string[], job: Job | undefined, pipeline: ExplainablePipeline, options: ExplainOptions, rows: number): Block[] {
  const shown = list(
    names.slice(0, rows).map((name): Inline => {
      const v = job?.variables[name] ?? pipeline.variables[name];
      if (!v) return [code(`$${name}`), trusted(" "), em(trusted("not defined"))];
      return [code(`$${name}`), trusted(" = "), ...describeResolved(v.value), trusted(" — "), ...describeVarOrigin(v, options)];
    }),
  );
  return [shown, ...moreRows(names.length - rows, "more variable")];
}

/** `when` and where it was decided: the matching rule's `when:`, else the job's own (default on_success). */
function whenSource(decision: Decision, options: ExplainOptions): Inline {
  if (decision.rule?.when) return [trusted("from "), trusted(ruleLabel(decision.rule.index)), trusted(" at "), location(decision.rule.pos, options)];
  return [trusted("the job's own "), code("when"), trusted(" (default on_success)")];
}

function jobSection(job: Job, pipeline: ExplainablePipeline, options: ExplainOptions, allVariables: boolean, detail: ExplainDetail): Block[] {
  const blocks: Block[] = [heading(4, code(job.name), trusted(" — defined at "), location(job.source, options))];
  const facts: Inline[] = [
    [trusted("stage: "), code(job.stage)],
    [trusted("when: "), code(job.when), trusted(" — "), ...whenSource(job.decidedBy, options)],
    [trusted("allow_failure: "), code(describeAllowFailure(job))],
    [trusted("decided by: "), ...describeDecision(job.decidedBy, options)],
  ];
  if (job.certainty === "uncertain") {
    const inputs = job.unknownInputs?.length ? ` — depends on ${job.unknownInputs.map(describeUnknownInput).join(", ")}` : "";
    facts.push([trusted(`⚠️ uncertain: ${job.presence === "uncertain" ? "the job may not be in the pipeline" : "the job may run differently"}${inputs}`)]);
  }
  if (job.image) facts.push([trusted("image: "), ...describeResolved(job.image.ref), trusted(" — written "), code(job.image.raw), trusted(" at "), location(job.image.pos, options)]);
  for (const b of job.builds ?? []) {
    const refused = refusedReference(b.image);
    facts.push([
      trusted(b.push ? "pushes: " : "builds: "),
      ...describeResolved(b.image),
      ...(b.dockerfile ? [trusted(" from "), ...describeResolved(b.dockerfile)] : []),
      trusted(" at "),
      location(b.pos, options),
      ...(refused ? [trusted(" — ⛔ Docker refuses this reference ("), refused, trusted(`): the ${b.push ? "push" : "build"} fails`)] : []),
    ]);
  }
  blocks.push(list(facts));
  if (job.decidedBy.trace.length) blocks.push(paragraph(strong(trusted("Rules, in order:"))), ...traceList(job.decidedBy.trace, options, detail.traceRows));
  const read = variablesRead(job);
  const names = allVariables
    ? Object.keys(job.variables).filter((n) => job.variables[n].origin !== "predefined" || read.has(n))
    : [...read];
  if (names.length) blocks.push(paragraph(strong(trusted("Variables:"))), ...variableList(names.sort(), job, pipeline, options, detail.varRows));
  return blocks;
}

/** The variables a job's rules and image read: the explanation shows them, predefined or not. */
export function variablesRead(job: Pick<Job, "decidedBy" | "image">): Set<string> {
  const read = new Set<string>();
  for (const t of job.decidedBy.trace) Object.keys(t.reads).forEach((n) => read.add(n));
  if (job.image) referencedVariables(job.image.raw).forEach((n) => read.add(n));
  return read;
}

function excludedItems(excluded: ExcludedJob[], options: ExplainOptions, rows: number): Inline[] {
  return excluded.slice(0, rows).map((e) => [
    code(e.name),
    trusted(" at "),
    location(e.source, options),
    trusted(": "),
    ...describeDecision(e.decidedBy, options),
    ...(e.presence === "uncertain" ? [trusted(" (may be in the pipeline)")] : []),
  ]);
}

/** Jobs with the same rule trace were decided the same way; show each trace once. */
function decisionGroups(jobs: Job[]): Array<{ decision: Decision; jobs: string[] }> {
  const groups = new Map<string, { decision: Decision; jobs: string[] }>();
  for (const job of jobs) {
    const key = JSON.stringify([job.decidedBy.kind, job.decidedBy.rule, job.decidedBy.trace, job.decidedBy.explanation]);
    const g = groups.get(key);
    if (g) g.jobs.push(job.name);
    else groups.set(key, { decision: job.decidedBy, jobs: [job.name] });
  }
  return [...groups.values()];
}

function pipelineBlocks(request: ExplainRequest, options: ExplainOptions, detail: ExplainDetail): Block[] {
  const { pipeline } = request;
  const ref = pipeline.context.ref;
  const refText = ref.kind === "mr" ? changePipelineDisplayName(pipeline.context, ref, options.platform) : `${ref.kind} ${ref.name}`;
  const title = request.heading === "none" ? [] : [heading(3, ...(request.heading === "context" ? [] : [trusted("ci-explain: ")]), code(request.contextName))];
  const blocks: Block[] = [
    ...title,
    paragraph(trusted(`${refText} · source `), code(pipeline.context.source), ...(pipeline.context.project.pathUnknown === undefined ? [trusted(" · project "), code(pipeline.context.project.path)] : [trusted(" · project path not known")])),
  ];
  const maybe: Inline = pipeline.creation === "uncertain" ? [trusted(` ⚠️ Uncertain: GitLab may ${pipeline.created ? "not create it" : "create one"}.`)] : [];
  if (!pipeline.created) {
    const why = pipeline.notCreated;
    blocks.push(paragraph(strong(trusted("No pipeline is created.")), ...(why ? [trusted(" "), why.message, ...(why.pos ? [trusted(" at "), location(why.pos, options)] : [])] : []), ...maybe));
  } else {
    blocks.push(paragraph(trusted(`A pipeline is created with ${plural(pipeline.jobs.length, "job")} in stages `), ...nameList(pipeline.stages, 50, "stage"), trusted("."), ...maybe));
  }
  if (pipeline.unknownInputs.length) blocks.push(paragraph(trusted("Unknown inputs: "), ...pipeline.unknownInputs.flatMap((u, i) => [...(i ? [trusted(" · ")] : []), describeUnknownInput(u)])));
  if (pipeline.assumedUnset.length) blocks.push(paragraph(trusted("Assumed unset (defined nowhere, as GitLab treats them): "), ...nameList(pipeline.assumedUnset, 20, "variable")));
  if (pipeline.workflow) {
    blocks.push(paragraph(trusted("workflow: "), ...describeDecision(pipeline.workflow, options)));
    if (pipeline.workflow.trace.length) blocks.push(...traceList(pipeline.workflow.trace, options, detail.traceRows));
  }
  const pipelineVars = Object.keys(pipeline.variables).filter((n) => pipeline.variables[n].origin !== "predefined").sort();
  if (pipelineVars.length) blocks.push(paragraph(strong(trusted("Pipeline variables:"))), ...variableList(pipelineVars, undefined, pipeline, options, detail.varRows));
  for (const e of pipeline.errors.slice(0, detail.errors)) blocks.push(paragraph(trusted("⛔ "), ...(e.pos ? [location(e.pos, options), trusted(": ")] : []), e.message));
  blocks.push(...moreRows(pipeline.errors.length - detail.errors, "more error"));
  return blocks;
}

const FIELD_WORDS: Record<JobField, string> = {
  when: "when",
  allowFailure: "allow_failure",
  stage: "stage",
  image: "image",
  needs: "needs",
  decidedBy: "decided by",
  builds: "builds and pushes",
  variables: "variables",
  presence: "in the pipeline",
};

/** A compared value as code; a multi-line value (one `NAME=value` a line) as one code span a line. */
function codeLines(value: string): Inline {
  return value.split("\n").flatMap((line, i) => [...(i > 0 ? [trusted(", ")] : []), code(line)]);
}

/** One "before → after" line per differing field; the deciding rule with its file:line on each side. */
function changedFieldItems(change: JobChange, options: ExplainOptions): Inline[] {
  return change.fields.map((f) => {
    const label = trusted(`${FIELD_WORDS[f.field]}: `);
    // The comparison leaves the rule's line out (a rule inserted above is no change); here the
    // reader asked about this job, so each side's rule is shown with its own file:line.
    if (f.field === "decidedBy" && change.before && change.after) {
      return [label, ...describeDecision(change.before.decidedBy, options, "base"), trusted(" → "), ...describeDecision(change.after.decidedBy, options)];
    }
    return [label, ...codeLines(f.before), trusted(" → "), ...codeLines(f.after)];
  });
}

/**
 * What the change does to the asked job in this context, from the analysis' own comparison
 * (not compared again here): the fields that differ, or that nothing does, or that the job
 * only runs on one side.
 */
function jobChangeBlocks(change: JobChange | undefined, known: boolean, options: ExplainOptions, redecided = false): Block[] {
  const lead = strong(trusted("This change (base → head):"));
  if (!change) return known ? [paragraph(lead, trusted(" unchanged by this change."))] : [];
  if (redecided) {
    const [rule] = changedFieldItems(change, options);
    return [paragraph(lead, trusted(" runs exactly as before; only the rule that decides it changed."), lineBreak, ...rule)];
  }
  if (change.kind === "added") return [paragraph(lead, trusted(" added by this change — the job is not in the base pipeline."))];
  if (change.kind === "removed") {
    const was = change.before ? [trusted(" In the base it ran, decided by "), ...describeDecision(change.before.decidedBy, options, "base"), trusted(".")] : [];
    return [paragraph(lead, trusted(" removed by this change — the job is not in the head pipeline."), ...was)];
  }
  // A line block, not a list: a list here would run into the job's facts list below it.
  return [paragraph(lead, ...changedFieldItems(change, options).flatMap((item) => [lineBreak, ...item]))];
}

function oneJobBlocks(request: ExplainRequest, options: ExplainOptions, detail: ExplainDetail): Block[] {
  const { pipeline } = request;
  const name = request.job ?? "";
  const asked = (j: { name: string; baseName?: string }) => j.name === name || j.baseName === name;
  const job = pipeline.jobs.find(asked);
  const excluded = pipeline.excluded.find((e) => e.name === name);
  const shown = job?.name ?? excluded?.name ?? name;
  const find = (changes: readonly JobChange[] | undefined) =>
    changes?.find((c) => c.job === shown) ?? changes?.find((c) => [c.before, c.after].some((j) => j !== undefined && asked(j)));
  const change = find(request.changes);
  const redecided = change ? undefined : find(request.redecided);
  const delta = request.changes ? jobChangeBlocks(change ?? redecided, job !== undefined || excluded !== undefined, options, redecided !== undefined) : [];
  // The change goes first in the job's section, right under its heading.
  const withDelta = (blocks: Block[]): Block[] => [blocks[0], ...delta, ...blocks.slice(1)];
  if (job) return withDelta(jobSection(job, pipeline, options, true, detail));
  if (excluded) {
    const blocks: Block[] = [
      heading(4, code(excluded.name), trusted(" — not in this pipeline")),
      paragraph(trusted("Defined at "), location(excluded.source, options), trusted("; "), ...describeDecision(excluded.decidedBy, options), ...(excluded.presence === "uncertain" ? [trusted(" (may be in the pipeline)")] : [])),
    ];
    if (excluded.decidedBy.trace.length) blocks.push(...traceList(excluded.decidedBy.trace, options, detail.traceRows));
    return withDelta(blocks);
  }
  return [...delta, paragraph(trusted("No job "), code(name), trusted(" is defined for this context. Jobs: "), ...nameList(pipeline.jobs.map((j) => j.name), 30, "job"))];
}

/** Pipelines with at most this many jobs get a full section per job in a branch's reply. */
const PER_JOB_SECTIONS = 10;

/** `alpine:latest` (pushed), `alpine:latest (built)`: what a job's script builds, named as in the table. */
function buildsOf(job: Job): ResolvedText[] {
  return (job.builds ?? []).map((b) => (b.push ? b.image : { ...b.image, text: `${b.image.text} (built, not pushed)` }));
}

/**
 * The jobs, a table per stage in four narrow columns: job, when (with allow_failure and
 * uncertainty), the image it runs in and the images it pushes. Image references are named by
 * what follows the directory they share, said once above the tables.
 */
function jobTables(jobs: Job[]): Block[] {
  if (jobs.length === 0) return [];
  const refs = jobs.flatMap((j) => [...(j.image ? [j.image.ref.text] : []), ...buildsOf(j).map((b) => b.text)]);
  const prefix = mostCommonDirectory(refs);
  const ref = (r: ResolvedText): Inline => [code(r.text.startsWith(prefix) ? r.text.slice(prefix.length) : r.text), ...(r.known ? [] : [trusted(" (unknown part)")])];
  const blocks: Block[] = [heading(4, trusted("Jobs"))];
  if (prefix) blocks.push(paragraph(trusted("Images in "), code(prefix), trusted(":")));
  const stages = [...new Set(jobs.map((j) => j.stage))];
  for (const stage of stages) {
    const inStage = jobs.filter((j) => j.stage === stage);
    blocks.push(paragraph(trusted("stage "), code(stage), trusted(` — ${plural(inStage.length, "job")}`)));
    blocks.push(
      table(
        ["job", "when", "image", "pushes"].map((h) => [trusted(h)]),
        inStage.map((j) => {
          const pushes = buildsOf(j);
          const failure = describeAllowFailure(j);
          return [
            [code(j.name)],
            [code(j.when), ...(failure !== "false" ? [trusted(failure === "true" ? ", may fail" : `, may fail with ${failure}`)] : []), ...(j.certainty === "uncertain" ? [trusted(" ⚠️ uncertain")] : [])],
            j.image ? ref(j.image.ref) : [trusted("—")],
            pushes.length ? pushes.flatMap((b, i) => [...(i ? [lineBreak] : []), ...ref(b)]) : [trusted("—")],
          ];
        }),
      ),
    );
  }
  return blocks;
}

function allJobsBlocks(request: ExplainRequest, options: ExplainOptions, detail: ExplainDetail): Block[] {
  const { pipeline } = request;
  const blocks: Block[] = [];
  blocks.push(...jobTables(pipeline.jobs.slice(0, detail.rows)));
  if (pipeline.jobs.length > detail.rows) blocks.push(paragraph(trusted(`and ${plural(pipeline.jobs.length - detail.rows, "more job")}`)));
  // Every job's own section only for a small pipeline: a hundred of them is no answer to read.
  const perJob = detail.perJob && pipeline.jobs.length <= PER_JOB_SECTIONS;
  // Too many jobs for a section each: the ways they were decided, as the next level shows them.
  const traces = detail.perJob && !perJob ? EXPLAIN_LADDER[1].traces : detail.traces;
  if (perJob) {
    for (const job of pipeline.jobs) blocks.push(...jobSection(job, pipeline, options, false, detail));
  } else if (traces > 0) {
    const groups = decisionGroups(pipeline.jobs);
    blocks.push(heading(4, trusted("How the jobs were decided")));
    // One line per way, its rules in order folded under it: the answer stays a page, not a wall.
    for (const g of groups.slice(0, traces)) {
      const summary: Inline = [...describeDecision(g.decision, options), trusted(` — ${plural(g.jobs.length, "job")}`)];
      const jobs = paragraph(trusted("Jobs: "), ...nameList(g.jobs, detail.names, "job"));
      blocks.push(details(summary, g.decision.trace.length ? [jobs, ...traceList(g.decision.trace, options, detail.traceRows)] : [jobs]));
    }
    if (groups.length > traces) blocks.push(paragraph(trusted(`and ${plural(groups.length - traces, "more way", "more ways")} jobs were decided`)));
  }
  if (pipeline.excluded.length) {
    const excluded = [list(excludedItems(pipeline.excluded, options, detail.rows))];
    if (pipeline.excluded.length > detail.rows) excluded.push(paragraph(trusted(`and ${plural(pipeline.excluded.length - detail.rows, "more excluded job")}`)));
    blocks.push(heading(4, trusted("Not in this pipeline")), details([trusted(`${plural(pipeline.excluded.length, "job")} defined but not run, and why`)], excluded));
  }
  if (!perJob) blocks.push(paragraph(em(trusted("Ask about one job for its variables and where each value came from: ")), code("/ci-explain job <name>")));
  return blocks;
}

/** From everything (the terminal, and markdown when it fits) down to bounded counts: every table's rows are capped at the last level. */
export const EXPLAIN_LADDER: readonly ExplainDetail[] = [
  { perJob: true, traces: 0, rows: Infinity, names: 50, traceRows: Infinity, varRows: Infinity, errors: Infinity },
  { perJob: false, traces: 50, rows: 1000, names: 30, traceRows: 100, varRows: 200, errors: 50 },
  { perJob: false, traces: 20, rows: 300, names: 10, traceRows: 40, varRows: 60, errors: 20 },
  { perJob: false, traces: 5, rows: 100, names: 5, traceRows: 15, varRows: 20, errors: 10 },
  { perJob: false, traces: 0, rows: 30, names: 3, traceRows: 5, varRows: 8, errors: 3 },
];

/** The explanation as blocks (the terminal gets everything; markdown walks the ladder). */
export function explainBlocks(request: ExplainRequest, options: ExplainOptions, detail: ExplainDetail = EXPLAIN_LADDER[0]): Block[] {
  return [...pipelineBlocks(request, options, detail), ...(request.job !== undefined ? oneJobBlocks(request, options, detail) : allJobsBlocks(request, options, detail))];
}

/** Markdown for one explanation, within `maxChars` (the comment budget), with the reply marker. */
export function renderExplainMarkdown(request: ExplainRequest, options: ExplainOptions & { maxChars?: number }): string {
  const marker: Block = { kind: "hidden", text: REPLY_MARKER_TEXT };
  return fitToBudget(
    EXPLAIN_LADDER.map((detail) => () => renderMarkdown([...explainBlocks(request, options, detail), marker])),
    options.maxChars ?? COMMENT_BUDGET,
  ).text;
}

/** Terminal text: everything, no size limit (for `simulate --format text` and `analyze --explain`). */
export function renderExplainText(request: ExplainRequest): string {
  return `${renderTerminal(explainBlocks(request, { platform: "gitlab" }))}\n`;
}
