import type { Analysis } from "../analysis/model.js";
import { strong, trusted, type Inline } from "./document.js";
import { changedImages, hazardCounts, hazardMovement, hazardsPresent, headConfigError, isContextChanged } from "./facts.js";
import { location } from "./location.js";
import { inlineText } from "./terminal.js";
import { changeNoun, type ReportOptions } from "./options.js";
import { plural } from "./wording.js";

/** `1 hazard introduced, 1 fixed, 1 error still present`, `1 notice introduced` — or nothing when no finding exists. */
function hazardClause(analysis: Analysis): string | undefined {
  const c = hazardCounts(analysis.hazards);
  const parts = hazardMovement(c);
  const present = parts.length === 0 ? hazardsPresent(c) : undefined;
  if (present) parts.push(present);
  return parts.length ? parts.join(", ") : undefined;
}

/** The answer without the leading "ci-explain:", shared by every surface. */
function headlineBody(analysis: Analysis, options: ReportOptions): Inline {
  const noun = changeNoun(options.platform);
  if (!analysis.ciRelevant) return [trusted(`the latest push to this ${noun} no longer changes CI`)];
  const error = headConfigError(analysis);
  if (error) {
    const where = error.pos ? [location(error.pos, options), trusted(": ")] : [];
    return [trusted(`⛔ the CI configuration in this ${noun} does not load — `), ...where, error.message];
  }
  const total = analysis.contexts.length;
  const changed = analysis.contexts.filter(isContextChanged).length;
  const retagged = analysis.contexts.reduce((n, c) => n + changedImages(c).length, 0);
  const main =
    changed === 0
      ? `no change to any pipeline (${plural(total, "branch context")} checked)`
      : `this ${noun} changes CI on ${changed} of ${plural(total, "branch context")}` +
        (retagged > 0 ? ` · ${plural(retagged, "image push", "image pushes")} change` : "");
  const hazards = hazardClause(analysis);
  return [trusted(main + (hazards ? ` · ${hazards}` : ""))];
}

/**
 * The answer, in words a maintainer reads in two seconds: the comment's first line. The
 * check title and the GitLab status description use the same words (`headlineText`).
 */
export function headline(analysis: Analysis, options: ReportOptions): Inline {
  return [strong(trusted("ci-explain")), trusted(": "), ...headlineBody(analysis, options)];
}

/** Plain one-line form (check title, status description): no markdown, no links. */
export function headlineText(analysis: Analysis, options: ReportOptions): string {
  return inlineText(headlineBody(analysis, { ...options, fileUrl: undefined }));
}
