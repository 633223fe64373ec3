import type { PredictionStore, RecordedPredictions } from "../platforms/prediction-store.js";
import { inlineText } from "../report/terminal.js";
import { ruleText } from "../report/verify.js";
import { compareRun, type JobCheck, type RunCheck } from "../verify/compare-run.js";
import type { ObservedRun } from "../verify/observed-run.js";
import type { PredictedRun } from "../verify/predicted-run.js";
import { skip } from "./change-flow.js";
import type { DeliveryDedupe } from "./delivery-dedupe.js";
import type { Logger } from "./observability/job-logger.js";
import type { BotMetrics } from "./observability/metrics.js";

/**
 * The bot's live comparison, the same on both platforms: when the platform says a pipeline (a
 * workflow run) of a commit the bot analysed has finished, its jobs are compared with the
 * prediction the review made for that ref and source; the agreement is counted on /metrics,
 * every certain prediction that was wrong is logged with the job, the rule and both outcomes,
 * and (with `comment.prediction_misses`) the change's sticky comment gets a line about it.
 */

export interface PredictionCheckDeps {
  predictions: PredictionStore;
  /** Each pipeline is compared once, whichever replica gets its (re)delivered events. */
  deliveries: DeliveryDedupe;
  metrics?: BotMetrics;
}

/** A finished pipeline or run, as the platform's event names it. */
export interface FinishedRun {
  platform: RecordedPredictions["platform"];
  project: string;
  sha: string;
  /** Compared once: `gitlab:pipeline:<project id>:<pipeline id>`, `github:run:<repo>:<run id>:<attempt>`. */
  key: string;
  /** Whether `predicted` is the prediction for this run's ref and source. */
  matches(predicted: PredictedRun): boolean;
  /** The part of the prediction this run answers (a GitHub workflow run: its workflow's jobs); all of it by default. */
  part?(predicted: PredictedRun): PredictedRun;
  /** What the platform created, read (for GitLab's trigger jobs, asked of the API) when a prediction matches. */
  observe(predicted: PredictedRun): Promise<ObservedRun>;
  /** Put the line in the change's sticky comment. */
  amendComment(recorded: RecordedPredictions, check: RunCheck): Promise<void>;
}

/** Compare one finished run with its prediction; true when handled (also when there is nothing to compare). */
export async function checkPrediction(deps: PredictionCheckDeps, log: Logger, run: FinishedRun): Promise<boolean> {
  const recorded = await deps.predictions.find(run.platform, run.project, run.sha);
  if (!recorded) return skip(log, `no prediction for ${run.sha.slice(0, 8)}: ci-explain did not analyse this commit`, "debug");
  const found = recorded.runs.find((p) => run.matches(p));
  const predicted = found && run.part ? run.part(found) : found;
  if (!predicted) return skip(log, `no prediction for this pipeline's ref and source at ${run.sha.slice(0, 8)}`, "debug");
  if (!(await deps.deliveries.claim(run.key))) return skip(log, "this pipeline was compared already", "debug");
  try {
    const check = compareRun(predicted, await run.observe(predicted));
    count(deps.metrics, run, check);
    report(log, run, check);
    if (recorded.commentOnMiss && isWrong(check)) await run.amendComment(recorded, check);
  } catch (err) {
    // Not compared after all: a redelivery of the event may try again.
    await deps.deliveries.release(run.key);
    throw err;
  }
  return true;
}

/** A certain prediction about the pipeline or one of its jobs was wrong. */
export function isWrong(check: RunCheck): boolean {
  return check.pipeline.outcome === "differed" || check.counts.differed > 0;
}

function count(metrics: BotMetrics | undefined, run: FinishedRun, check: RunCheck): void {
  if (!metrics) return;
  const labels = { platform: run.platform, project: run.project };
  for (const job of check.jobs) metrics.predictionJobs.inc({ ...labels, certainty: job.certainty, outcome: jobOutcome(job) });
  metrics.predictionPipelines.inc({ ...labels, result: isWrong(check) ? "differed" : "agreed" });
}

/** For the counters: an uncertain prediction counts as agreed when the answer it showed held. */
function jobOutcome(job: JobCheck): "agreed" | "differed" | "explained" {
  if (job.outcome === "explained") return "explained";
  if (job.outcome === "could-not-tell") return job.matched ? "agreed" : "differed";
  return job.outcome;
}

/** One line per comparison; one warning per certain prediction that was wrong, with both outcomes. */
function report(log: Logger, run: FinishedRun, check: RunCheck): void {
  const at = { project: run.project, sha: run.sha, pipeline: check.observed.label, ...(check.observed.url ? { url: check.observed.url } : {}) };
  log.info({ ...at, counts: check.counts, pipelineResult: check.pipeline.outcome }, "ci-explain compared its prediction with what ran");
  if (check.pipeline.outcome === "differed") {
    log.warn(
      { ...at, predicted: check.pipeline.predicted ? "a pipeline" : "no pipeline", observed: check.pipeline.observed ? "a pipeline" : "no pipeline", ...(check.pipeline.rule ? { rule: inlineText(ruleText(check.pipeline.rule)) } : {}) },
      "ci-explain prediction differed",
    );
  }
  for (const job of check.jobs.filter((j) => j.outcome === "differed")) {
    log.warn(
      {
        ...at,
        job: job.name,
        ...(job.predicted ? { rule: inlineText(ruleText(job.predicted.rule)) } : {}),
        predicted: Object.fromEntries(job.differences.map((d) => [d.field, d.predicted])),
        observed: Object.fromEntries(job.differences.map((d) => [d.field, d.observed])),
      },
      "ci-explain prediction differed",
    );
  }
}
