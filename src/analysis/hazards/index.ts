import type { Settings } from "../../config/settings.js";
import type { Hazard, HazardSeverity } from "../model.js";
import { allowFailure } from "./allow-failure.js";
import type { ChangeFacts, Finding, HazardCheck, RevisionView, StatedFinding } from "./check.js";
import { configError } from "./config-error.js";
import { dockerfileNotRebuilt } from "./dockerfile-not-rebuilt.js";
import { duplicatePipelines } from "./duplicate-pipelines.js";
import { imageNotBuilt } from "./image-not-built.js";
import { imageTagCollision } from "./image-tag-collision.js";
import { invalidImageReference } from "./invalid-image-reference.js";
import { jobsLost } from "./jobs-lost.js";
import { jobsManual } from "./jobs-manual.js";
import { needsMissing } from "./needs-missing.js";
import { notAnalysed } from "./not-analysed.js";
import { pipelineLost } from "./pipeline-lost.js";

export type { ChangeFacts, Finding, HazardCheck, RevisionView, StatedFinding } from "./check.js";

/** Every hazard kind, in the order the report lists kinds of equal severity. */
export const HAZARD_CHECKS: HazardCheck[] = [
  configError,
  imageTagCollision,
  invalidImageReference,
  needsMissing,
  pipelineLost,
  imageNotBuilt,
  dockerfileNotRebuilt,
  jobsLost,
  allowFailure,
  duplicatePipelines,
  jobsManual,
  notAnalysed,
];

const SEVERITY_ORDER: Record<HazardSeverity, number> = { error: 0, warning: 1, notice: 2 };
const STATUS_ORDER: Record<Hazard["status"], number> = { introduced: 0, unchanged: 1, fixed: 2 };

/**
 * Run every check and say, per finding, whether the change introduces it, fixes it or leaves it.
 * When the head configuration does not load only `config-error` is reported: everything else in
 * head would be an artefact of the broken file (and would claim false fixes).
 */
export function findHazards(
  base: RevisionView,
  head: RevisionView,
  change: ChangeFacts,
  overrides: Settings["hazards"] = {},
  checks: HazardCheck[] = HAZARD_CHECKS,
): Hazard[] {
  const hazards: Hazard[] = [];
  for (const check of checks) {
    const setting = overrides[check.kind];
    if (setting === "off") continue;
    if (!head.loads && check.kind !== "config-error") continue;
    const severity = setting ?? check.severity;
    const toHazard = (f: Finding, status: Hazard["status"]): Hazard => ({
      kind: check.kind,
      // A possible finding is never more than a notice: it must not fail a check on a guess.
      severity: f.possible ? "notice" : severity,
      status,
      message: f.message,
      contexts: f.contexts,
      images: f.images,
      jobs: f.jobs,
      source: f.source,
      ...(f.publishedBy ? { publishedBy: f.publishedBy } : {}),
      ...(f.possible ? { possible: true as const } : {}),
    });
    if (check.scope === "change") {
      for (const f of merged(check.check(base, head, change))) hazards.push(toHazard(f, "introduced"));
      continue;
    }
    const before = new Map(merged(check.check(base, change)).map((f) => [f.key, f]));
    const after = merged(check.check(head, change));
    const stated: StatedFinding[] = after.map((f) => ({ finding: f, status: before.has(f.key) ? "unchanged" : "introduced" }));
    const present = new Set(after.map((f) => f.key));
    for (const [key, f] of before) if (!present.has(key)) stated.push({ finding: f, status: "fixed" });
    for (const s of check.regroup ? check.regroup(stated) : stated) hazards.push(toHazard(s.finding, s.status));
  }
  const kindOrder = new Map(checks.map((c, i) => [c.kind, i]));
  return hazards.sort(
    (x, y) =>
      SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity] ||
      STATUS_ORDER[x.status] - STATUS_ORDER[y.status] ||
      (kindOrder.get(x.kind) ?? 0) - (kindOrder.get(y.kind) ?? 0),
  );
}

/**
 * Findings that share a key are one finding (the union of what they name). A finding alone under
 * its key is kept as the check made it; a copy is made only to merge another into it (so a
 * check's own lists are never changed, and thousands of job names are not copied for nothing).
 */
function merged(findings: Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  const copies = new Set<Finding>();
  for (const f of findings) {
    let seen = byKey.get(f.key);
    if (!seen) {
      byKey.set(f.key, f);
      continue;
    }
    if (!copies.has(seen)) {
      seen = Object.assign({}, seen, { contexts: [...seen.contexts], images: [...seen.images], jobs: [...seen.jobs] });
      if (seen.publishedBy) seen.publishedBy = [...seen.publishedBy];
      copies.add(seen);
      byKey.set(f.key, seen);
    }
    if (f.publishedBy) seen.publishedBy = [...new Set([...(seen.publishedBy ?? []), ...f.publishedBy])];
    for (const [into, from] of [
      [seen.contexts, f.contexts],
      [seen.images, f.images],
      [seen.jobs, f.jobs],
    ] as const) {
      for (const x of from) if (!into.includes(x)) into.push(x);
    }
  }
  return [...byKey.values()];
}
