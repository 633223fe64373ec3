import type { Pos } from "../core/pos.js";
import type { PipelineSource, RefSpec } from "../gitlab-ci/context.js";
import type { When } from "../gitlab-ci/model.js";
import type { Decision, ExcludedJob, Pipeline, PipelineJob } from "../gitlab-ci/pipeline.js";
import { describeUnknownInput } from "../gitlab-ci/unknown-input.js";

/**
 * A prediction as the comparison with a real pipeline needs it: per job, whether it is in the
 * pipeline and how it runs, with the rule that decided and how sure the engine was. Plain and
 * small, so a bot can keep one per analysed commit until the platform says what really ran.
 */
export interface PredictedRun {
  ref: RefSpec;
  source: PipelineSource;
  /** GitHub Actions: the event the run stands for (`push`, `pull_request`, ...). */
  event?: string;
  created: boolean;
  creation: "certain" | "uncertain";
  /** Why no pipeline is created, when none is. */
  notCreated?: string;
  /** The workflow rule that decided the pipeline's creation, when there is one. */
  workflowRule?: DecidingRule;
  /** The jobs in the pipeline (surely, or unless an unknown input leaves them out). */
  jobs: PredictedJob[];
  /** The jobs defined but left out (surely, or unless an unknown input puts them in). */
  excluded: PredictedJob[];
  /**
   * What the engine could not read (an include from elsewhere, a reusable workflow of another
   * repository): a job the platform creates from it is not one the prediction could name.
   */
  unread: Array<{ what: string; pos?: Pos }>;
  /** Variables a rule read that are defined nowhere, taken as unset (GitLab's reading). */
  assumedUnset: string[];
}

export interface PredictedJob {
  name: string;
  /** The job's key before `parallel`/`matrix` expansion (GitHub: the job id). */
  baseName: string;
  stage: string;
  /** Absent for a job left out: it has no `when` in the pipeline. */
  when?: When;
  allowFailure?: boolean;
  presence: "present" | "absent" | "uncertain";
  /** "uncertain" when an unknown input may change whether or how the job runs. */
  certainty: "certain" | "uncertain";
  /** The unknown inputs that made it uncertain, in a few words each. */
  unknowns: string[];
  rule: DecidingRule;
  source: Pos;
  /** A trigger job (GitLab's bridge): it starts a downstream pipeline instead of running a script. */
  trigger?: boolean;
  /** The jobs it needs, as written (GitHub: job ids of its workflow). */
  needs?: string[];
}

/** The rule that decided a job (or the pipeline), as a person reads it: where, which one and its `if:`. */
export interface DecidingRule {
  kind: Decision["kind"];
  pos?: Pos;
  /** 0-based index in its `rules:` list. */
  index?: number;
  if?: string;
  /** only/except in words. */
  explanation?: string;
}

/** The comparable part of a simulated pipeline. */
export function predictedRun(pipeline: Pipeline): PredictedRun {
  const { context } = pipeline;
  const unread = pipeline.warnings
    .filter((w) => w.code === "include-not-analysed" || w.code === "not-analysed")
    .map((w) => ({ what: w.message, ...(w.pos ? { pos: w.pos } : {}) }));
  return {
    ref: context.ref,
    source: context.source,
    ...(context.event ? { event: context.event } : {}),
    created: pipeline.created,
    creation: pipeline.creation,
    ...(pipeline.notCreated ? { notCreated: pipeline.notCreated.message } : {}),
    ...(pipeline.workflow ? { workflowRule: decidingRule(pipeline.workflow) } : {}),
    jobs: pipeline.jobs.map(predictedJob),
    excluded: pipeline.excluded.map(excludedJob),
    unread,
    assumedUnset: [...pipeline.assumedUnset],
  };
}

function predictedJob(job: PipelineJob): PredictedJob {
  return {
    ...jobFacts(job),
    baseName: job.baseName,
    when: job.when,
    allowFailure: job.allowFailure,
    ...(job.trigger ? { trigger: true } : {}),
    ...(job.needs && job.needs.length > 0 ? { needs: [...job.needs] } : {}),
  };
}

function excludedJob(job: ExcludedJob): PredictedJob {
  return { ...jobFacts(job), baseName: job.name };
}

/** What a job in the pipeline and a job left out both say. */
function jobFacts(job: PipelineJob | ExcludedJob) {
  return {
    name: job.name,
    stage: job.stage,
    presence: job.presence,
    certainty: job.certainty,
    unknowns: (job.unknownInputs ?? []).map(describeUnknownInput),
    rule: decidingRule(job.decidedBy),
    source: job.source,
  };
}

/** The deciding rule; with none matching, the last rule checked (what left the job out). */
function decidingRule(decision: Decision): DecidingRule {
  const rule = decision.rule ?? decision.trace[decision.trace.length - 1];
  return {
    kind: decision.kind,
    ...(rule ? { pos: rule.pos, index: rule.index } : {}),
    ...(rule?.if !== undefined ? { if: rule.if } : {}),
    ...(decision.explanation ? { explanation: decision.explanation } : {}),
  };
}

/**
 * The part of a GitHub Actions prediction that one workflow run answers: the jobs of that
 * workflow (their stage is its name). A run exists only for a workflow that started, so the
 * run was predicted when some job of it was.
 */
export function workflowPart(predicted: PredictedRun, workflow: string): PredictedRun {
  const jobs = predicted.jobs.filter((j) => j.stage === workflow);
  const excluded = predicted.excluded.filter((j) => j.stage === workflow);
  return {
    ...predicted,
    jobs,
    excluded,
    created: jobs.length > 0,
    creation: jobs.some((j) => j.presence === "present") || (jobs.length === 0 && !excluded.some((j) => j.presence === "uncertain")) ? "certain" : "uncertain",
  };
}
