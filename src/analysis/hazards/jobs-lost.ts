import type { Finding, HazardCheck } from "./check.js";
import { matchedJobs, watchedPairs } from "./pairs.js";
import { listNames } from "./watched.js";

/** A watched branch keeps its pipeline but some of its jobs no longer run there. */
export const jobsLost: HazardCheck = {
  kind: "jobs-lost",
  severity: "warning",
  scope: "change",
  check(before, after) {
    const findings: Finding[] = [];
    for (const pair of watchedPairs(before, after)) {
      if (!pair.before.created || !pair.after.created) continue;
      const { lost } = matchedJobs(pair.before, pair.after);
      if (lost.length === 0) continue;
      const names = lost.map((j) => j.name).sort();
      // Point at the rule that now excludes the first lost job, when the job still exists.
      const excluded = pair.after.excluded.find((e) => e.name === names[0]);
      findings.push({
        key: pair.context.name,
        message: `${names.length === 1 ? "1 job no longer runs" : `${names.length} jobs no longer run`} on \`${pair.context.name}\`: ${listNames(names)}.`,
        contexts: [pair.context.name],
        images: [],
        jobs: names,
        source: excluded?.decidedBy.rule?.pos ?? excluded?.source,
      });
    }
    return findings;
  },
};
