import { warning, type Diagnostic } from "../../core/diagnostic.js";
import type { FileSource } from "../../core/file-source.js";
import type { Pos } from "../../core/pos.js";
import type { PipelineContext } from "../context.js";
import type { CiConfig, JobDef, LoadResult, RuleDef, When } from "../model.js";
import type { Decision, ExcludedJob, Pipeline, PipelineJob, ResolvedVar } from "../pipeline.js";
import { clauseEvaluator, expandedVariables, ifOutcome, type ClauseScope } from "./clauses.js";
import { outcomeIsCertain, type RulesOutcome } from "./evaluate-rules.js";
import { jobRuleEffect, jobRuleResult } from "./rule-effect.js";
import { RulesMemo } from "./rules-memo.js";
import { expandText } from "./expand-variables.js";
import { missingNeedMessage, needNames } from "./needs.js";
import { evaluateOnlyExcept, type PolicyOutcome } from "./only-except.js";
import { expandParallel, type JobInstance } from "./parallel.js";
import { jobPhaseVariables, pipelinePhaseVariables, prePipelineVariables } from "./predefined-variables.js";
import { resolveImage } from "./resolve-image.js";
import { resolveScope } from "./resolve-variables.js";
import { validateConfig } from "./validate-config.js";
import { entriesFromContext, entriesFromDefs, scopeOf, unsetByContext, type VarEntry, type VarScope } from "./variable-entry.js";
import { JobScope, lazyVariables, ownEntries, PipelineTable } from "./job-variables.js";
import { evaluateWorkflow } from "./workflow.js";
import type { SimulateStats } from "./stats.js";
import type { SimulationShare } from "./simulation-share.js";

export interface SimulateConfigOptions {
  /** CI_CONFIG_PATH; the config's root file by default. */
  ciPath?: string;
  /** Counters to add this simulation's work to (the benchmark's rule evaluations). */
  stats?: SimulateStats;
  /** Job results to reuse from, and add to, other simulations of the same analysis. */
  share?: SimulationShare<JobOutcome>;
}

/** What simulating one job (all its `parallel` instances) gives, independent of the other jobs. */
export interface JobOutcome {
  expansionErrors: Diagnostic[];
  instances: Array<{ name: string; selection: Selection; certainty: "certain" | "uncertain"; built?: PipelineJob; buildErrors: Diagnostic[] }>;
}

/** Builds a scope from layers (lowest precedence first), then drops what the context unsets. */
function buildScope(context: PipelineContext, ...layers: VarEntry[][]): VarScope {
  const scope: VarScope = new Map();
  for (const layer of layers) for (const e of layer) scope.set(e.name, e);
  for (const e of entriesFromContext(context.variables)) scope.set(e.name, e);
  for (const name of unsetByContext(context.variables)) scope.delete(name);
  return scope;
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

/** A job's decision before `when`/`needs` are applied. */
interface Selection {
  included: boolean;
  uncertain: boolean;
  decision: Decision;
  rule?: RuleDef;
  errors: Diagnostic[];
  warnings: string[];
}

function selectByRules(job: JobDef, rules: RuleDef[], clauses: ClauseScope, memo: RulesMemo): Selection {
  const outcome: RulesOutcome = memo.evaluate(rules, clauses.scope, () => clauseEvaluator(clauses));
  const rule = outcome.matched;
  const when: When = rule ? jobRuleResult(job, rule).when : "never";
  return {
    // A rule error makes GitLab evaluate the job as `when: never` and fail the pipeline.
    included: !!rule && when !== "never" && outcome.errors.length === 0,
    // An unknown rule only matters when it would give the job differently than the deciding rule.
    uncertain: !outcomeIsCertain(outcome, (r) => jobRuleEffect(job, r)),
    decision: {
      kind: "rules",
      ...(rule ? { rule: { index: rule.index, pos: rule.pos, ...(rule.if ? { if: rule.if.value } : {}), when } } : {}),
      trace: outcome.trace,
      ...(rule ? {} : { explanation: "no rule matches, so the job is not added" }),
    },
    ...(rule ? { rule } : {}),
    errors: outcome.errors,
    warnings: [],
  };
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
    // Unknown clauses count as not holding: an unknown `only` excludes, an unknown `except` does not.
    included: policy.included === true || (policy.included === "unknown" && onlyHoldsExceptUnknown(policy)),
    uncertain: policy.included === "unknown",
    decision: {
      kind: written ? "only-except" : "default",
      trace: policy.trace,
      explanation: written
        ? policy.explanation
        : hasWorkflowRules
          ? "no rules, only or except: with workflow:rules the job is in every pipeline the workflow allows"
          : `no rules, only or except: implicit only: [branches, tags] — ${policy.explanation}`,
    },
    errors: [],
    warnings: policy.warnings,
  };
}

/** With unknowns treated as "does not hold": included when `only` holds for sure and `except` is not sure. */
function onlyHoldsExceptUnknown(policy: PolicyOutcome): boolean {
  const only = policy.trace.find((t) => t.note?.startsWith("only"));
  const except = policy.trace.find((t) => t.note?.startsWith("except"));
  return (only ? only.result === true : true) && (except ? except.result !== true : true);
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
  const config = load.config;
  const errors: Diagnostic[] = load.diagnostics.filter((d) => d.severity === "error");
  const warnings: Diagnostic[] = load.diagnostics.filter((d) => d.severity === "warning");
  const seen = new Set(errors.map((d) => `${d.pos?.file}:${d.pos?.line}:${d.message}`));
  for (const d of validateConfig(config)) {
    const key = `${d.pos?.file}:${d.pos?.line}:${d.message}`;
    // The loader may already report some of these (e.g. needs); do not say it twice.
    if (!seen.has(key) && !errors.some((e) => e.code === d.code && e.pos?.file === d.pos?.file && e.pos?.line === d.pos?.line)) {
      errors.push(d);
      seen.add(key);
    }
  }

  const predefined = [...prePipelineVariables(context, { ciPath: options.ciPath ?? config.root }), ...pipelinePhaseVariables(context)];
  const topLevel = entriesFromDefs(config.variables, "top-level");
  const files = source && usesExists(config) ? await source.list("") : undefined;

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
      certainty: "certain",
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
  const table = new PipelineTable(
    buildScope(context, pipelinePredefined, topLevel, workflowVars),
    new Set(entriesFromContext(context.variables).map((e) => e.name)),
    unsetByContext(context.variables),
  );
  const pipelineVariables = table.resolved.variables;
  const common = {
    ...base,
    variables: pipelineVariables,
    ...(workflow.decision ? { workflow: workflow.decision } : {}),
  };
  if (!workflow.created || errors.length > 0) {
    return {
      ...common,
      created: false,
      certainty: workflow.uncertain ? "uncertain" : "certain",
      notCreated: workflow.notCreated ?? { reason: "config-error", message: errors[0]?.message ?? "configuration error" },
    };
  }

  const hasWorkflowRules = !!config.workflow?.rules;
  const stageIndex = new Map(config.stages.map((s, i) => [s.value, i]));
  const rootVariables = [...topLevel, ...workflowVars];
  const predefinedIndex = scopeOf(pipelinePredefined);
  const jobs: Array<PipelineJob & { order: number }> = [];
  const excluded: ExcludedJob[] = [];
  const needsOf = new Map<string, { job: JobDef; rule?: RuleDef }>();
  const duplicateWarnings = new Map<string, { pos: Pos; jobs: string[] }>();
  let order = 0;

  const rulesMemo = new RulesMemo();
  const simulateJob = (job: JobDef): JobOutcome => {
    const expansion = expandParallel(job);
    const instances: JobOutcome["instances"] = [];
    for (const instance of expansion.instances) {
      const layers = {
        jobPhase: jobPhaseVariables({ name: instance.name, stage: job.stage.value, nodeTotal: instance.nodeTotal, ...(instance.nodeIndex ? { nodeIndex: instance.nodeIndex } : {}) }),
        inherited: inheritedRootVariables(job, rootVariables),
        root: rootVariables,
        job: entriesFromDefs(job.variables, "job"),
        matrix: instance.matrix,
      };
      const scope = new JobScope(table, ownEntries(table, predefinedIndex, layers), () =>
        buildScope(context, pipelinePredefined, layers.jobPhase, layers.inherited, layers.job, layers.matrix),
      );
      const clauses: ClauseScope = { scope, context, files, expanded: () => lazyVariables(scope) };
      const selection = job.rules ? selectByRules(job, job.rules, clauses, rulesMemo) : selectByPolicy(job, hasWorkflowRules, clauses);
      const certainty = selection.uncertain ? "uncertain" : "certain";
      const buildErrors: Diagnostic[] = [];
      const built = selection.included ? buildJob(job, instance, selection, scope, certainty, buildErrors) : undefined;
      instances.push({ name: instance.name, selection, certainty, ...(built ? { built } : {}), buildErrors });
    }
    return { expansionErrors: expansion.errors, instances };
  };
  const share = options.share;
  const shared = share?.pipeline([context, [...table.scope.values()], rootVariables, pipelinePredefined, hasWorkflowRules, files ?? null]);

  for (const job of config.jobs) {
    let outcome: JobOutcome;
    if (share && shared) {
      const key = share.jobKey(job);
      const hit = shared.get(key);
      if (hit) outcome = hit;
      else shared.set(key, (outcome = simulateJob(job)));
    } else {
      outcome = simulateJob(job);
    }
    errors.push(...outcome.expansionErrors);
    for (const { name, selection, certainty, built, buildErrors } of outcome.instances) {
      order++;
      if (stats && job.rules) stats.ruleEvaluations += selection.decision.trace.length;
      errors.push(...selection.errors);
      for (const w of selection.warnings) warnings.push(warning("regex-invalid", `${job.name}: ${w}`, job.only?.pos ?? job.except?.pos ?? job.pos));
      if (job.rules && !hasWorkflowRules) noteDuplicatePipelineRisk(job, duplicateWarnings);
      if (!built) {
        excluded.push({ name, source: job.pos, decidedBy: selection.decision, certainty });
        continue;
      }
      errors.push(...buildErrors);
      needsOf.set(built.name, { job, ...(selection.rule ? { rule: selection.rule } : {}) });
      // A copy: `needs` is set below from this pipeline's jobs, and the result may be shared.
      jobs.push({ ...built, order });
    }
  }

  for (const { pos, jobs: names } of duplicateWarnings.values()) {
    warnings.push(
      warning(
        "config-invalid",
        `${names.length === 1 ? `jobs:${names[0]}` : `${names.length} jobs (${names.slice(0, 3).join(", ")}${names.length > 3 ? ", …" : ""})`} may allow multiple pipelines to run for a single action due to \`rules:when\` clause with no \`workflow:rules\``,
        pos,
      ),
    );
  }

  // needs: a needed job absent from the pipeline fails its creation, unless `optional: true`.
  const present = new Set(jobs.map((j) => j.name));
  const jobDefs = new Map(config.jobs.map((j) => [j.name, j]));
  let needsUncertain = false;
  for (const pj of jobs) {
    const origin = needsOf.get(pj.name);
    const defs = origin?.rule?.needs ?? origin?.job.needs;
    if (!defs) continue;
    const names: string[] = [];
    for (const need of defs) {
      for (const name of needNames(need, jobDefs)) {
        if (present.has(name)) names.push(name);
        else if (!need.optional) {
          errors.push({ code: "needs-missing", severity: "error", message: missingNeedMessage(pj.name, name), pos: need.pos });
          if (excluded.find((e) => e.name === name)?.certainty === "uncertain" || pj.certainty === "uncertain") needsUncertain = true;
        }
      }
    }
    pj.needs = names;
  }

  jobs.sort((a, b) => (stageIndex.get(a.stage) ?? 0) - (stageIndex.get(b.stage) ?? 0) || a.order - b.order);
  const finalJobs: PipelineJob[] = jobs.map(({ order: _order, ...j }) => j);
  const stages = config.stages.map((s) => s.value).filter((s) => finalJobs.some((j) => j.stage === s));
  const anyUncertain = workflow.uncertain || needsUncertain || finalJobs.some((j) => j.certainty === "uncertain") || excluded.some((e) => e.certainty === "uncertain");
  const result: Pipeline = {
    ...common,
    created: true,
    certainty: anyUncertain ? "uncertain" : "certain",
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

function buildJob(
  job: JobDef,
  instance: JobInstance,
  selection: Selection,
  scope: JobScope,
  certainty: "certain" | "uncertain",
  errors: Diagnostic[],
): PipelineJob {
  const rule = selection.rule;
  const ruleEntries = rule ? entriesFromDefs(rule.variables, "rule") : [];
  const fullScope = (): VarScope => {
    const finalScope: VarScope = scope.materialise();
    // rules:variables override job (and matrix) variables, but not context variables.
    for (const e of ruleEntries) {
      const current = finalScope.get(e.name);
      if (current?.origin !== "context") finalScope.set(e.name, e);
    }
    return finalScope;
  };
  const finalScope = scope.withRule(ruleEntries, fullScope);
  let variables: Record<string, ResolvedVar>;
  if (finalScope.hasCycle()) {
    // Rare: resolve everything the old way so the cycle is reported exactly as GitLab words it.
    const full = fullScope();
    const resolved = resolveScope(full);
    variables = resolved.variables;
    errors.push(...cycleErrors(instance.name, resolved.cycles, full));
  } else {
    variables = lazyVariables(finalScope);
  }
  const { when, allowFailure, startIn, interruptible } = jobRuleResult(job, rule);
  return {
    name: instance.name,
    baseName: instance.baseName,
    stage: job.stage.value,
    when,
    allowFailure,
    ...(startIn ? { startIn } : {}),
    certainty,
    ...(job.image ? { image: resolveImage(job.image, variables) } : {}),
    services: job.services.map((s) => resolveImage(s, variables)),
    variables,
    source: job.pos,
    decidedBy: selection.decision,
    ...(job.trigger ? { trigger: { kind: job.trigger.kind, target: job.trigger.project ?? (job.trigger.include ?? []).join(", ") } } : {}),
    beforeScript: job.beforeScript,
    script: job.script,
    ...(interruptible !== undefined ? { interruptible } : {}),
  };
}

/**
 * GitLab warns when a job's last rule is a bare `when:` (not never) and there are no
 * workflow:rules: such a job runs in branch AND MR pipelines (Processable#validate_against_warnings).
 * One warning per rule position, naming the jobs.
 */
function noteDuplicatePipelineRisk(job: JobDef, into: Map<string, { pos: Pos; jobs: string[] }>): void {
  const last = job.rules?.[job.rules.length - 1];
  if (!last || last.if || last.changes || last.exists || !last.when || last.when.value === "never") return;
  if (last.variables.length || last.allowFailure || last.startIn || last.needs || last.interruptible) return;
  const key = `${last.pos.file}:${last.pos.line}`;
  const entry = into.get(key) ?? { pos: last.pos, jobs: [] };
  entry.jobs.push(job.name);
  into.set(key, entry);
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
