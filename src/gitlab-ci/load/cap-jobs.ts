import { warning, type Diagnostic } from "../../core/diagnostic.js";
import type { JobDef } from "../model.js";
import { MAX_PARALLEL } from "../simulate/parallel.js";

/**
 * The jobs GitLab makes of one definition: `parallel: N` makes N, `parallel:matrix` one per
 * permutation (ci/yaml#parallel). Counted from the sizes, never by building them; GitLab
 * refuses more than MAX_PARALLEL, so the count stops just past it.
 */
export function instanceCount(job: JobDef): number {
  const parallel = job.parallel;
  if (!parallel) return 1;
  if (parallel.matrix) {
    let total = 0;
    for (const entry of parallel.matrix) {
      let permutations = 1;
      for (const variable of entry) permutations = Math.min(permutations * Math.max(variable.values.length, 1), MAX_PARALLEL + 1);
      total = Math.min(total + permutations, MAX_PARALLEL + 1);
    }
    return Math.max(total, 1);
  }
  return Math.min(Math.max(parallel.count ?? 1, 1), MAX_PARALLEL + 1);
}

/**
 * The job definitions within the analysis' budget of jobs (`maxJobs`, after `parallel`): GitLab
 * caps each `parallel` at 200 but a configuration may hold thousands of such jobs (5,000
 * `extends` of a 200-entry matrix is a million jobs from 105 KB of YAML). Past the budget the
 * remaining definitions are left out, and a diagnostic says from which one, so the report shows
 * the pipeline as not fully analysed instead of taking the server's memory.
 */
export function capJobs(jobs: JobDef[], maxJobs: number): { jobs: JobDef[]; diagnostics: Diagnostic[]; leftOut?: string } {
  let total = 0;
  for (let i = 0; i < jobs.length; i++) {
    total += instanceCount(jobs[i] as JobDef);
    if (total <= maxJobs) continue;
    const first = jobs[i] as JobDef;
    let all = total;
    for (let j = i + 1; j < jobs.length; j++) all += instanceCount(jobs[j] as JobDef);
    const message = `the configuration makes ${all.toLocaleString("en")} jobs, more than ci-explain's budget of ${maxJobs.toLocaleString("en")} per pipeline; ${(jobs.length - i).toLocaleString("en")} job definitions from ${first.name} on are not analysed`;
    return { jobs: jobs.slice(0, i), diagnostics: [warning("not-analysed", message, first.pos)], leftOut: message };
  }
  return { jobs, diagnostics: [] };
}
