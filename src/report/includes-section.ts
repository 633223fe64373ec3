import type { Analysis } from "../analysis/model.js";
import { code, list, paragraph, strong, trusted, type Block, type Inline, type Span } from "./document.js";

/**
 * Which version of each include from another project (or template, or URL) was read, so a
 * reader knows what the prediction stands on; a version the change bumps reads `before → after`
 * (its effect on jobs is in the tables like any other change).
 */
export function includesReadBlocks(analysis: Analysis, max: number): Block[] {
  const read = analysis.includesRead ?? [];
  if (read.length === 0) return [];
  // Bumped versions first: they are part of the change.
  const ordered = [...read].sort((a, b) => Number(a.before === a.after) - Number(b.before === b.after));
  const shown = ordered.slice(0, Math.max(1, max));
  const items = shown.map((v): Inline => {
    const what: Span[] = [code(v.target), trusted(` (${v.kind}) `)];
    if (v.before === v.after) return [...what, trusted("at "), code(v.after ?? "")];
    if (v.before === undefined) return [...what, trusted("added, at "), code(v.after ?? "")];
    if (v.after === undefined) return [...what, trusted("removed, was "), code(v.before)];
    return [...what, strong(trusted("changed:")), trusted(" "), code(v.before), trusted(" → "), code(v.after)];
  });
  const blocks: Block[] = [paragraph(strong(trusted("Read from other projects")), trusted(":")), list(items)];
  if (read.length > shown.length) blocks.push(paragraph(trusted(`and ${read.length - shown.length} more`)));
  return blocks;
}
