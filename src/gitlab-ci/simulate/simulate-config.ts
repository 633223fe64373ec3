import { warning, type Diagnostic } from "../../core/diagnostic.js";
import type { FileSource } from "../../core/file-source.js";
import type { Pos } from "../../core/pos.js";
import type { PipelineContext } from "../context.js";
import type { CiConfig, JobDef, LoadResult, NeedDef, RuleDef, When } from "../model.js";
import type { Decision, ExcludedJob, JobRunning, Pipeline, PipelineJob, Presence, ResolvedImage, ResolvedVar, UnknownInput } from "../pipeline.js";
import { clauseEvaluator, expandedVariables, ifOutcome, type ClauseScope } from "./clauses.js";
import { EXCLUDED, inputKey, outcomeEffect, type RulesOutcome } from "./evaluate-rules.js";
import { jobRuleEffect, jobRuleResult, type JobRuleResult } from "./rule-effect.js";
import { RulesMemo, RuleShapes, type Shape } from "./rules-memo.js";
import { expandText } from "./expand-variables.js";
import { mayBeMissingNeedMessage, missingNeedMessage, needNames, type MatrixValues } from "./needs.js";
import { evaluateOnlyExcept, type PolicyOutcome } from "./only-except.js";
import { expandParallel, type JobInstance } from "./parallel.js";
import { jobPhaseVariables, pipelinePhaseVariables, prePipelineVariables } from "./predefined-variables.js";
import { ImageResolver, resolveImage } from "./resolve-image.js";
import { resolveScope } from "./resolve-variables.js";
import { conditionalFiles, unreadIncludes } from "./unread-includes.js";
import { validateConfig } from "./validate-config.js";
import { buildScope, entriesFromDefs, scopeOf, type VarEntry, type VarScope } from "./variable-entry.js";
import { JobScope, layerEntries, ownEntries, PipelineTable, plainValues, type InstanceLayers, type OwnEntries, type VariableValues } from "./job-variables.js";
import { evaluateWorkflow } from "./workflow.js";
import type { SimulateStats } from "./stats.js";
import type { SharedJobs, SimulationShare } from "./simulation-share.js";

export interface SimulateConfigOptions {
  /** CI_CONFIG_PATH; the config's root file by default. */
  ciPath?: string;
  /** Counters to add this simulation's work to (the benchmark's rule evaluations). */
  stats?: SimulateStats;
  /** Job results to reuse from, and add to, other simulations of the same analysis. */
  share?: SimulationShare<JobOutcome>;
}

/**
 * What simulating one job gives, independent of the other jobs: one entry per `parallel`
 * instance (none when the expansion failed: its errors are the prepared job's).
 */
export type JobOutcome = readonly InstanceOutcome[];

/**
 * An instance's outcome: the job itself when that says everything (the usual case: included, no
 * warnings or errors, the rule adds no `needs`; its selection's trace is the job's `decidedBy`),
 * otherwise the details. Hundreds of thousands of outcomes are kept while an analysis runs.
 */
type InstanceOutcome = PipelineJob | InstanceDetails;

class InstanceDetails {
  constructor(
    readonly name: string,
    readonly selection: Selection,
    readonly certainty: "certain" | "uncertain",
    /** The job, when the selection includes it. */
    readonly built: PipelineJob | undefined,
    readonly buildErrors: Diagnostic[],
  ) {}
}

/** `inherit:variables`: true (all), false (none) or a list of top-level names to keep. */
function inheritedRootVariables(job: JobDef, root: VarEntry[]): VarEntry[] {
  const inherit = job.inherit.variables;
  if (inherit === true) return root;
  if (inherit === false) return [];
  return root.filter((e) => inherit.includes(e.name));
}

function usesExists(config: CiConfig): boolean {
  const has = (rules: RuleDef[] | undefined) => !!rules?.some((r) => r.exists);
  return has(config.workflow?.rules) || config.jobs.some((j) => has(j.rules));
}

/**
 * What simulating a configuration needs that does not depend on the context, made once per loaded
 * configuration instead of once per simulated pipeline (an analysis simulates each one 10 times
 * or more).
 */
interface PreparedConfig {
  validation: Diagnostic[];
  /** The includes that were not read, as unknown inputs (unread-includes.ts). */
  unread: UnknownInput[];
  /** Files included only if an `include:rules` that cannot be decided holds, with that include. */
  conditional: Map<string, UnknownInput>;
  usesExists: boolean;
  stageIndex: Map<string, number>;
  jobDefs: Map<string, JobDef>;
  jobs: PreparedJob[];
  /** Top-level then workflow variables, one array per matched workflow rule's variables (keyed by that array). */
  roots: Map<VarEntry[], VarEntry[]>;
  ruleShapes: RuleShapes;
}

/** A job definition's context-independent parts. */
interface PreparedJob {
  def: JobDef;
  expansionErrors: Diagnostic[];
  instances: PreparedInstance[];
  /** What `selectByRules` reads of the job besides its rules, as a key; made on first use. */
  ruleReads?: string;
  /** Its rules list's shape (`RuleShapes.of`; null: none), once looked up. */
  ruleShape?: Shape | null;
  /** The last rule, when it makes GitLab warn about duplicate pipelines (see `noteDuplicatePipelineRisk`). */
  duplicateRisk?: DuplicateRisk;
  image?: ImageResolver;
  services: ImageResolver[];
  /** `services:` when none refers to a variable (the same in every pipeline). */
  constantServices?: ResolvedImage[];
  trigger?: PipelineJob["trigger"];
}

interface PreparedInstance extends JobInstance, InstanceLayers {
  /** `layerEntries` per root layer, for a job that inherits every top-level variable. */
  layered?: Map<VarEntry[], OwnEntries>;
  /**
   * The root layer last asked about and its `layerEntries`: every pipeline of a configuration
   * without workflow variables has the same root, and two fields are read faster than a map
   * per instance (hundreds of thousands of instances, each its own memory).
   */
  lastRoot?: VarEntry[];
  lastLayered?: OwnEntries;
}

const preparedConfigs = new WeakMap<CiConfig, PreparedConfig>();

function prepared(config: CiConfig): PreparedConfig {
  let known = preparedConfigs.get(config);
  if (!known) {
    const risks = new Map<string, DuplicateRisk>();
    known = {
      validation: validateConfig(config),
      unread: unreadIncludes(config),
      conditional: conditionalFiles(config),
      usesExists: usesExists(config),
      stageIndex: new Map(config.stages.map((s, i) => [s.value, i])),
      jobDefs: new Map(config.jobs.map((j) => [j.name, j])),
      jobs: config.jobs.map((job) => prepareJob(job, risks)),
      roots: new Map(),
      ruleShapes: new RuleShapes(),
    };
    preparedConfigs.set(config, known);
  }
  return known;
}

/** A rule that makes GitLab warn about duplicate pipelines: one object per rule position, shared by its jobs. */
interface DuplicateRisk {
  pos: Pos;
}

function prepareJob(job: JobDef, risks: Map<string, DuplicateRisk>): PreparedJob {
  const expansion = expandParallel(job);
  const entries = entriesFromDefs(job.variables, "job");
  // Built field by field: a spread copy that then gets more fields has a hidden class of its own in V8.
  const instances = expansion.instances.map(
    ({ name, baseName, matrix, nodeIndex, nodeTotal }): PreparedInstance => ({
      name,
      baseName,
      matrix,
      nodeIndex,
      nodeTotal,
      jobPhase: jobPhaseVariables({ name, stage: job.stage.value, nodeTotal, ...(nodeIndex ? { nodeIndex } : {}) }),
      job: entries,
      layered: undefined,
      lastRoot: undefined,
      lastLayered: undefined,
    }),
  );
  const constant = (def: NonNullable<JobDef["image"]>) => !def.name.value.includes("$");
  const last = job.rules?.[job.rules.length - 1];
  let duplicateRisk: DuplicateRisk | undefined;
  if (last && warnsOfDuplicatePipelines(last)) {
    const key = `${last.pos.file}:${last.pos.line}`;
    duplicateRisk = risks.get(key);
    if (!duplicateRisk) risks.set(key, (duplicateRisk = { pos: last.pos }));
  }
  return {
    def: job,
    expansionErrors: expansion.errors,
    instances,
    ruleReads: undefined,
    ruleShape: undefined,
    duplicateRisk,
    image: job.image ? new ImageResolver(job.image) : undefined,
    services: job.services.map((s) => new ImageResolver(s)),
    constantServices: job.services.every(constant) ? job.services.map((s) => resolveImage(s, {})) : undefined,
    trigger: job.trigger ? { kind: job.trigger.kind, target: job.trigger.project ?? (job.trigger.include ?? []).join(", ") } : undefined,
  };
}

/** `layerEntries` of an instance that inherits every variable of `root`, made once per root. */
function layeredOver(instance: PreparedInstance, root: VarEntry[]): OwnEntries {
  if (instance.lastRoot === root && instance.lastLayered) return instance.lastLayered;
  let layered = instance.layered?.get(root);
  if (!layered) (instance.layered ??= new Map()).set(root, (layered = layerEntries(new Map(), instance, root, root)));
  instance.lastRoot = root;
  instance.lastLayered = layered;
  return layered;
}

/**
 * Everything `selectByRules` reads of a job besides the rules outcome (`jobRuleResult`,
 * `jobRuleEffect`): jobs with equal keys get the same selection from the same outcome.
 */
function ruleReadsOf(job: PreparedJob): string {
  const def = job.def;
  return (job.ruleReads ??= JSON.stringify([
    def.when?.value,
    def.allowFailure?.value,
    def.startIn?.value,
    def.interruptible?.value,
    def.needs?.map(({ pos: _pos, ...need }) => need),
  ]));
}

/** A job's decision before `when`/`needs` are applied. Shared between jobs: never changed. */
interface Selection {
  /** Whether the job is listed in the pipeline: when its presence is uncertain, as the deciding rule says. */
  included: boolean;
  /** The job may be left out, or run differently, depending on unknown inputs. */
  uncertain: boolean;
  presence: Presence;
  /** The unknown inputs that make it uncertain. */
  unknowns: UnknownInput[];
  decision: Decision;
  rule?: RuleDef;
  /** What the matched rule (or none) makes of the job. */
  result: JobRuleResult;
  /** How other rules that may match first would run it, where that differs (PipelineJob.mayRunAs). */
  alternatives?: JobRunning[];
  errors: Diagnostic[];
  warnings: string[];
}

const NO_WARNINGS: string[] = [];
const NO_UNKNOWNS: UnknownInput[] = [];
const NO_ERRORS: Diagnostic[] = [];

/**
 * `rules:` selections of one pipeline: one per rules outcome (shared by the jobs of one template,
 * `RulesMemo`) and per what the selection reads of the job (`ruleReadsOf`).
 */
class RuleSelections {
  private readonly memo: RulesMemo;
  private readonly selections = new Map<RulesOutcome, Map<string, Selection>>();

  constructor(
    private readonly shapes: RuleShapes,
    private readonly evaluator: (scope: JobScope) => ReturnType<typeof clauseEvaluator>,
  ) {
    this.memo = new RulesMemo(shapes);
  }

  select(job: PreparedJob, rules: RuleDef[], scope: JobScope): Selection {
    // The shape is the prepared job's: looked up once, not in every pipeline.
    const shape = job.ruleShape === undefined ? (job.ruleShape = this.shapes.of(rules)) : job.ruleShape;
    const outcome = this.memo.evaluate(rules, scope, this.evaluator, shape);
    let byJob = this.selections.get(outcome);
    if (!byJob) this.selections.set(outcome, (byJob = new Map()));
    const reads = ruleReadsOf(job);
    let selection = byJob.get(reads);
    if (!selection) byJob.set(reads, (selection = selectByRules(job.def, outcome)));
    return selection;
  }
}

function selectByRules(job: JobDef, outcome: RulesOutcome): Selection {
  // An unknown rule only matters when it would give the job differently than the deciding rule.
  const effect = (r: RuleDef | undefined) => jobRuleEffect(job, r);
  const { certain, presence } = outcomeEffect(outcome, effect);
  // A job that may or may not be there is listed as it would run: so what it would be is shown,
  // and compared between revisions, not hidden among the jobs left out.
  const rule = presence === "uncertain" ? outcome.possible.find((r) => effect(r) !== EXCLUDED) : outcome.matched;
  const result = jobRuleResult(job, rule);
  const when: When = rule ? result.when : "never";
  const alternatives = certain ? undefined : otherRunnings(job, outcome.possible, rule, result, effect);
  return {
    // A rule error makes GitLab evaluate the job as `when: never` and fail the pipeline.
    included: !!rule && when !== "never" && outcome.errors.length === 0,
    uncertain: !certain,
    presence,
    unknowns: certain ? NO_UNKNOWNS : outcome.unknowns,
    decision: {
      kind: "rules",
      ...(rule ? { rule: { index: rule.index, pos: rule.pos, ...(rule.if ? { if: rule.if.value } : {}), when } } : {}),
      trace: outcome.trace,
      ...(rule ? {} : { explanation: "no rule matches, so the job is not added" }),
    },
    ...(rule ? { rule } : {}),
    result,
    ...(alternatives ? { alternatives } : {}),
    errors: outcome.errors,
    warnings: NO_WARNINGS,
  };
}

/** How the other possible rules that keep the job would run it, each way once, where it differs from `shown`. */
function otherRunnings(job: JobDef, possible: Array<RuleDef | undefined>, rule: RuleDef | undefined, shown: JobRuleResult, effect: (r: RuleDef | undefined) => string): JobRunning[] | undefined {
  const key = (r: JobRunning) => `${r.when} ${r.allowFailure} ${String(r.allowFailureExitCodes)}`;
  const seen = new Set([key(shown)]);
  let out: JobRunning[] | undefined;
  for (const other of possible) {
    if (other === rule || effect(other) === EXCLUDED) continue;
    const r = jobRuleResult(job, other);
    const running: JobRunning = { when: r.when, allowFailure: r.allowFailure, ...(r.allowFailureExitCodes ? { allowFailureExitCodes: r.allowFailureExitCodes } : {}) };
    if (seen.has(key(running))) continue;
    seen.add(key(running));
    (out ??= []).push(running);
  }
  return out;
}

/**
 * A selection where an unread include may supply part of the job (its `script`, `stage`, an
 * `extends` parent: how it runs is not known; without rules of its own, whether it runs is not
 * either), or `workflow:rules` that would decide a job without rules differently (`withWorkflow`).
 */
function withUnreadIncludes(job: JobDef, selection: Selection, unread: UnknownInput[], withWorkflow: (() => Selection) | undefined): Selection {
  const ownRules = !!(job.rules || job.only || job.except);
  const alternative = withWorkflow?.();
  const presenceUnknown = job.unreadParts ? !ownRules : alternative !== undefined && alternative.included !== selection.included;
  if (!job.unreadParts && !presenceUnknown) return selection;
  // Listed as it would run when it does (see selectByRules).
  const shown = presenceUnknown && !selection.included && alternative?.included ? alternative : selection;
  return { ...shown, uncertain: true, presence: presenceUnknown ? "uncertain" : shown.presence, unknowns: [...selection.unknowns, ...unread] };
}

function selectByPolicy(job: JobDef, hasWorkflowRules: boolean, clauses: ClauseScope): Selection {
  const expanded = expandedVariables(clauses);
  const policy: PolicyOutcome = evaluateOnlyExcept(job, hasWorkflowRules, {
    context: clauses.context,
    get variables() {
      return expanded();
    },
    evaluateIf: (text) => ifOutcome(text, clauses.scope, job.only?.pos ?? job.except?.pos ?? job.pos),
  });
  const written = !!(job.only || job.except);
  return {
    // A job that may or may not be there is listed, as one whose presence is uncertain.
    included: policy.included !== false,
    uncertain: policy.included === "unknown",
    presence: policy.included === "unknown" ? "uncertain" : policy.included ? "present" : "absent",
    unknowns: policy.unknowns,
    decision: {
      kind: written ? "only-except" : "default",
      trace: policy.trace,
      explanation: written
        ? policy.explanation
        : hasWorkflowRules
          ? "no rules, only or except: with workflow:rules the job is in every pipeline the workflow allows"
          : `no rules, only or except: implicit only: [branches, tags] — ${policy.explanation}`,
    },
    result: jobRuleResult(job, undefined),
    errors: [],
    warnings: policy.warnings,
  };
}

/**
 * Simulates the pipeline GitLab would create for an already-loaded configuration in one
 * context. Loading once and simulating many contexts is fine, except that `include:rules`
 * depend on the context: use `simulatePipeline` (which re-loads) when `hasIncludeRules`.
 */
export async function simulateConfig(
  load: LoadResult,
  context: PipelineContext,
  source?: FileSource,
  options: SimulateConfigOptions = {},
): Promise<Pipeline> {
  const prep = prepared(load.config);
  // `exists:` needs the revision's file list: the one thing to wait for.
  const files = source && prep.usesExists ? await source.list("") : undefined;
  return simulateLoaded(load, prep, context, files, options);
}

/** The simulation proper: synchronous, so that V8 optimises its loop over thousands of jobs. */
function simulateLoaded(load: LoadResult, prep: PreparedConfig, context: PipelineContext, files: string[] | undefined, options: SimulateConfigOptions): Pipeline {
  const config = load.config;
  const errors: Diagnostic[] = load.diagnostics.filter((d) => d.severity === "error");
  const warnings: Diagnostic[] = load.diagnostics.filter((d) => d.severity === "warning");
  const seen = new Set(errors.map((d) => `${d.pos?.file}:${d.pos?.line}:${d.message}`));
  for (const d of prep.validation) {
    const key = `${d.pos?.file}:${d.pos?.line}:${d.message}`;
    // The loader may already report some of these (e.g. needs); do not say it twice.
    if (!seen.has(key) && !errors.some((e) => e.code === d.code && e.pos?.file === d.pos?.file && e.pos?.line === d.pos?.line)) {
      (d.severity === "error" ? errors : warnings).push(d);
      seen.add(key);
    }
  }

  const predefined = [...prePipelineVariables(context, { ciPath: options.ciPath ?? config.root }), ...pipelinePhaseVariables(context)];
  const topLevel = entriesFromDefs(config.variables, "top-level");

  const base = {
    context,
    stages: [] as string[],
    jobs: [] as PipelineJob[],
    excluded: [] as ExcludedJob[],
    errors,
    warnings,
  };

  if (errors.length > 0) {
    const first = errors[0] as Diagnostic;
    return {
      ...base,
      created: false,
      creation: "certain",
      certainty: "certain",
      unknownInputs: [],
      assumedUnset: [],
      notCreated: { reason: "config-error", message: first.message, ...(first.pos ? { pos: first.pos } : {}) },
      variables: resolveScope(buildScope(context, predefined, topLevel)).variables,
    };
  }

  // workflow:rules, seeing predefined, top-level YAML and context variables.
  const workflow = evaluateWorkflow(config.workflow, { scope: buildScope(context, predefined, topLevel), context, files });
  const stats = options.stats;
  if (stats) {
    stats.pipelines++;
    stats.ruleEvaluations += workflow.decision?.trace.length ?? 0;
  }
  errors.push(...workflow.errors);
  const workflowVars = workflow.variables;
  const pipelineName = pipelineNameEntry(config, context, predefined, topLevel, workflowVars);
  const pipelinePredefined = pipelineName ? [...predefined, pipelineName] : predefined;
  // One array per set of workflow variables, so that what is made per root layer is reused.
  let rootVariables = workflowVars.length === 0 ? topLevel : prep.roots.get(workflowVars);
  if (!rootVariables) prep.roots.set(workflowVars, (rootVariables = [...topLevel, ...workflowVars]));
  const table = new PipelineTable(context, pipelinePredefined, rootVariables);
  const pipelineVariables = table.resolved.variables;
  const common = {
    ...base,
    variables: pipelineVariables,
    ...(workflow.decision ? { workflow: workflow.decision } : {}),
  };
  if (!workflow.created || errors.length > 0) {
    const creation = workflow.creationUncertain && errors.length === 0 ? "uncertain" : "certain";
    return {
      ...common,
      created: false,
      creation,
      certainty: creation,
      unknownInputs: creation === "uncertain" ? workflow.unknowns : [],
      assumedUnset: assumedUnset(context, workflow.decision, [], []),
      notCreated: workflow.notCreated ?? { reason: "config-error", message: errors[0]?.message ?? "configuration error" },
    };
  }

  const hasWorkflowRules = !!config.workflow?.rules;
  // Without workflow:rules in the files read, an unread include may have some: whether the
  // pipeline is created, and the jobs without rules that are in it, are then not known.
  const workflowUnread = !hasWorkflowRules && prep.unread.length > 0;
  const root = rootVariables;
  let predefinedIndex: VarScope | undefined;
  const jobs: PipelineJob[] = [];
  const excluded: ExcludedJob[] = [];
  // The needs of each job in the pipeline, by name (the matched rule's, else the job's), with the
  // instance's matrix values for matrix expressions.
  const needsOf = new Map<string, { defs: NeedDef[]; matrix: MatrixValues } | undefined>();
  let anyNeeds = false;
  const duplicateWarnings = new Map<DuplicateRisk, DuplicateJobs>();

  const rules = new RuleSelections(prep.ruleShapes, (scope) => clauseEvaluator(clauseScope(scope)));
  const clauseScope = (scope: JobScope): ClauseScope => ({ scope, context, files, expanded: () => scope.variables });
  const simulateInstance = (job: PreparedJob, instance: PreparedInstance, inherited: VarEntry[]): InstanceOutcome => {
    const def = job.def;
    // Inheriting every top-level variable, the layers do not depend on the pipeline's predefined ones.
    const layered =
      inherited === root ? layeredOver(instance, root) : layerEntries((predefinedIndex ??= scopeOf(pipelinePredefined)), instance, inherited, root);
    const scope = new JobScope(table, ownEntries(table, layered), instance, inherited);
    let selection = def.rules ? rules.select(job, def.rules, scope) : selectByPolicy(def, hasWorkflowRules, clauseScope(scope));
    if (def.unreadParts || (workflowUnread && !def.only && !def.except && !def.rules)) {
      selection = withUnreadIncludes(def, selection, prep.unread, workflowUnread ? () => selectByPolicy(def, true, clauseScope(scope)) : undefined);
    }
    const conditional = prep.conditional.size > 0 ? prep.conditional.get(def.pos.file) : undefined;
    if (conditional && selection.included) selection = { ...selection, uncertain: true, presence: "uncertain", unknowns: [...selection.unknowns, conditional] };
    const certainty = selection.uncertain ? "uncertain" : "certain";
    if (!selection.included) return new InstanceDetails(instance.name, selection, certainty, undefined, NO_ERRORS);
    const rule = selection.rule;
    const finalScope = rule && rule.variables.length > 0 ? scope.withRule(entriesFromDefs(rule.variables, "rule")) : scope;
    let variables: VariableValues;
    let buildErrors = NO_ERRORS;
    if (finalScope.hasCycle()) {
      // Rare: resolve everything the old way so the cycle is reported exactly as GitLab words it.
      const full = finalScope.materialise();
      const resolved = resolveScope(full);
      variables = plainValues(resolved.variables);
      buildErrors = cycleErrors(instance.name, resolved.cycles, full);
    } else {
      variables = finalScope;
    }
    const built = buildJob(job, instance, selection, variables, certainty);
    const plain = buildErrors.length === 0 && selection.errors.length === 0 && selection.warnings.length === 0 && !selection.rule?.needs;
    return plain ? built : new InstanceDetails(instance.name, selection, certainty, built, buildErrors);
  };
  const simulateJob = (job: PreparedJob): JobOutcome => {
    const instances = job.instances;
    const inherited = inheritedRootVariables(job.def, root);
    // Exactly as long as needed: an array grown by `push` reserves room for 17, and outcomes live as long as the pipeline.
    if (instances.length === 1) return [simulateInstance(job, instances[0] as PreparedInstance, inherited)];
    const out = new Array<InstanceOutcome>(instances.length);
    for (let i = 0; i < instances.length; i++) out[i] = simulateInstance(job, instances[i] as PreparedInstance, inherited);
    return out;
  };
  const share = options.share;
  const shared: SharedJobs<JobOutcome> | undefined = share?.pipeline(
    [context, [...table.scope.values()], rootVariables, pipelinePredefined, hasWorkflowRules, files ?? null],
    config,
  );

  const addJob = (built: PipelineJob, needs: NeedDef[] | undefined, matrix: MatrixValues): void => {
    if (needs) anyNeeds = true;
    // By name: a later job of the same name replaces an earlier one (kept only for jobs with needs).
    if (needs || needsOf.has(built.name)) needsOf.set(built.name, needs ? { defs: needs, matrix } : undefined);
    // The result itself, possibly shared with other pipelines: a job with `needs` gets its own copy below.
    jobs.push(built);
  };

  for (let index = 0; index < prep.jobs.length; index++) {
    const prepJob = prep.jobs[index] as PreparedJob;
    const job = prepJob.def;
    let outcome: JobOutcome;
    if (shared) {
      const hit = shared.get(config, index);
      if (hit) outcome = hit;
      else shared.set(config, index, (outcome = simulateJob(prepJob)));
    } else {
      outcome = simulateJob(prepJob);
    }
    if (prepJob.expansionErrors.length > 0) errors.push(...prepJob.expansionErrors);
    for (let k = 0; k < outcome.length; k++) {
      const item = outcome[k] as InstanceOutcome;
      const matrix = (prepJob.instances[k] as PreparedInstance).matrix;
      if (!(item instanceof InstanceDetails)) {
        // Included, nothing to report; `needs` are the job's.
        if (stats && job.rules) stats.ruleEvaluations += item.decidedBy.trace.length;
        if (prepJob.duplicateRisk && !hasWorkflowRules) noteDuplicatePipelineRisk(job.name, prepJob.duplicateRisk, duplicateWarnings);
        addJob(item, job.needs, matrix);
        continue;
      }
      const { name, selection, certainty, built, buildErrors } = item;
      if (stats && job.rules) stats.ruleEvaluations += selection.decision.trace.length;
      if (selection.errors.length > 0) errors.push(...selection.errors);
      for (const w of selection.warnings) warnings.push(warning("regex-invalid", `${job.name}: ${w}`, job.only?.pos ?? job.except?.pos ?? job.pos));
      if (prepJob.duplicateRisk && !hasWorkflowRules) noteDuplicatePipelineRisk(job.name, prepJob.duplicateRisk, duplicateWarnings);
      if (!built) {
        excluded.push({
          name,
          stage: job.stage.value,
          source: job.pos,
          decidedBy: selection.decision,
          certainty,
          presence: selection.presence === "uncertain" ? "uncertain" : "absent",
          ...(selection.unknowns.length ? { unknownInputs: selection.unknowns } : {}),
        });
        continue;
      }
      if (buildErrors.length > 0) errors.push(...buildErrors);
      addJob(built, selection.rule?.needs ?? job.needs, matrix);
    }
  }

  for (const [{ pos }, { count, first: names }] of duplicateWarnings) {
    warnings.push(
      warning(
        "config-invalid",
        `${count === 1 ? `jobs:${names[0]}` : `${count} jobs (${names.join(", ")}${count > 3 ? ", …" : ""})`} may allow multiple pipelines to run for a single action due to \`rules:when\` clause with no \`workflow:rules\``,
        pos,
      ),
    );
  }

  // needs: a needed job absent from the pipeline fails its creation, unless `optional: true`.
  // When the needed job, or the needing one, is there only in some of the possible worlds,
  // GitLab may or may not refuse the pipeline: a warning, and an uncertain creation.
  const creationUnknowns: UnknownInput[] = [];
  if (anyNeeds) {
    const listed = new Map(jobs.map((j) => [j.name, j]));
    const left = new Map(excluded.map((e) => [e.name, e]));
    for (let i = 0; i < jobs.length; i++) {
      const own = needsOf.get((jobs[i] as PipelineJob).name);
      if (!own) continue;
      const pj = jobs[i] as PipelineJob;
      const names: string[] = [];
      for (const need of own.defs) {
        for (const name of needNames(need, prep.jobDefs, own.matrix)) {
          const there = listed.get(name);
          if (there) {
            names.push(name);
            if (!need.optional && there.presence === "uncertain" && pj.presence !== "uncertain") {
              creationUnknowns.push(...(there.unknownInputs ?? []));
              warnings.push(warning("needs-missing", mayBeMissingNeedMessage(pj.name, name), need.pos));
            }
            continue;
          }
          if (need.optional) continue;
          const missing = left.get(name);
          if (!missing && prep.unread.length > 0 && !prep.jobDefs.has(need.job)) {
            // Defined in no file read: an unread include may define it, with rules of its own.
            creationUnknowns.push(...prep.unread);
            names.push(name);
            continue;
          }
          if (missing?.presence === "uncertain" || pj.presence === "uncertain") {
            creationUnknowns.push(...(missing?.unknownInputs ?? []), ...(pj.unknownInputs ?? []));
            warnings.push(warning("needs-missing", mayBeMissingNeedMessage(pj.name, name), need.pos));
          } else {
            errors.push({ code: "needs-missing", severity: "error", message: missingNeedMessage(pj.name, name), pos: need.pos });
          }
        }
      }
      // A copy: `needs` is this pipeline's, and the job result may be shared. (The job has a
      // `needs` field already, so the copy keeps its hidden class.)
      jobs[i] = { ...pj, needs: names };
    }
  }

  const { jobs: finalJobs, present } = byStage(jobs, prep.stageIndex);
  const stages = config.stages.map((s) => s.value).filter((s) => present.has(s));
  // A stage no file read declares (an unread include may): listed first, as its jobs are.
  if (stages.length < present.size) stages.unshift(...[...present].filter((s) => !prep.stageIndex.has(s)));
  // GitLab creates no pipeline without jobs (or with only .pre/.post jobs): uncertain when the
  // jobs that would make it one may all be left out, or may be added — by an unread include too,
  // which may define jobs of its own that run here.
  const counts = (stage: string) => stage !== ".pre" && stage !== ".post";
  const surelyRuns = finalJobs.some((j) => j.presence === "present" && counts(j.stage));
  if (!surelyRuns) {
    for (const j of finalJobs) if (counts(j.stage)) creationUnknowns.push(...(j.unknownInputs ?? []));
    for (const e of excluded) if (e.presence === "uncertain" && counts(e.stage)) creationUnknowns.push(...(e.unknownInputs ?? []));
    creationUnknowns.push(...prep.unread);
  }
  if (workflow.creationUncertain) creationUnknowns.push(...workflow.unknowns);
  if (workflowUnread) creationUnknowns.push(...prep.unread);
  // Jobs left out by the jobs budget: a job the other revision has may be among them.
  if (config.jobsLeftOut) creationUnknowns.push({ kind: "fact", why: config.jobsLeftOut });
  const creation = creationUnknowns.length > 0 || workflow.creationUncertain ? "uncertain" : "certain";
  const anyUncertain = creation === "uncertain" || workflow.uncertain || finalJobs.some((j) => j.certainty === "uncertain") || excluded.some((e) => e.presence === "uncertain");
  const result: Pipeline = {
    ...common,
    created: true,
    creation,
    certainty: anyUncertain ? "uncertain" : "certain",
    unknownInputs: pipelineUnknowns(workflow.unknowns, creationUnknowns, finalJobs, excluded),
    assumedUnset: assumedUnset(context, workflow.decision, finalJobs, excluded),
    stages,
    jobs: finalJobs,
    excluded,
    errors,
    warnings,
  };

  const notCreated = whyNotCreated(finalJobs, errors);
  if (notCreated) return { ...result, created: false, notCreated, jobs: [], stages: [] };
  return result;
}

/** Every unknown input of the pipeline's uncertain answers, each once. */
function pipelineUnknowns(...sources: Array<UnknownInput[] | Array<{ unknownInputs?: UnknownInput[] }>>): UnknownInput[] {
  const seen = new Set<string>();
  const out: UnknownInput[] = [];
  const add = (u: UnknownInput) => {
    const key = inputKey(u);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(u);
  };
  // Jobs of one template share one list: each list is read once.
  const lists = new Set<UnknownInput[]>();
  for (const source of sources) {
    for (const item of source) {
      if ("kind" in item) add(item);
      else if (item.unknownInputs && !lists.has(item.unknownInputs)) {
        lists.add(item.unknownInputs);
        item.unknownInputs.forEach(add);
      }
    }
  }
  return out;
}

/**
 * GitLab reserves these prefixes for its predefined variables: a name with one that a context
 * does not set is known to be unset there (CI_COMMIT_BRANCH in an MR pipeline), not assumed.
 */
const PREDEFINED_NAME = /^(CI|GITLAB|CHAT|TRIGGER)_|^(CI|GITLAB_CI)$/;

/**
 * The variables defined nowhere that a rule on the way to a decision read (and so saw as unset):
 * not predefined, and not set or unset by the context.
 */
function assumedUnset(context: PipelineContext, workflow: Decision | undefined, jobs: PipelineJob[], excluded: ExcludedJob[]): string[] {
  const names = new Set<string>();
  const seen = new Set<Decision["trace"]>();
  const read = (trace: Decision["trace"] | undefined) => {
    if (!trace || seen.has(trace)) return;
    seen.add(trace);
    for (const row of trace) {
      for (const name in row.reads) if (row.reads[name] === null && !PREDEFINED_NAME.test(name) && !Object.hasOwn(context.variables, name)) names.add(name);
    }
  };
  read(workflow?.trace);
  for (const j of jobs) read(j.decidedBy.trace);
  for (const e of excluded) read(e.decidedBy.trace);
  return [...names].sort();
}

/**
 * GitLab sorts a job's variables before expanding them (Variables::Collection::Sort, on since
 * the `variable_inside_variable` flag was removed in 14.x) and, when two or more variables
 * refer to each other, fails the pipeline with a configuration error
 * (Pipeline::Seed::Build#variable_expansion_errors): `job: circular variable reference
 * detected: ["A", "B"]`. A variable that refers only to itself is not a cycle there (a
 * strongly connected component of size 1): GitLab expands it once; we leave it unknown.
 */
function cycleErrors(jobName: string, cycles: string[][], scope: VarScope): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const cycle of cycles) {
    const names = [...new Set(cycle)];
    if (names.length < 2) continue;
    const key = [...names].sort().join("\0");
    if (seen.has(key)) continue;
    seen.add(key);
    const pos = names.map((n) => scope.get(n)?.pos).find((p) => p !== undefined);
    const list = `[${names.map((n) => JSON.stringify(n)).join(", ")}]`;
    out.push({ code: "variable-cycle", severity: "error", message: `${jobName}: circular variable reference detected: ${list}`, ...(pos ? { pos } : {}) });
  }
  return out;
}

function whyNotCreated(jobs: PipelineJob[], errors: Diagnostic[]): Pipeline["notCreated"] | undefined {
  const needsError = errors.find((e) => e.code === "needs-missing");
  if (needsError) return { reason: "needs-error", message: needsError.message, ...(needsError.pos ? { pos: needsError.pos } : {}) };
  if (errors.length > 0) {
    const first = errors[0] as Diagnostic;
    return { reason: "config-error", message: first.message, ...(first.pos ? { pos: first.pos } : {}) };
  }
  if (jobs.length === 0) {
    return { reason: "no-jobs", message: "Pipeline will not run for the selected trigger. The rules configuration prevented any jobs from being added to the pipeline." };
  }
  // A pipeline of only `.pre`/`.post` jobs is not created (ci/yaml#stages).
  if (jobs.every((j) => j.stage === ".pre" || j.stage === ".post")) {
    return { reason: "only-pre-post", message: "Pipeline will not run: it would contain only jobs in the .pre and .post stages." };
  }
  return undefined;
}

/**
 * The jobs in stage order (a stage not declared counts as the first), jobs of one stage in the
 * order they are defined in — what a stable sort by stage index gives, in one pass — and the
 * stages that have jobs.
 */
function byStage(jobs: PipelineJob[], stageIndex: ReadonlyMap<string, number>): { jobs: PipelineJob[]; present: Set<string> } {
  const buckets: PipelineJob[][] = [];
  const present = new Set<string>();
  let last: string | undefined;
  let bucket: PipelineJob[] = [];
  for (const job of jobs) {
    // Neighbours usually share a stage: look the index up only when it changes.
    if (job.stage !== last) {
      last = job.stage;
      present.add(last);
      const index = stageIndex.get(last) ?? 0;
      bucket = buckets[index] ??= [];
    }
    bucket.push(job);
  }
  const out: PipelineJob[] = [];
  for (const b of buckets) if (b) for (const job of b) out.push(job);
  return { jobs: out, present };
}

function buildJob(job: PreparedJob, instance: JobInstance, selection: Selection, values: VariableValues, certainty: "certain" | "uncertain"): PipelineJob {
  const def = job.def;
  const result = selection.result;
  // One literal with every field, absent ones undefined (JSON and deep equality skip them): all
  // jobs then share one hidden class, and no temporary object is made per optional field.
  // `needs` last, where the copy that sets it used to add it.
  return {
    name: instance.name,
    baseName: instance.baseName,
    stage: def.stage.value,
    when: result.when,
    allowFailure: result.allowFailure,
    allowFailureExitCodes: result.allowFailureExitCodes,
    mayRunAs: selection.alternatives,
    startIn: result.startIn || undefined,
    certainty,
    presence: selection.presence === "uncertain" ? "uncertain" : "present",
    unknownInputs: selection.unknowns.length ? selection.unknowns : undefined,
    image: job.image?.resolve(values),
    services: job.constantServices ?? job.services.map((s) => s.resolve(values)),
    variables: values.variables,
    source: def.pos,
    decidedBy: selection.decision,
    trigger: job.trigger,
    beforeScript: def.beforeScript,
    script: def.script,
    interruptible: result.interruptible,
    needs: undefined,
  };
}

/**
 * GitLab warns when a job's last rule is a bare `when:` (not never) and there are no
 * workflow:rules: such a job runs in branch AND MR pipelines (Processable#validate_against_warnings).
 * One warning per rule position, naming the jobs.
 */
function warnsOfDuplicatePipelines(last: RuleDef): boolean {
  if (last.if || last.changes || last.exists || !last.when || last.when.value === "never") return false;
  return !(last.variables.length || last.allowFailure || last.startIn || last.needs || last.interruptible);
}

/** The jobs a duplicate-pipelines warning names: how many, and the first three (all the message shows). */
interface DuplicateJobs {
  count: number;
  first: string[];
}

function noteDuplicatePipelineRisk(name: string, risk: DuplicateRisk, into: Map<DuplicateRisk, DuplicateJobs>): void {
  let entry = into.get(risk);
  if (!entry) into.set(risk, (entry = { count: 0, first: [] }));
  if (entry.count++ < 3) entry.first.push(name);
}

/** workflow:name → CI_PIPELINE_NAME, expanded with the pipeline's variables. */
function pipelineNameEntry(config: CiConfig, context: PipelineContext, ...layers: VarEntry[][]): VarEntry | undefined {
  const name = config.workflow?.name;
  if (!name) return undefined;
  const vars = resolveScope(buildScope(context, ...layers)).variables;
  const text = expandText(name.value, (n) => vars[n]?.value, { undefinedAs: "unknown" });
  return text.known
    ? { name: "CI_PIPELINE_NAME", raw: text.text, expand: false, origin: "predefined", pos: name.pos }
    : { name: "CI_PIPELINE_NAME", raw: "", expand: false, origin: "predefined", pos: name.pos, unknown: `workflow:name depends on ${text.unknowns.join(", ")}` };
}
