import type { AnalysedJob, AnalysedPipeline, BranchContext } from "../analysis/model.js";
import type { ImageBuild } from "../containers/model.js";
import { error, warning, type Diagnostic } from "../core/diagnostic.js";
import type { Located, Pos } from "../core/pos.js";
import type { ScriptLine } from "../gitlab-ci/model.js";
import type { Decision, ExcludedJob, ResolvedImage, ResolvedText, ResolvedVar, RuleTrace, Truth } from "../gitlab-ci/pipeline.js";
import { nodeToPlain, type YNode } from "../gitlab-ci/yaml/node.js";
import { evaluateExpressionText, type ExprScope } from "./expr/evaluate.js";
import { parseExpression, usesStatusFunction } from "./expr/parser.js";
import { scopeAt, type WorkflowKey } from "./expr/context-availability.js";
import { conditionText, findPlaceholders, interpolate, type InterpolateResult } from "./expr/template.js";
import { ObjectValue, Unknown, fromPlain, truthiness, type Value } from "./expr/value.js";
import { githubContextValue, payloadAt, runFacts, type RunFacts } from "./github-context.js";
import type { MetadataEvent } from "./images/metadata-action.js";
import { runStepBuilds } from "./images/run-builds.js";
import { UNKNOWN_PR_NUMBER, buildsOfStep, metadataStepValue, type StepOutputs } from "./images/step-builds.js";
import { expandMatrix, matrixJobName, matrixLimitMessage, type Combination } from "./matrix.js";
import type { Concurrency, EnvEntry, InputDef, Step, Workflow, WorkflowJob, WorkflowSet } from "./model.js";
import { readFileWrites } from "./run-file-writes.js";
import { decideTrigger, type TriggerDecision } from "./triggers.js";

/**
 * One context's simulated run of every workflow, in the shared Pipeline shape:
 * - a pipeline "is created" when at least one workflow is triggered (or may be);
 * - each job (each matrix combination) is a PipelineJob named as GitHub names its check,
 *   `<workflow name> / <job name>`, with `stage` = the workflow's name;
 * - `when` is on_success for a job that runs; "uncertain" certainty means "may run";
 * - `decidedBy` is the job's `if:` (kind "rules", one rule) or "default" without one; the
 *   trigger that started the workflow is in `explanation`;
 * - image/services are `container:`/`services:`; builds come from action steps.
 */
export interface ConcurrencyUse {
  workflow: string;
  /** The job name, for a job-level `concurrency:`. */
  job?: string;
  group: ResolvedText;
  cancelInProgress: Truth;
  pos: Pos;
}

export interface ActionsRun {
  pipeline: AnalysedPipeline;
  /** Every concurrency group the run enters (data for the "cancels across branches" hazard). */
  concurrency: ConcurrencyUse[];
  /** Which workflows started, and why (or why not). */
  workflows: Array<{ file: string; name: string; decision: TriggerDecision }>;
}

const SUCCESS_PATH = { success: true, failure: false, cancelled: false } as const;

export function simulateActions(set: WorkflowSet, context: BranchContext): ActionsRun {
  const facts = runFacts(context);
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const jobs: AnalysedJob[] = [];
  const excluded: ExcludedJob[] = [];
  const concurrency: ConcurrencyUse[] = [];
  const workflows: ActionsRun["workflows"] = [];
  const byFile = new Map(set.workflows.map((w) => [w.file, w]));
  const sim: Sim = { context, facts, errors, warnings, jobs, excluded, concurrency, byFile, set };

  for (const wf of set.workflows) {
    const decision = decideTrigger(wf, context);
    workflows.push({ file: wf.file, name: wf.name, decision });
    for (const e of decision.errors) errors.push(error("invalid-value", e.message, e.pos));
    if (decision.triggered === false) continue;
    const inputs = new ObjectValue((wf.triggers.find((t) => t.event === facts.event)?.inputs ?? []).map((i) => [i.name, dispatchInput(i, facts)]));
    runWorkflow(sim, wf, decision, { inputs, prefix: wf.name, stage: wf.name, gate: decision.triggered === "unknown" ? "unknown" : true, depth: 0 });
  }

  const created = jobs.length > 0;
  const stages = [...new Set(jobs.map((j) => j.stage))];
  // A run is made when some job surely runs, and surely not when no job may.
  const creation = jobs.some((j) => j.presence === "present") || (!created && !excluded.some((e) => e.presence === "uncertain")) ? "certain" : "uncertain";
  const pipeline: AnalysedPipeline = {
    context,
    created,
    creation,
    certainty: creation === "uncertain" || jobs.some((j) => j.certainty === "uncertain") ? "uncertain" : "certain",
    unknownInputs: [],
    assumedUnset: [],
    notCreated: created ? undefined : { reason: errors.length ? "config-error" : workflows.some((w) => w.decision.triggered !== false) ? "no-jobs" : "workflow-no-match", message: created ? "" : noRunMessage(workflows, facts) },
    variables: {},
    stages,
    jobs,
    excluded,
    errors,
    warnings,
  };
  return { pipeline, concurrency, workflows };
}

/**
 * A `workflow_dispatch` input: the payload's value when one is given (the payload carries text;
 * the `inputs` context keeps a boolean or number input's type), else the input's default.
 */
function dispatchInput(def: InputDef, facts: RunFacts): Value {
  const given = payloadAt(facts.payload, "inputs", def.name);
  if (given === undefined) return def.default === undefined ? null : fromPlain(def.default);
  if (def.type === "boolean" && (given === "true" || given === "false")) return given === "true";
  if (def.type === "number" && typeof given === "string" && given.trim() !== "" && !Number.isNaN(Number(given))) return Number(given);
  return fromPlain(given);
}

function noRunMessage(workflows: ActionsRun["workflows"], facts: RunFacts): string {
  if (workflows.length === 0) return "no workflow files in .github/workflows";
  return `no workflow runs for ${facts.event}: ${workflows.map((w) => `${w.name} (${w.decision.explanation})`).join("; ")}`;
}

interface Sim {
  context: BranchContext;
  facts: RunFacts;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  jobs: AnalysedJob[];
  excluded: ExcludedJob[];
  concurrency: ConcurrencyUse[];
  byFile: Map<string, Workflow>;
  /** Reusable workflows of other repositories and composite actions, read before the simulation. */
  set: Pick<WorkflowSet, "called" | "unreadCalls" | "actions">;
}

interface RunFrame {
  inputs: ObjectValue;
  /** The name prefix (`CI`, or `CI / call-job` inside a reusable workflow). */
  prefix: string;
  /** The top-level workflow's name: a reusable workflow's jobs belong to the caller's run. */
  stage: string;
  /** Whether the run reaches this workflow's jobs at all (trigger or caller job outcome). */
  gate: true | "unknown";
  depth: number;
}

type JobOutcome = "ran" | "skipped" | "maybe";

/** Reusable workflows may nest four levels deep (the docs' limit). */
/**
 * "You can connect up to four levels of workflows": the top-level caller and up to three
 * levels of reusable workflows (Reusing workflows, nesting). The caller is depth 0.
 */
const MAX_WORKFLOW_LEVELS = 4;

function runWorkflow(sim: Sim, wf: Workflow, decision: TriggerDecision, frame: RunFrame): void {
  // A variable declared in the settings without a value is set to something not known here.
  const vars = new ObjectValue(
    Object.entries(sim.context.variables).flatMap(([name, value]): Array<[string, Value]> =>
      value === undefined ? [] : [[name, value === null ? new Unknown([`vars.${name}`]) : value]],
    ),
  );
  const baseScope = (extra: Partial<ExprScope["contexts"]>): ExprScope => ({
    contexts: { github: githubContextValue(sim.context, sim.facts, frame.inputs, frame.stage), vars, inputs: frame.inputs, ...extra },
    status: SUCCESS_PATH,
  });
  if (wf.concurrency && frame.depth === 0) {
    sim.concurrency.push(concurrencyUse(sim, wf.name, undefined, wf.concurrency, scopeAt(baseScope({}), "concurrency")));
  }
  const workflowEnv = resolveEnv(sim, wf.env, "top-level", scopeAt(baseScope({}), "env"), {});

  const ids = new Set(wf.jobs.map((j) => j.id));
  const outcomes = new Map<string, JobOutcome>();
  const pending = [...wf.jobs];
  // Jobs in `needs` order; a cycle or a missing need is an error GitHub reports too.
  while (pending.length > 0) {
    const i = pending.findIndex((j) => j.needs.every((n) => outcomes.has(n.value) || !ids.has(n.value)));
    if (i < 0) {
      for (const j of pending) sim.errors.push(error("needs-invalid", `${wf.file}: job '${j.id}' is part of a \`needs\` cycle`, j.pos));
      break;
    }
    const job = pending.splice(i, 1)[0];
    for (const n of job.needs) {
      if (!ids.has(n.value)) sim.errors.push(error("needs-missing", `${wf.file}: job '${job.id}' needs '${n.value}', which is not a job of this workflow`, n.pos));
    }
    outcomes.set(job.id, runJob(sim, wf, job, frame, decision, outcomes, workflowEnv, baseScope));
  }
}

function needsValue(job: WorkflowJob, outcomes: Map<string, JobOutcome>): ObjectValue {
  return new ObjectValue(
    job.needs.map((n) => {
      const o = outcomes.get(n.value);
      const result: Value = o === "ran" ? "success" : o === "skipped" ? "skipped" : new Unknown([`needs.${n.value}.result`]);
      return [n.value, new ObjectValue([["result", result], ["outputs", new ObjectValue([], `needs.${n.value}.outputs`)]])];
    }),
  );
}

function runJob(
  sim: Sim,
  wf: Workflow,
  job: WorkflowJob,
  frame: RunFrame,
  decision: TriggerDecision,
  outcomes: Map<string, JobOutcome>,
  workflowEnv: Record<string, ResolvedVar>,
  baseScope: (extra: Partial<ExprScope["contexts"]>) => ExprScope,
): JobOutcome {
  const needOutcomes = job.needs.map((n) => outcomes.get(n.value) ?? "skipped");
  // success() for a job: every job it needs succeeded. A skipped need makes it false.
  const success: boolean | "unknown" = needOutcomes.includes("skipped") ? false : needOutcomes.includes("maybe") ? "unknown" : true;
  const scope: ExprScope = { ...baseScope({ needs: needsValue(job, outcomes) }), status: { success, failure: false, cancelled: false } };

  const cond = evaluateCondition(sim, job.if?.value, job.if?.pos ?? job.pos, scopeAt(scope, "jobs.<job_id>.if"));
  const displayBase = `${frame.prefix} / ${job.name && !job.name.value.includes("${{") ? job.name.value : job.id}`;
  const explanation = `workflow ${wf.name} (${wf.file}): ${decision.explanation}`;
  const decidedBy: Decision = job.if
    ? { kind: "rules", rule: { index: 0, pos: job.if.pos, if: job.if.value, when: cond.truth === false ? "never" : "on_success" }, trace: [cond.trace!], explanation }
    : { kind: "default", trace: cond.trace ? [cond.trace] : [], explanation };
  if (cond.truth === false) {
    const certain = frame.gate === true;
    sim.excluded.push({ name: displayBase, stage: frame.stage, source: job.pos, decidedBy, certainty: certain ? "certain" : "uncertain", presence: certain ? "absent" : "uncertain" });
    return "skipped";
  }
  const jobCertainty: "certain" | "uncertain" = cond.truth === "unknown" || frame.gate === "unknown" ? "uncertain" : "certain";

  // A reusable workflow in this repository runs its jobs under this job's name.
  if (job.uses) {
    const target = job.uses.value.replace(/^\.\//, "");
    const local = job.uses.value.startsWith("./");
    const callee = local ? sim.byFile.get(target) : sim.set.called?.get(job.uses.value);
    if (!callee) {
      const why = sim.set.unreadCalls?.get(job.uses.value);
      sim.warnings.push(
        warning("not-analysed", local ? `${wf.file}: job '${job.id}' calls ${job.uses.value}, which is not in this revision` : `${wf.file}: job '${job.id}' calls the remote workflow ${job.uses.value}; its jobs are not analysed${why ? `: ${why}` : ""}`, job.uses.pos),
      );
      sim.jobs.push(makeJob(displayBase, job.id, frame.stage, job, { certainty: jobCertainty, presence: jobCertainty === "certain" ? "present" : "uncertain", allowFailure: false }, decidedBy, {}, undefined, [], [], []));
      return jobCertainty === "certain" ? "ran" : "maybe";
    }
    if (frame.depth + 1 >= MAX_WORKFLOW_LEVELS) {
      sim.errors.push(error("config-invalid", `${wf.file}: reusable workflows nest deeper than GitHub's ${MAX_WORKFLOW_LEVELS} levels (the caller and three levels of reusable workflows)`, job.uses.pos));
      return "skipped";
    }
    const call = callee.triggers.find((t) => t.event === "workflow_call");
    if (!call) sim.errors.push(error("config-invalid", `${job.uses.value} has no \`on: workflow_call\`, so it cannot be called`, job.uses.pos));
    const inputs = new ObjectValue(
      (call?.inputs ?? []).map((def) => {
        const given = job.with[def.name];
        let v: Value = def.default === undefined ? null : fromPlain(def.default);
        if (given !== undefined) {
          v = typeof given.value === "string" ? interpolateValue(sim, given.value, given.pos, scopeAt(scope, "jobs.<job_id>.with.<with_id>")) : fromPlain(given.value);
        }
        return [def.name, v];
      }),
    );
    runWorkflow(sim, callee, decision, { inputs, prefix: displayBase, stage: frame.stage, gate: jobCertainty === "certain" ? true : "unknown", depth: frame.depth + 1 });
    return jobCertainty === "certain" ? "ran" : "maybe";
  }

  // Matrix: one job per combination.
  const combos: Array<Combination | undefined> = [];
  let matrixUnknown: string[] | undefined;
  if (job.matrix) {
    const expansion = expandMatrix(resolveMatrixNode(sim, job.matrix, scopeAt(scope, "jobs.<job_id>.strategy")));
    for (const e of expansion.errors) sim.errors.push(error("invalid-value", `${wf.file}: job '${job.id}': ${e}`, job.matrix.pos));
    if (expansion.exceeded) sim.errors.push(error("matrix-limit", matrixLimitMessage(job.id, wf.file, job.matrix.pos.line, job.matrix.pos.col), job.matrix.pos));
    if (expansion.unknown) {
      matrixUnknown = expansion.unknown;
      combos.push(undefined);
    } else combos.push(...expansion.combinations);
  } else combos.push(undefined);

  for (const combo of combos) {
    const matrix: Value = combo ? fromPlain(combo) : matrixUnknown ? new Unknown(matrixUnknown.map((r) => `matrix (${r})`)) : new ObjectValue();
    const jobScope: ExprScope = { ...scope, contexts: { ...scope.contexts, matrix } };
    const name = jobName(sim, job, combo, scopeAt(jobScope, "jobs.<job_id>.name"), matrixUnknown !== undefined);
    const fullName = `${frame.prefix} / ${name}`;
    const env = resolveEnv(sim, job.env, "job", scopeAt(jobScope, "jobs.<job_id>.env"), workflowEnv);
    const stepScope: ExprScope = { ...jobScope, contexts: { ...jobScope.contexts, env: envObject(env) } };
    const image = job.container ? resolveImage(sim, job.container.image.value, job.container.image.pos, scopeAt(jobScope, "jobs.<job_id>.container")) : undefined;
    const services = job.services.map((s) => resolveImage(sim, s.image.value, s.image.pos, scopeAt(jobScope, "jobs.<job_id>.services")));
    if (job.concurrency) sim.concurrency.push(concurrencyUse(sim, wf.name, fullName, job.concurrency, scopeAt(jobScope, "jobs.<job_id>.concurrency")));
    const { builds, script } = stepsOf(sim, job, fullName, stepScope, env);
    const allowFailure = job.continueOnError ? booleanSetting(sim, job.continueOnError, scopeAt(jobScope, "jobs.<job_id>.continue-on-error")) === true : false;
    sim.jobs.push(
      makeJob(fullName, job.id, frame.stage, job, { certainty: matrixUnknown ? "uncertain" : jobCertainty, presence: jobCertainty === "certain" ? "present" : "uncertain", allowFailure }, decidedBy, env, image, services, builds, script),
    );
  }
  return jobCertainty === "certain" ? "ran" : "maybe";
}

function makeJob(
  name: string,
  baseName: string,
  stage: string,
  job: WorkflowJob,
  /** `allowFailure` is the job's `continue-on-error`: its failure does not fail the run. */
  { certainty, presence, allowFailure }: { certainty: "certain" | "uncertain"; presence: "present" | "uncertain"; allowFailure: boolean },
  decidedBy: Decision,
  variables: Record<string, ResolvedVar>,
  image: ResolvedImage | undefined,
  services: ResolvedImage[],
  builds: ImageBuild[],
  script: ScriptLine[],
): AnalysedJob {
  return {
    name,
    baseName,
    stage,
    when: "on_success",
    allowFailure,
    certainty,
    presence,
    image,
    services,
    variables,
    needs: job.needs.length ? job.needs.map((n) => n.value) : undefined,
    source: job.pos,
    decidedBy,
    beforeScript: [],
    script,
    builds,
  };
}

/**
 * A job's `if:`. Without a status function GitHub evaluates `success() && (<if>)`; with one
 * (always(), failure(), ...) the expression stands alone, so a skipped need does not skip it.
 */
function evaluateCondition(sim: Sim, raw: string | undefined, pos: Pos, scope: ExprScope): { truth: Truth; trace?: RuleTrace } {
  if (raw === undefined) {
    const t = scope.status.success;
    return { truth: t, trace: t === true ? undefined : { index: 0, pos, if: "success()", result: t, reads: { "success()": String(t) }, note: t === false ? "a job it needs does not run" : "a job it needs may not run" } };
  }
  const c = conditionText(raw);
  if ("mixed" in c) {
    sim.warnings.push(warning("invalid-value", `\`if: ${raw}\` mixes text with \${{ }}: the result is a non-empty string, which is always true`, pos));
    return { truth: true, trace: { index: 0, pos, if: raw, result: true, reads: {}, note: "always true (a string)" } };
  }
  let expr;
  try {
    expr = parseExpression(c.expr);
  } catch {
    // Reported with the offset below.
  }
  const text = expr && !usesStatusFunction(expr) ? `success() && (${c.expr})` : c.expr;
  const r = evaluateExpressionText(text, scope);
  if (!r.ok) {
    sim.errors.push(error("expression-syntax", `if: ${raw}: ${r.message}`, pos));
    return { truth: false, trace: { index: 0, pos, if: raw, result: false, reads: {}, note: r.message } };
  }
  const t = truthiness(r.value);
  const note = t === "unknown" && r.value instanceof Unknown ? `not known statically: ${r.value.reasons.join(", ")}` : undefined;
  return { truth: t, trace: { index: 0, pos, if: raw, result: t, reads: r.reads, note } };
}

/**
 * `${{ }}` substituted into a workflow value; an expression GitHub would refuse (a syntax error,
 * a context not available at that key) is an error at the value's line.
 */
function interpolateAt(sim: Sim, text: string, pos: Pos, scope: ExprScope): InterpolateResult {
  const r = interpolate(text, scope);
  for (const e of r.errors) sim.errors.push(error("expression-syntax", `${text.trim()}: ${e.message}`, pos));
  return r;
}

function interpolateValue(sim: Sim, text: string, pos: Pos, scope: ExprScope): Value {
  const r = interpolateAt(sim, text, pos, scope);
  if (r.value !== undefined) return r.value;
  return r.text.known ? r.text.text : new Unknown(r.text.unknowns);
}

/** The matrix node with its `${{ }}` values evaluated (a whole-matrix expression keeps its type). */
function resolveMatrixNode(sim: Sim, node: YNode, scope: ExprScope): unknown {
  const plain = nodeToPlain(node);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string" && Array.isArray(findPlaceholders(v)) && (findPlaceholders(v) as unknown[]).length > 0) {
      const value = interpolateValue(sim, v, node.pos, scope);
      return value instanceof Unknown ? value : toPlainLoose(value);
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(plain);
}

function toPlainLoose(v: Value): unknown {
  if (v instanceof ObjectValue) return Object.fromEntries(v.entries().map(([k, x]) => [k, toPlainLoose(x)]));
  if (Array.isArray(v)) return v.map(toPlainLoose);
  return v;
}

function jobName(sim: Sim, job: WorkflowJob, combo: Combination | undefined, scope: ExprScope, matrixUnknown: boolean): string {
  if (job.name) {
    const r = interpolateAt(sim, job.name.value, job.name.pos, scope);
    // A name that does not use the matrix still gets the combination appended, as GitHub shows it.
    if (combo && !job.name.value.includes("matrix.")) return matrixJobName(r.text.text, combo);
    return r.text.text;
  }
  if (matrixUnknown) return `${job.id} (matrix not known statically)`;
  return combo ? matrixJobName(job.id, combo) : job.id;
}

function resolveEnv(sim: Sim, entries: EnvEntry[], origin: "top-level" | "job", scope: ExprScope, inherited: Record<string, ResolvedVar>): Record<string, ResolvedVar> {
  const out: Record<string, ResolvedVar> = { ...inherited };
  for (const e of entries) {
    const r = interpolateAt(sim, e.value, e.pos, scope);
    out[e.name] = { value: r.text, raw: e.value, origin, pos: e.pos };
  }
  return out;
}

/** The `env` context; `openedBy` names a step that wrote GITHUB_ENV names not read statically: any other name may be set. */
function envObject(env: Record<string, ResolvedVar>, openedBy?: string): ObjectValue {
  return new ObjectValue(
    Object.entries(env).map(([k, v]) => [k, v.value.known ? v.value.text : new Unknown([`env.${k}`])]),
    openedBy === undefined ? undefined : (name) => `env.${name} (${openedBy})`,
  );
}

function resolveImage(sim: Sim, raw: string, pos: Pos, scope: ExprScope): ResolvedImage {
  return { ref: interpolateAt(sim, raw, pos, scope).text, raw, pos };
}

function concurrencyUse(sim: Sim, workflow: string, job: string | undefined, c: Concurrency, scope: ExprScope): ConcurrencyUse {
  const group = interpolateAt(sim, c.group.value, c.group.pos, scope).text;
  const cancel: Truth = c.cancelInProgress ? booleanSetting(sim, c.cancelInProgress, scope) : false;
  return { workflow, job, group, cancelInProgress: cancel, pos: c.group.pos };
}

/**
 * A boolean key written as `true`/`false` or as an expression (`cancel-in-progress`,
 * `continue-on-error`): the literal text "true" is true; a value that is one `${{ }}` counts by
 * the expression's truthiness, as an `if:` does (`${{ 'yes' }}` is a non-empty string: true).
 */
function booleanSetting(sim: Sim, setting: Located<string>, scope: ExprScope): Truth {
  const r = interpolateAt(sim, setting.value, setting.pos, scope);
  if (r.value !== undefined) return truthiness(r.value);
  return r.text.known ? r.text.text.trim() === "true" : "unknown";
}

function metadataEvent(sim: Sim): MetadataEvent {
  const f = sim.facts;
  const prRef = `refs/pull/${f.prNumber ?? UNKNOWN_PR_NUMBER}/merge`;
  // docker/metadata-action uses refs/pull/<n>/merge for pull_request_target too (src/context.ts).
  const ref = f.event === "pull_request_target" || typeof f.ref !== "string" ? prRef : f.ref;
  return {
    eventName: f.event,
    ref,
    sha: f.sha,
    defaultBranch: sim.context.project.defaultBranch,
    prBaseRef: f.prBase,
    // A payload given without `base_ref` has none; without a payload it is not known.
    pushBaseRef: f.payload ? (f.pushBaseRef ?? null) : undefined,
    now: f.now,
    commitDate: f.commitDate,
  };
}

/**
 * `steps.<id>` for the steps run so far: a metadata step's outputs are known, and so are the
 * literal values a run step wrote to GITHUB_OUTPUT; other outputs are not known.
 */
function stepsValue(outputs: Map<string, StepOutputs>, ids: string[]): ObjectValue {
  return new ObjectValue(
    ids.map((id): [string, Value] => {
      const o = outputs.get(id);
      if (o?.metadata) return [id, metadataStepValue(id, o.metadata)];
      const written = Object.entries(o?.written ?? {}).map(([k, v]): [string, Value] => [k, v.known ? v.text : new Unknown(v.unknowns)]);
      return [id, new ObjectValue(written.length ? [["outputs", new ObjectValue(written, `steps.${id}.outputs`)]] : [], `steps.${id}`)];
    }),
  );
}

function stepsOf(sim: Sim, job: WorkflowJob, name: string, scope: ExprScope, jobEnv: Record<string, ResolvedVar>): { builds: ImageBuild[]; script: ScriptLine[] } {
  const event = metadataEvent(sim);
  const out = { builds: [] as ImageBuild[], script: [] as ScriptLine[] };
  runSteps(sim, job.steps, name, scope, jobEnv, event, out, 0);
  return out;
}

/** GitHub: composite actions nest at most ten deep. */
export const MAX_COMPOSITE_DEPTH = 10;

/**
 * What steps set through GITHUB_ENV: the job's environment file, so it outlives a composite
 * action and reaches the job's later steps. `openedBy`: some step wrote names not read statically.
 */
interface EnvFile {
  set: Record<string, ResolvedVar>;
  openedBy?: string;
}

/**
 * Steps in order; a step that uses a composite action of this repository runs the action's steps
 * in its place, with `inputs` from its `with:` (else the action's defaults) and its own `steps`
 * context. Returns what the steps set through GITHUB_ENV.
 */
function runSteps(
  sim: Sim,
  steps: readonly Step[],
  name: string,
  scope: ExprScope,
  jobEnv: Record<string, ResolvedVar>,
  event: MetadataEvent,
  out: { builds: ImageBuild[]; script: ScriptLine[] },
  depth: number,
  openedBy?: string,
): EnvFile {
  const { builds, script } = out;
  const outputs = new Map<string, StepOutputs>();
  const ids: string[] = [];
  const exported: EnvFile = { set: {}, openedBy };
  let env = jobEnv;
  // Set through GITHUB_ENV: the steps after this one see them (a step that only may run: not known).
  // A write whose name is not known may also replace what earlier steps set that way.
  const exportEnv = (file: { set: Record<string, ResolvedVar["value"]>; openedBy?: string }, certainty: "certain" | "uncertain", pos: Pos) => {
    env = { ...env };
    const vars = { ...file.set };
    if (file.openedBy !== undefined) {
      exported.openedBy ??= file.openedBy;
      for (const k of Object.keys(exported.set)) vars[k] ??= { text: `«${k}»`, known: false, unknowns: [`${k} (${file.openedBy})`] };
    }
    for (const [k, v] of Object.entries(vars)) {
      const value = certainty === "certain" ? v : { text: `«${k}»`, known: false, unknowns: [`${k} (set by a step that may not run)`] };
      env[k] = exported.set[k] = { value, raw: value.text, origin: "job", pos };
    }
  };
  for (const step of steps) {
    const before: ExprScope = { ...scope, contexts: { ...scope.contexts, env: envObject(env, exported.openedBy), steps: stepsValue(outputs, ids) } };
    const stepEnv = resolveEnv(sim, step.env, "job", scopeAt(before, "jobs.<job_id>.steps.env"), env);
    const stepScope: ExprScope = { ...before, contexts: { ...before.contexts, env: envObject(stepEnv, exported.openedBy) } };
    const cond = evaluateCondition(sim, step.if?.value, step.if?.pos ?? step.pos, { ...scopeAt(stepScope, "jobs.<job_id>.steps.if"), status: SUCCESS_PATH });
    if (step.id) ids.push(step.id);
    if (cond.truth === false) continue;
    const certainty = cond.truth === "unknown" ? "uncertain" : "certain";
    if (step.run) {
      script.push(...step.run);
      const r = runStepBuilds({ job: name, lines: step.run, scope: scopeAt(stepScope, "jobs.<job_id>.steps.run"), env: stepEnv, defaults: defaultEnv(sim) });
      for (const b of r.builds) builds.push(certainty === "uncertain" ? { ...b, certainty } : b);
      for (const d of r.diagnostics) (d.severity === "error" ? sim.errors : sim.warnings).push(d);
      const envFile = readFileWrites(step.run, "GITHUB_ENV");
      if (envFile) exportEnv({ set: envFile.values, openedBy: envFile.opaque }, certainty, step.pos);
      if (envFile?.opaque) sim.warnings.push(warning("not-analysed", `${envFile.opaque} in a form whose names are not read statically: in the job's later steps, env values not set by \`env:\` are not known`, step.pos));
      const written = readFileWrites(step.run, "GITHUB_OUTPUT");
      if (step.id && written) outputs.set(step.id, { written: written.opaque === undefined ? written.values : {} });
      continue;
    }
    const composite = step.uses ? sim.set.actions?.get(step.uses.value) : undefined;
    if (composite && depth < MAX_COMPOSITE_DEPTH) {
      const withScope = scopeAt(stepScope, "jobs.<job_id>.steps.with");
      const inputs = new ObjectValue(
        composite.inputs.map((i): [string, Value] => {
          const given = step.with[i.name];
          const text = given ?? i.default;
          return [i.name, text === undefined ? null : interpolateValue(sim, text.value, text.pos, withScope)];
        }),
      );
      const inner = { builds: [] as ImageBuild[], script };
      const set = runSteps(sim, composite.steps, name, { ...stepScope, contexts: { ...stepScope.contexts, inputs } }, stepEnv, event, inner, depth + 1, exported.openedBy);
      for (const b of inner.builds) builds.push(certainty === "uncertain" ? { ...b, certainty } : b);
      exportEnv({ set: Object.fromEntries(Object.entries(set.set).map(([k, v]) => [k, v.value])), openedBy: set.openedBy === exported.openedBy ? undefined : set.openedBy }, certainty, step.pos);
      continue;
    }
    const r = buildsOfStep({ step, job: name, scope: scopeAt(stepScope, "jobs.<job_id>.steps.with"), event, prHeadSha: sim.facts.prHeadSha, env: stepEnv, outputs, certainty });
    builds.push(...r.builds);
    for (const w of r.warnings) sim.warnings.push(warning("invalid-value", w.message, w.pos));
    for (const e of r.errors) sim.errors.push(error("invalid-value", e.message, e.pos));
    if (step.id && r.outputs) outputs.set(step.id, r.outputs);
    if (r.exportedEnv) exportEnv({ set: r.exportedEnv }, certainty, step.pos);
  }
  return exported;
}

/** GitHub's default environment variables of every step ("Variables reference"), as far as known. */
function defaultEnv(sim: Sim): Record<string, string | undefined> {
  const f = sim.facts;
  const text = (v: string | Unknown) => (typeof v === "string" ? v : undefined);
  return {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: f.event,
    GITHUB_REF: text(f.ref),
    GITHUB_REF_NAME: text(f.refName),
    GITHUB_REF_TYPE: f.refType,
    GITHUB_BASE_REF: f.baseRef,
    GITHUB_HEAD_REF: f.headRef,
    GITHUB_REPOSITORY: sim.context.project.path,
    GITHUB_REPOSITORY_OWNER: sim.context.project.path.split("/")[0],
    GITHUB_SHA: f.sha,
    GITHUB_WORKFLOW: undefined,
    GITHUB_WORKSPACE: undefined,
    GITHUB_RUN_ID: undefined,
    GITHUB_RUN_NUMBER: undefined,
    GITHUB_ACTOR: undefined,
  };
}
