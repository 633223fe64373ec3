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
      const matched = matchedJobs(pair.before, pair.after);
      // A job that surely ran and now only may: possibly lost.
      const mayGo = pair.after.jobs.filter((j, i) => j.presence === "uncertain" && matched.before[i]?.presence === "present");
      const lost = [...matched.lost, ...mayGo];
      if (lost.length === 0) continue;
      // A job that only may have run, or that may still run, is not surely lost.
      const leftOut = new Map(pair.after.excluded.map((e) => [e.name, e]));
      const maybe = (j: (typeof lost)[number]) => j.presence === "uncertain" || leftOut.get(j.name)?.presence === "uncertain";
      const creationUncertain = pair.before.creation === "uncertain" || pair.after.creation === "uncertain";
      const sure = creationUncertain ? [] : matched.lost.filter((j) => !maybe(j));
      const possible = sure.length === 0;
      const names = (possible ? lost : sure).map((j) => j.name).sort();
      // Point at the rule that now excludes the first lost job, when the job still exists.
      const excluded = leftOut.get(names[0] as string);
      findings.push({
        key: pair.context.name,
        message: `${names.length === 1 ? `1 job ${possible ? "may no longer run" : "no longer runs"}` : `${names.length} jobs ${possible ? "may no longer run" : "no longer run"}`} on \`${pair.context.name}\`: ${listNames(names)}.`,
        contexts: [pair.context.name],
        images: [],
        jobs: names,
        source: excluded?.decidedBy.rule?.pos ?? excluded?.source,
        ...(possible ? { possible: true as const } : {}),
      });
    }
    return findings;
  },
};
