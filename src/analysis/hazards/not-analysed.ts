import type { Finding, HazardCheck } from "./check.js";

/**
 * Parts of the configuration that were not read: remote, template and component includes, and
 * other projects' files the file source cannot reach. Jobs they define are missing from every
 * prediction, so the report says so instead of looking complete.
 */
export const notAnalysed: HazardCheck = {
  kind: "not-analysed",
  severity: "notice",
  scope: "revision",
  check(revision) {
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const inc of revision.includes) {
      if (inc.status !== "not-analysed") continue;
      const key = `${inc.kind}\0${inc.project ?? ""}\0${inc.location}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({
        key,
        message: `\`include: ${inc.kind}\` ${inc.project ? `${inc.project}:` : ""}${inc.location} is not analysed: jobs and rules it defines are not in this report.`,
        contexts: [],
        images: [],
        jobs: [],
        source: inc.pos,
      });
    }
    if (findings.length > 0) return findings;
    for (const d of revision.diagnostics) {
      // A value too large to work out is a part of the configuration not analysed too.
      if (d.code !== "include-not-analysed" && d.code !== "not-analysed" && d.code !== "value-too-large") continue;
      if (seen.has(d.message)) continue;
      seen.add(d.message);
      findings.push({ key: d.message, message: d.message, contexts: [], images: [], jobs: [], source: d.pos });
    }
    return findings;
  },
};
