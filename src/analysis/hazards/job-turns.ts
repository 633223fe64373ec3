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
  /** `possible`: the jobs only may have turned (an unknown input decides). */
  describe: (count: number, branch: string, names: string, possible: boolean) => string,
): Finding[] {
  const findings: Finding[] = [];
  for (const pair of watchedPairs(before, after)) {
    if (!pair.before.created || !pair.after.created) continue;
    const old = matchedJobs(pair.before, pair.after).before;
    const turns: Array<{ job: AnalysedJob; sure: boolean }> = [];
    pair.after.jobs.forEach((j, i) => {
      const b = old[i];
      // The same job result on both sides (shared by the simulation) has not turned.
      if (b === undefined || b === j) return;
      if (turned(b, j)) turns.push({ job: j, sure: b.certainty === "certain" && j.certainty === "certain" });
      // Shown one way, it may run another, depending on unknown inputs: then it only may have turned.
      else if (j.mayRunAs?.some((other) => turned(b, { ...j, ...other }))) turns.push({ job: j, sure: false });
    });
    if (turns.length === 0) continue;
    // Surely turned: both sides certain, in pipelines surely created; otherwise only possibly.
    const creationUncertain = pair.before.creation === "uncertain" || pair.after.creation === "uncertain";
    const sure = creationUncertain ? [] : turns.filter((t) => t.sure);
    const possible = sure.length === 0;
    const jobs = (possible ? turns : sure).map((t) => t.job);
    const names = jobs.map((j) => j.name).sort();
    findings.push({
      key: pair.context.name,
      message: describe(names.length, pair.context.name, listNames(names), possible),
      contexts: [pair.context.name],
      images: [],
      jobs: names,
      source: jobs[0]?.decidedBy.rule?.pos ?? jobs[0]?.source,
      ...(possible ? { possible: true as const } : {}),
    });
  }
  return findings;
}
