import type { Settings } from "../config/settings.js";
import { plural } from "../core/plural.js";
import { isContextChanged } from "./context-changes.js";
import { hazardCounts, hazardMovement } from "./hazard-counts.js";
import type { ContextAnalysis, Hazard, Verdict } from "./model.js";


/**
 * The check's conclusion and one-line title. failure: the head configuration does not load, or a
 * hazard of severity error is introduced; a warning introduced concludes as configured
 * (`comment.warning_conclusion`); anything else is success — also when nothing CI-related
 * changed, so the check can be required.
 */
export function decideVerdict(args: {
  contexts: ContextAnalysis[];
  hazards: Hazard[];
  headLoads: boolean;
  ciRelevant: boolean;
  settings: Settings;
}): Verdict {
  const { contexts, hazards, headLoads, ciRelevant, settings } = args;
  const introduced = hazards.filter((h) => h.status === "introduced");
  const fixed = hazards.filter((h) => h.status === "fixed");
  const changed = contexts.filter(isContextChanged);

  let conclusion: Verdict["conclusion"] = "success";
  if (!headLoads || introduced.some((h) => h.severity === "error")) conclusion = "failure";
  else if (introduced.some((h) => h.severity === "warning")) conclusion = settings.comment.warningConclusion;

  const parts: string[] = [];
  if (!headLoads) parts.push("the CI configuration does not load");
  else if (changed.length > 0) parts.push(`changes CI on ${changed.length} of ${contexts.length} branch contexts`);
  else parts.push(ciRelevant ? "no change to any pipeline" : "no CI change");
  const counts = hazardMovement(hazardCounts(hazards));
  if (counts.length > 0) parts.push(counts.join(", "));
  const title = parts.join(" · ");

  const lines: string[] = [];
  if (changed.length > 0) lines.push(`Changed: ${changed.map((c) => c.context.name).join(", ")}.`);
  const unchanged = contexts.length - changed.length;
  if (unchanged > 0 && changed.length > 0) lines.push(`Unchanged: ${plural(unchanged, "context")}.`);
  for (const h of introduced) lines.push(`Introduced ${h.severity} (${h.kind}): ${h.message}`);
  for (const h of fixed) lines.push(`Fixed (${h.kind}): ${h.message}`);
  const remaining = hazards.filter((h) => h.status === "unchanged");
  if (remaining.length > 0) lines.push(`${plural(remaining.length, "hazard")} present before and after.`);
  return { conclusion, title, summary: lines.join("\n") || title };
}
