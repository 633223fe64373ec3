import { plural } from "../core/plural.js";
import type { Hazard } from "./model.js";

/**
 * What a change does to the findings, counted and worded once for every surface: the
 * verdict's title, the comment's first line, the check and the GitLab status.
 */

/** Errors and warnings are hazards; notices are counted apart, so a notice never reads as a hazard. */
export interface SeverityCount {
  hazards: number;
  notices: number;
}

export interface HazardCounts {
  introduced: SeverityCount;
  fixed: SeverityCount;
  unchanged: SeverityCount;
  introducedErrors: number;
  /** Errors in base and head alike: the change leaves them in place. */
  unchangedErrors: number;
}

export function hazardCounts(hazards: Hazard[]): HazardCounts {
  const count = (status: Hazard["status"]): SeverityCount => {
    const of = hazards.filter((h) => h.status === status);
    const notices = of.filter((h) => h.severity === "notice").length;
    return { hazards: of.length - notices, notices };
  };
  return {
    introduced: count("introduced"),
    fixed: count("fixed"),
    unchanged: count("unchanged"),
    introducedErrors: hazards.filter((h) => h.status === "introduced" && h.severity === "error").length,
    unchangedErrors: hazards.filter((h) => h.status === "unchanged" && h.severity === "error").length,
  };
}

const total = (c: SeverityCount) => c.hazards + c.notices;

/** `1 hazard`, `2 notices`, `1 hazard and 2 notices`. */
export function severityPhrase(c: SeverityCount): string {
  return [c.hazards && plural(c.hazards, "hazard"), c.notices && plural(c.notices, "notice")].filter(Boolean).join(" and ");
}

/**
 * `1 hazard introduced, 1 fixed, 1 error still present`: what the change does to hazards. An
 * error it leaves in place is named when anything moved, so a change meant to fix it (QEMU's
 * shared `latest` tag) does not read as done in the first line. "fixed" drops its noun only
 * when it is the introduced one's (`1 hazard introduced, 1 fixed`), never when notices mix in.
 */
export function hazardMovement(c: HazardCounts): string[] {
  const parts: string[] = [];
  if (total(c.introduced) > 0) parts.push(`${severityPhrase(c.introduced)} introduced`);
  if (total(c.fixed) > 0) {
    const sameNoun = parts.length > 0 && c.introduced.notices === 0 && c.fixed.notices === 0;
    parts.push(sameNoun ? `${c.fixed.hazards} fixed` : `${severityPhrase(c.fixed)} fixed`);
  }
  if (parts.length > 0 && c.unchangedErrors > 0) parts.push(`${plural(c.unchangedErrors, "error")} still present`);
  return parts;
}

/** `2 hazards already present` when nothing moved; nothing when no finding exists. */
export function hazardsPresent(c: HazardCounts): string | undefined {
  return total(c.unchanged) > 0 ? `${severityPhrase(c.unchanged)} already present` : undefined;
}
