import type { AnalysedJob, AnalysedPipeline, BranchContext } from "../model.js";
import type { RevisionView } from "./check.js";
import { isWatched } from "./watched.js";

/** The watched contexts with their pipeline before and after (both revisions simulate the same contexts). */
export function watchedPairs(
  before: RevisionView,
  after: RevisionView,
): Array<{ context: BranchContext; before: AnalysedPipeline; after: AnalysedPipeline }> {
  const old = new Map(before.runs.map((r) => [r.context.name, r.pipeline]));
  return after.runs.flatMap((r) => {
    const b = old.get(r.context.name);
    return b && isWatched(r.context) ? [{ context: r.context, before: b, after: r.pipeline }] : [];
  });
}

/**
 * A pipeline's jobs by name (the last of a name, as `new Map` keeps it). Made once per pipeline
 * result: `jobs-lost`, `jobs-manual` and `allow-failure` all look up the same watched pipelines,
 * and a result is not changed once analysed.
 */
export function jobsByName(pipeline: AnalysedPipeline): ReadonlyMap<string, AnalysedJob> {
  let byName = jobIndexes.get(pipeline);
  if (!byName) {
    byName = new Map();
    for (const job of pipeline.jobs) byName.set(job.name, job);
    jobIndexes.set(pipeline, byName);
  }
  return byName;
}

const jobIndexes = new WeakMap<AnalysedPipeline, Map<string, AnalysedJob>>();
