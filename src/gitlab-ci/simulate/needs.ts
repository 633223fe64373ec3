import { error, type Diagnostic } from "../../core/diagnostic.js";
import { errorUnlessUnread } from "../load/node-reader.js";
import { hasUnreadIncludes } from "./unread-includes.js";
import type { Pos } from "../../core/pos.js";
import type { CiConfig, JobDef, NeedDef } from "../model.js";
import { matrixJobName, matrixPermutations, parallelNames } from "./parallel.js";

/** A job instance's `parallel:matrix` values, as name → value pairs. */
export type MatrixValues = ReadonlyArray<{ readonly name: string; readonly raw: string }>;

/**
 * `$[[ matrix.IDENTIFIER ]]` (GitLab 18.6+, ci/yaml/matrix_expressions.md): in
 * `needs:parallel:matrix`, replaced by the needing job's own value of that identifier when the
 * pipeline is created, so each instance of a matrix job needs its own counterpart.
 */
const MATRIX_EXPRESSION = /\$\[\[\s*matrix\.([A-Za-z_][A-Za-z0-9_]*)\s*\]\]/g;

/** The matrix identifiers a need's matrix expressions name that `matrix` does not have. */
export function unknownMatrixIdentifiers(need: NeedDef, matrix: MatrixValues): string[] {
  const missing: string[] = [];
  for (const selection of need.matrix ?? []) {
    for (const values of Object.values(selection)) {
      for (const value of values) {
        for (const m of value.matchAll(MATRIX_EXPRESSION)) if (!matrix.some((v) => v.name === m[1]) && !missing.includes(m[1] as string)) missing.push(m[1] as string);
      }
    }
  }
  return missing;
}

/**
 * The job names a `needs:` entry stands for (Config::Normalizer#expand_parallelized_needs):
 * a need on a parallel job means every instance; `needs:parallel:matrix` names only the given
 * permutations, built with the same naming as the matrix job, its matrix expressions replaced by
 * the values of `matrix` (the needing instance's). Cross-project and parent-pipeline needs are
 * not checked (returns []).
 */
export function needNames(need: NeedDef, jobs: Map<string, JobDef>, matrix: MatrixValues = []): string[] {
  if (need.project !== undefined || need.pipeline !== undefined) return [];
  const target = jobs.get(need.job);
  if (need.matrix) {
    const own = (text: string) => text.replace(MATRIX_EXPRESSION, (expression, name: string) => matrix.find((v) => v.name === name)?.raw ?? expression);
    const selections = need.matrix.map((selection) => Object.entries(selection).map(([name, values]) => ({ name, values: values.map(own) })));
    return matrixPermutations(selections).map((p) => matrixJobName(need.job, p));
  }
  if (target?.parallel) return parallelNames(target.name, target.parallel);
  return [need.job];
}

/**
 * The static checks GitLab makes on `needs:` and `dependencies:` before any rule runs
 * (YamlProcessor#validate_job_needs!, #validate_job_dependencies!): the job named must be defined
 * (a need may be `optional: true`) and be in the same or an earlier stage (for `dependencies:`,
 * an earlier one). Either failure rejects the whole configuration.
 */
export function validateNeeds(config: CiConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Without any `needs:` or `dependencies:` there is nothing to check, and no reason to index every job.
  if (!config.jobs.some((j) => j.needs || j.dependencies)) return out;
  const jobs = new Map(config.jobs.map((j) => [j.name, j]));
  const stageIndex = new Map(config.stages.map((s, i) => [s.value, i]));
  // GitLab validates after parallel expansion: a need may name one instance directly
  // (`needs: ["build: [amd64]"]`), and the key of a parallel job is no longer a job.
  const stageOf = new Map<string, string>();
  for (const job of config.jobs) {
    for (const name of job.parallel ? parallelNames(job.name, job.parallel) : [job.name]) stageOf.set(name, job.stage.value);
  }
  // An include that was not read may define the job.
  const incomplete = hasUnreadIncludes(config);
  const check = (job: JobDef, name: string, kind: "need" | "dependency", optional: boolean, pos: Pos) => {
    const stage = stageOf.get(name);
    if (stage === undefined) {
      if (optional) return;
      const message = `${job.name} job: undefined ${kind}: ${name}`;
      out.push(errorUnlessUnread(incomplete, "needs-missing", message, pos));
      return;
    }
    const mine = stageIndex.get(job.stage.value);
    const theirs = stageIndex.get(stage);
    const later = theirs === undefined || (mine !== undefined && (kind === "need" ? theirs > mine : theirs >= mine));
    if (mine !== undefined && later) out.push(error("needs-invalid", `${job.name} job: ${kind} ${name} is not defined in current or prior stages`, pos));
  };
  for (const job of config.jobs) {
    // A matrix expression takes each instance's own values: each instance needs its own jobs.
    const instances: MatrixValues[] = job.parallel?.matrix ? matrixPermutations(job.parallel.matrix).map((p) => p.map(([name, raw]) => ({ name, raw }))) : [[]];
    for (const need of job.needs ?? []) {
      const unknown = [...new Set(instances.flatMap((matrix) => unknownMatrixIdentifiers(need, matrix)))];
      if (unknown.length > 0) {
        const expressions = unknown.map((n) => `$[[ matrix.${n} ]]`).join(", ");
        out.push(error("needs-invalid", `${job.name} job: ${expressions} in needs:parallel:matrix: the job's parallel:matrix has no such identifier`, need.pos));
        continue;
      }
      const checked = new Set<string>();
      for (const matrix of instances) {
        for (const name of needNames(need, jobs, matrix)) {
          if (checked.has(name)) continue;
          checked.add(name);
          check(job, name, "need", need.optional, need.pos);
        }
      }
    }
    for (const dependency of job.dependencies ?? []) {
      const target = jobs.get(dependency.value);
      for (const name of target?.parallel ? parallelNames(target.name, target.parallel) : [dependency.value]) check(job, name, "dependency", false, dependency.pos);
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
