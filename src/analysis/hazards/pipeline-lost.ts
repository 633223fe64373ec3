import type { Finding, HazardCheck } from "./check.js";
import { watchedPairs } from "./pairs.js";

/** A watched branch had a pipeline and no longer gets one (workflow rules, or every job filtered out). */
export const pipelineLost: HazardCheck = {
  kind: "pipeline-lost",
  severity: "error",
  scope: "change",
  check(before, after) {
    // A head that does not load is reported as config-error, not as lost pipelines on every branch.
    if (!after.loads) return [];
    const findings: Finding[] = [];
    for (const pair of watchedPairs(before, after)) {
      if (!pair.before.created || pair.after.created) continue;
      // A configuration error or a missing need is its own hazard, with its own line.
      const reason = pair.after.notCreated?.reason;
      if (reason === "config-error" || reason === "needs-error") continue;
      const why = pair.after.notCreated?.message;
      // Whether it was, or is, created may depend on inputs not known statically.
      const possible = pair.before.creation === "uncertain" || pair.after.creation === "uncertain";
      findings.push({
        key: pair.context.name,
        message: `\`${pair.context.name}\` ${possible ? "may no longer get" : "no longer gets"} a pipeline${why ? `: ${why}` : ""} (it ran ${pair.before.jobs.length} jobs before).`,
        contexts: [pair.context.name],
        images: [],
        jobs: pair.before.jobs.map((j) => j.name),
        source: pair.after.notCreated?.pos ?? pair.after.workflow?.rule?.pos,
        ...(possible ? { possible: true as const } : {}),
      });
    }
    return findings;
  },
};
