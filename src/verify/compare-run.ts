import type { ObservedJob, ObservedRun } from "./observed-run.js";
import type { DecidingRule, PredictedJob, PredictedRun } from "./predicted-run.js";

/**
 * How one prediction fared against what the platform did:
 * - `agreed`: the prediction was certain and the platform did just that;
 * - `differed`: the prediction was certain and the platform did otherwise (a wrong answer);
 * - `could-not-tell`: the prediction named unknown inputs it depended on (or the real run had
 *   inputs nobody could read), so it made no claim to be right;
 * - `explained`: the platform did otherwise for a reason it states, which is no prediction of
 *   ci-explain's (a job from an include it could not read, a job a policy added, a job GitHub
 *   skipped because a job it needs failed).
 */
export type CheckOutcome = "agreed" | "differed" | "could-not-tell" | "explained";

export const CHECK_OUTCOMES: readonly CheckOutcome[] = ["agreed", "differed", "could-not-tell", "explained"];

export type JobField = "presence" | "stage" | "when" | "allow_failure";

export interface FieldDifference {
  field: JobField;
  predicted: string;
  observed: string;
}

export interface JobCheck {
  name: string;
  outcome: CheckOutcome;
  /** Whether the prediction's answer (for an uncertain one, the answer it showed) is what happened. */
  matched: boolean;
  /** Whether the prediction claimed to be sure (metrics count the two kinds apart). */
  certainty: "certain" | "uncertain";
  /** Undefined for a job the prediction does not know at all. */
  predicted?: PredictedJob;
  observed?: ObservedJob;
  differences: FieldDifference[];
  /** What the platform's answer is explained by (outcome `explained`). */
  explanation?: string;
  /** Why the prediction could not tell (outcome `could-not-tell`). */
  unknowns: string[];
}

export interface RunCheck {
  /** The platform's side, without its job list (each job is in `jobs`). */
  observed: Omit<ObservedRun, "jobs">;
  pipeline: {
    outcome: CheckOutcome;
    predicted: boolean;
    observed: boolean;
    rule?: DecidingRule;
    /** The prediction's reason for no pipeline, when it predicted none. */
    notCreated?: string;
  };
  jobs: JobCheck[];
  counts: Record<CheckOutcome, number>;
  /** What the prediction could not read and what it took as unset: the likeliest causes of a difference. */
  unread: string[];
  assumedUnset: string[];
}

/** GitLab's pipeline execution policies run their jobs in these reserved stages (GitLab 17.x). */
const POLICY_STAGES = new Set([".pipeline-policy-pre", ".pipeline-policy-post"]);

/** Compare a prediction with what the platform created for the same commit, ref and source. */
export function compareRun(predicted: PredictedRun, observed: ObservedRun): RunCheck {
  const { jobs: observedJobs, ...observedRest } = observed;
  const byName = new Map<string, ObservedJob[]>();
  for (const job of observedJobs) {
    const list = byName.get(job.name);
    if (list) list.push(job);
    else byName.set(job.name, [job]);
  }
  const take = (name: string): ObservedJob | undefined => {
    const list = byName.get(name);
    const job = list?.shift();
    if (list && list.length === 0) byName.delete(name);
    return job;
  };
  const pairs: Array<{ prediction?: Prediction; real?: ObservedJob }> = [];
  for (const job of predicted.jobs) pairs.push({ prediction: { job, inPipeline: true }, real: take(job.name) });
  for (const job of predicted.excluded) pairs.push({ prediction: { job, inPipeline: false }, real: take(job.name) });
  for (const list of byName.values()) for (const real of list) pairs.push({ real });
  const outcomes = neededOutcomes(pairs);
  const checks = pairs.map((p) => checkJob(predicted, observed, p.prediction, p.real, outcomes));

  const counts = { agreed: 0, differed: 0, "could-not-tell": 0, explained: 0 } satisfies Record<CheckOutcome, number>;
  for (const c of checks) counts[c.outcome]++;
  return {
    observed: observedRest,
    pipeline: pipelineCheck(predicted, observed),
    jobs: checks,
    counts,
    unread: predicted.unread.map((u) => u.what),
    assumedUnset: predicted.assumedUnset,
  };
}

function pipelineCheck(predicted: PredictedRun, observed: ObservedRun): RunCheck["pipeline"] {
  const same = predicted.created === observed.created;
  const uncertain = predicted.creation === "uncertain" || (!same && observed.unseenInputs.length > 0);
  return {
    outcome: uncertain ? "could-not-tell" : same ? "agreed" : "differed",
    predicted: predicted.created,
    observed: observed.created,
    ...(predicted.workflowRule ? { rule: predicted.workflowRule } : {}),
    ...(predicted.notCreated ? { notCreated: predicted.notCreated } : {}),
  };
}

interface Prediction {
  job: PredictedJob;
  /** In the pipeline's job list (the answer shown), or among the jobs left out. */
  inPipeline: boolean;
}

/** GitHub skips a job when a job it `needs` did not succeed ("Using jobs in a workflow", needs). */
const NOT_SUCCEEDED = new Set(["failure", "cancelled", "skipped", "timed_out", "action_required"]);

/**
 * What each predicted job's real counterpart ended as, by the name its `needs` use: the job id
 * within its workflow (the jobs of one workflow share the name's prefix).
 */
function neededOutcomes(pairs: ReadonlyArray<{ prediction?: Prediction; real?: ObservedJob }>): Map<string, string[]> {
  const outcomes = new Map<string, string[]>();
  for (const { prediction, real } of pairs) {
    if (!prediction || !real) continue;
    const key = needKey(prediction.job, prediction.job.baseName);
    outcomes.set(key, [...(outcomes.get(key) ?? []), real.status]);
  }
  return outcomes;
}

function needKey(job: PredictedJob, need: string): string {
  const prefix = job.name.slice(0, Math.max(0, job.name.lastIndexOf(" / ")));
  return `${job.stage}\0${prefix}\0${need}`;
}

/** Why GitHub skipped a job the prediction runs: a job it needs that did not succeed. */
function skippedForNeeds(job: PredictedJob, outcomes: Map<string, string[]>): string | undefined {
  for (const need of job.needs ?? []) {
    const failed = (outcomes.get(needKey(job, need)) ?? []).find((status) => NOT_SUCCEEDED.has(status));
    if (failed) return `skipped because a job it needs, ${need}, ended ${failed}`;
  }
  return undefined;
}

function checkJob(run: PredictedRun, observed: ObservedRun, prediction: Prediction | undefined, real: ObservedJob | undefined, outcomes: Map<string, string[]>): JobCheck {
  const name = prediction?.job.name ?? real?.name ?? "";
  const ran = real !== undefined && real.ran;
  const base = { name, ...(prediction ? { predicted: prediction.job } : {}), ...(real ? { observed: real } : {}) };

  if (!prediction) {
    // A job the configuration, as the engine read it, does not define.
    const difference: FieldDifference = { field: "presence", predicted: "not defined", observed: real?.status ?? "" };
    if (!ran) return { ...base, outcome: "agreed", matched: true, certainty: "certain", differences: [], unknowns: [] };
    const explanation = unknownJobExplanation(run, real);
    if (explanation) return { ...base, outcome: "explained", matched: false, certainty: "certain", differences: [difference], explanation, unknowns: [] };
    return disagreement(base, "certain", [difference], observed);
  }

  const { job, inPipeline } = prediction;
  const certainty = job.presence === "uncertain" || job.certainty === "uncertain" ? "uncertain" : "certain";
  const differences: FieldDifference[] = [];
  let certainDifference = false;
  // GitHub lists a job it skipped because a job it needs did not succeed: in the pipeline, not run.
  const skipped = real && !real.ran && inPipeline ? skippedForNeeds(job, outcomes) : undefined;
  if (skipped) {
    return { ...base, outcome: "explained", matched: false, certainty, differences: [{ field: "presence", predicted: "runs", observed: real?.status ?? "" }], explanation: skipped, unknowns: [] };
  }
  if (inPipeline !== ran) {
    differences.push({ field: "presence", predicted: inPipeline ? "in the pipeline" : "not in the pipeline", observed: real ? real.status : "not in the pipeline" });
    certainDifference ||= job.presence !== "uncertain";
  }
  if (inPipeline && ran && real) {
    const fields: FieldDifference[] = [];
    if (real.stage !== job.stage) fields.push({ field: "stage", predicted: job.stage, observed: real.stage });
    if (real.when !== undefined && job.when !== undefined && real.when !== job.when) fields.push({ field: "when", predicted: job.when, observed: real.when });
    if (real.allowFailure !== undefined && job.allowFailure !== undefined && real.allowFailure !== job.allowFailure) {
      fields.push({ field: "allow_failure", predicted: String(job.allowFailure), observed: String(real.allowFailure) });
    }
    differences.push(...fields);
    certainDifference ||= fields.length > 0 && job.certainty === "certain";
  }
  if (differences.length === 0) {
    return certainty === "certain"
      ? { ...base, outcome: "agreed", matched: true, certainty, differences, unknowns: [] }
      : { ...base, outcome: "could-not-tell", matched: true, certainty, differences, unknowns: job.unknowns };
  }
  if (!certainDifference) return { ...base, outcome: "could-not-tell", matched: false, certainty, differences, unknowns: job.unknowns };
  // The claim that failed was a certain one, whatever else about the job was not.
  return disagreement(base, "certain", differences, observed);
}

/** A certain prediction the platform contradicted; still uncertain when the real run had inputs nobody could read. */
function disagreement(base: Pick<JobCheck, "name" | "predicted" | "observed">, certainty: JobCheck["certainty"], differences: FieldDifference[], observed: ObservedRun): JobCheck {
  // Given inputs the prediction did not have, it was no certain claim about this run.
  if (observed.unseenInputs.length > 0) {
    return { ...base, outcome: "could-not-tell", matched: false, certainty: "uncertain", differences, unknowns: observed.unseenInputs };
  }
  return { ...base, outcome: "differed", matched: false, certainty, differences, unknowns: [] };
}

/** Why the platform has a job the configuration does not define, when the platform says why. */
function unknownJobExplanation(run: PredictedRun, real: ObservedJob | undefined): string | undefined {
  if (real && POLICY_STAGES.has(real.stage)) return `added by a pipeline execution policy (stage ${real.stage}), not by the project's configuration`;
  if (run.unread.length > 0) return `may come from what ci-explain could not read: ${run.unread.map((u) => u.what).join("; ")}`;
  return undefined;
}
