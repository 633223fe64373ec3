import { error, type Diagnostic } from "../../core/diagnostic.js";
import type { CiConfig, JobDef, NeedDef } from "../model.js";
import { matrixJobName, matrixPermutations, parallelNames } from "./parallel.js";

/**
 * The job names a `needs:` entry stands for (Config::Normalizer#expand_parallelized_needs):
 * a need on a parallel job means every instance; `needs:parallel:matrix` names only the given
 * permutations, built with the same naming as the matrix job. Cross-project and parent-pipeline
 * needs are not checked (returns []).
 */
export function needNames(need: NeedDef, jobs: Map<string, JobDef>): string[] {
  if (need.project !== undefined || need.pipeline !== undefined) return [];
  const target = jobs.get(need.job);
  if (need.matrix) {
    const matrix = need.matrix.map((selection) => Object.entries(selection).map(([name, values]) => ({ name, values })));
    return matrixPermutations(matrix).map((p) => matrixJobName(need.job, p));
  }
  if (target?.parallel) return parallelNames(target.name, target.parallel);
  return [need.job];
}

/**
 * The static checks GitLab makes on `needs:` before any rule runs (YamlProcessor
 * #validate_job_dependency!): the needed job must be defined (unless `optional: true`) and be in
 * the same or an earlier stage. Either failure rejects the whole configuration.
 */
export function validateNeeds(config: CiConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Without any `needs:` there is nothing to check, and no reason to index every job.
  if (!config.jobs.some((j) => j.needs)) return out;
  const jobs = new Map(config.jobs.map((j) => [j.name, j]));
  const stageIndex = new Map(config.stages.map((s, i) => [s.value, i]));
  // GitLab validates after parallel expansion: a need may name one instance directly
  // (`needs: ["build: [amd64]"]`), and the key of a parallel job is no longer a job.
  const stageOf = new Map<string, string>();
  for (const job of config.jobs) {
    for (const name of job.parallel ? parallelNames(job.name, job.parallel) : [job.name]) stageOf.set(name, job.stage.value);
  }
  for (const job of config.jobs) {
    for (const need of job.needs ?? []) {
      for (const name of needNames(need, jobs)) {
        const stage = stageOf.get(name);
        if (stage === undefined) {
          if (!need.optional) out.push(error("needs-missing", `${job.name} job: undefined need: ${name}`, need.pos));
          continue;
        }
        const mine = stageIndex.get(job.stage.value);
        const theirs = stageIndex.get(stage);
        if (mine !== undefined && (theirs === undefined || theirs > mine)) {
          out.push(error("needs-invalid", `${job.name} job: need ${name} is not defined in current or prior stages`, need.pos));
        }
      }
    }
  }
  return out;
}

/** GitLab's message when a needed job is not in this pipeline (Pipeline::Seed::Build#needs_errors). */
export function missingNeedMessage(jobName: string, needed: string): string {
  return (
    `'${jobName}' job needs '${needed}' job, but '${needed}' does not exist in the pipeline. ` +
    "This might be because of the only, except, or rules keywords. " +
    "To need a job that sometimes does not exist in the pipeline, use needs:optional."
  );
}

/** The same, when the needed job is in the pipeline only for some values of the unknown inputs. */
export function mayBeMissingNeedMessage(jobName: string, needed: string): string {
  return `'${jobName}' job needs '${needed}' job, which may not be in the pipeline (it depends on values not known statically); GitLab refuses to create the pipeline when it is not. To need a job that sometimes does not exist in the pipeline, use needs:optional.`;
}
