import type { AnalysedJob, AnalysedPipeline, Analysis } from "../analysis/model.js";
import { nonPredefinedNames } from "../gitlab-ci/simulate/job-variables.js";
import type { ResolvedVar } from "../gitlab-ci/pipeline.js";
import { variablesRead } from "./explain.js";

/**
 * An analysis as the reports read it, as plain data that can cross to another thread (an
 * analysis worker hands its result to the server this way): each job's variables are the ones
 * a report shows — its own (not predefined) and those its rules and image read — instead of the
 * simulation's lazy record of every predefined variable, which a 10,000-job analysis could not
 * copy. Everything the comment, the check, the status and the explanations say is the same.
 */
export function reportView(analysis: Analysis): Analysis {
  const views = new Map<AnalysedJob, AnalysedJob>();
  const view = (job: AnalysedJob): AnalysedJob => {
    let shown = views.get(job);
    if (!shown) {
      shown = { ...job, variables: shownVariables(job) };
      views.set(job, shown);
    }
    return shown;
  };
  const pipeline = (p: AnalysedPipeline): AnalysedPipeline => ({ ...p, jobs: p.jobs.map(view) });
  return {
    ...analysis,
    contexts: analysis.contexts.map((c) => ({
      ...c,
      before: pipeline(c.before),
      after: pipeline(c.after),
      changes: c.changes.map((change) => ({
        ...change,
        ...(change.before ? { before: view(change.before) } : {}),
        ...(change.after ? { after: view(change.after) } : {}),
      })),
    })),
  };
}

function shownVariables(job: AnalysedJob): Record<string, ResolvedVar> {
  const shown: Record<string, ResolvedVar> = {};
  for (const name of [...nonPredefinedNames(job.variables), ...variablesRead(job)]) {
    const entry = job.variables[name];
    if (entry !== undefined) shown[name] = entry;
  }
  return shown;
}
