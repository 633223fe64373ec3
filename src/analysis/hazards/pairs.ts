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

/** The jobs of one watched pipeline before and after, matched by name. */
export interface MatchedJobs {
  /** Per job of the pipeline after (same index): the job of that name before (the last of the name), if any. */
  before: ReadonlyArray<AnalysedJob | undefined>;
  /** The jobs before whose name no job after has, in their order. */
  lost: readonly AnalysedJob[];
}

/**
 * The jobs of a pipeline before and after, matched by name. Made once per pair of pipeline
 * results: `jobs-lost`, `jobs-manual` and `allow-failure` all read the same watched pairs, and a
 * result is not changed once analysed. Each job after is looked up once; a job before is lost when
 * no job after took its name.
 */
export function matchedJobs(before: AnalysedPipeline, after: AnalysedPipeline): MatchedJobs {
  const known = matches.get(after);
  if (known && known.of === before) return known.match;
  const byName = new Map<string, number>();
  before.jobs.forEach((job, i) => byName.set(job.name, i));
  // Per name before (by the index of its last job): whether a job after has it.
  const kept = new Uint8Array(before.jobs.length);
  const matched = after.jobs.map((job) => {
    const i = byName.get(job.name);
    if (i === undefined) return undefined;
    kept[i] = 1;
    return before.jobs[i];
  });
  const unique = byName.size === before.jobs.length;
  const lost = before.jobs.filter((job, i) => (unique ? kept[i] : kept[byName.get(job.name) ?? i]) === 0);
  const match = { before: matched, lost };
  matches.set(after, { of: before, match });
  return match;
}

const matches = new WeakMap<AnalysedPipeline, { of: AnalysedPipeline; match: MatchedJobs }>();
