import type { AnalysedJob } from "../model.js";
import type { Finding, RevisionView } from "./check.js";
import { matchedJobs, watchedPairs } from "./pairs.js";
import { listNames } from "./watched.js";

/**
 * Jobs present on a watched branch before and after for which `turned(before, after)` holds:
 * one finding per branch. Shared by `jobs-manual` and `allow-failure`.
 */
export function jobsThatTurn(
  before: RevisionView,
  after: RevisionView,
  turned: (before: AnalysedJob, after: AnalysedJob) => boolean,
  describe: (count: number, branch: string, names: string) => string,
): Finding[] {
  const findings: Finding[] = [];
  for (const pair of watchedPairs(before, after)) {
    if (!pair.before.created || !pair.after.created) continue;
    const old = matchedJobs(pair.before, pair.after).before;
    const jobs = pair.after.jobs.filter((j, i) => {
      const b = old[i];
      // The same job result on both sides (shared by the simulation) has not turned.
      return b !== undefined && b !== j && turned(b, j);
    });
    if (jobs.length === 0) continue;
    const names = jobs.map((j) => j.name).sort();
    findings.push({
      key: pair.context.name,
      message: describe(names.length, pair.context.name, listNames(names)),
      contexts: [pair.context.name],
      images: [],
      jobs: names,
      source: jobs[0].decidedBy.rule?.pos ?? jobs[0].source,
    });
  }
  return findings;
}
