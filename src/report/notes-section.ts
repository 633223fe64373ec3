import type { Analysis } from "../analysis/model.js";
import { code, list, paragraph, strong, trusted, type Block, type Inline } from "./document.js";

/**
 * A note as the analysis wrote it: its own words, with `backticked` parts shown as code. The
 * rest stays untrusted text, since notes quote the configuration (a regex a rule tests).
 */
function noteInline(note: string): Inline {
  return note.split("`").map((part, i) => (i % 2 === 1 ? code(part) : part));
}

/**
 * What the analysis assumed or left out (the project path, the default branch, branch names it
 * could not make up), right under the first line: an assumed `group/project` turns every
 * upstream-only rule (`$CI_PROJECT_NAMESPACE == "qemu-project"`) false, and the table below
 * is read in that light.
 */
export function notesBlocks(analysis: Analysis, max: number): Block[] {
  const notes = analysis.notes ?? [];
  if (notes.length === 0) return [];
  const shown = notes.slice(0, Math.max(1, max));
  const blocks: Block[] = [paragraph(strong(trusted("Assumed")), trusted(" (the results below depend on it):")), list(shown.map(noteInline))];
  if (notes.length > shown.length) blocks.push(paragraph(trusted(`and ${notes.length - shown.length} more`)));
  return blocks;
}
