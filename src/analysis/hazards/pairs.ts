import type { AnalysedPipeline, BranchContext } from "../model.js";
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
