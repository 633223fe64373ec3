import type { Analysis, ContextAnalysis, Hazard } from "../analysis/model.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { SEVERITY_ORDER } from "./wording.js";

/** The countable facts every rendering (comment, check, status) states the same way. */

export { changedImages, isContextChanged, sameTags } from "../analysis/context-changes.js";

export interface JobCounts {
  before: number;
  after: number;
  added: number;
  removed: number;
  changed: number;
}

export function jobCounts(ctx: ContextAnalysis): JobCounts {
  const count = (kind: string) => ctx.changes.filter((c) => c.kind === kind).length;
  return {
    before: ctx.before.jobs.length,
    after: ctx.after.jobs.length,
    added: count("added"),
    removed: count("removed"),
    changed: count("changed"),
  };
}

export function hazardsIn(analysis: Analysis, contextName: string): Hazard[] {
  return analysis.hazards.filter((h) => h.contexts.includes(contextName));
}

const STATUS_ORDER: Record<Hazard["status"], number> = { introduced: 0, unchanged: 1, fixed: 2 };

/** Most severe first; at equal severity, new before old before fixed. */
export function sortHazards(hazards: Hazard[]): Hazard[] {
  return [...hazards].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || STATUS_ORDER[a.status] - STATUS_ORDER[b.status],
  );
}

export {
  hazardCounts,
  hazardMovement,
  hazardsPresent,
  severityPhrase,
  type HazardCounts,
  type SeverityCount,
} from "../analysis/hazard-counts.js";

/** The first load error of the head configuration, the one the first line names. */
export function headConfigError(analysis: Analysis): Diagnostic | undefined {
  return analysis.head.diagnostics.find((d) => d.severity === "error");
}

export function shortSha(sha: string | undefined): string | undefined {
  return sha ? sha.slice(0, 12) : undefined;
}
