import type { Analysis } from "../analysis/model.js";
import { code, details, em, list, strong, trusted, type Block, type Inline } from "./document.js";
import { isContextChanged } from "./facts.js";
import { hasUnknownPart } from "./wording.js";

/** Whether any value the report shows has an unknown part (`«$NAME»`). */
function showsUnknowns(analysis: Analysis): boolean {
  const refs = (p: Analysis["contexts"][number]["after"]) =>
    p.jobs.some((j) => (j.image && hasUnknownPart(j.image.ref.text)) || j.builds.some((b) => hasUnknownPart(b.image.text)));
  return analysis.contexts.some((c) => isContextChanged(c) && (refs(c.before) || refs(c.after))) || analysis.hazards.some((h) => h.images.some(hasUnknownPart));
}

/**
 * The report's few signs, explained where a reader meets them, folded: only those this report
 * uses, so the list stays short.
 */
export function legendBlocks(analysis: Analysis): Block[] {
  const items: Inline[] = [
    [strong(trusted("introduced")), trusted(" / "), strong(trusted("fixed")), trusted(" / "), strong(trusted("already there")), trusted(": compared with the base revision, each finding is new, gone, or found in both. An introduced ⛔ error fails the check; an introduced ⚠️ warning makes it neutral (configurable); ℹ️ notices never change it.")],
    [code("a → b"), trusted(": before this change → after it.")],
  ];
  if (analysis.hazards.some((h) => h.possible)) {
    items.push([em(trusted("may")), trusted(" / "), em(trusted("possible")), trusted(": not shown to happen for certain (a value not known statically, or a job that only may run); always a notice.")]);
  }
  if (showsUnknowns(analysis)) items.push([code("«$NAME»"), trusted(": a value that cannot be known before the pipeline runs, shown as a hole, never guessed.")]);
  if (analysis.contexts.some((c) => (c.redecided ?? []).length > 0)) {
    items.push([em(trusted("decided by another rule")), trusted(": the job runs exactly as before (when, image, pushes, variables), but another rule now decides it; not counted as a change.")]);
  }
  items.push([trusted("A job counts as "), em(trusted("changed")), trusted(" only when something you would see changes: whether and when it runs, allow_failure, stage, image, needs, what it pushes, its variables.")]);
  return [details([trusted("How to read this report")], [list(items)])];
}
