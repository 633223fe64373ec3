import type { Analysis } from "../analysis/model.js";
import { code, details, list, paragraph, strong, trusted, type Block, type Inline } from "./document.js";

/**
 * A note as the analysis wrote it: its own words, with `backticked` parts shown as code. The
 * rest stays untrusted text, since notes quote the configuration (a regex a rule tests).
 */
function noteInline(note: string): Inline {
  return note.split("`").map((part, i) => (i % 2 === 1 ? code(part) : part));
}

/** A note longer than this is folded: its lead is the summary, the rest (a list of names) the body. */
const FOLD_NOTE_CHARS = 240;

/**
 * What the analysis assumed, did not know or left out (the project path, the default branch,
 * branch names it could not make up), right under the first line: an unknown project path makes
 * every upstream-only rule (`$CI_PROJECT_NAMESPACE == "qemu-project"`) uncertain, and the table
 * below is read in that light. A long note (QEMU's fifteen variables taken as unset, each with the
 * contexts it decided) is folded after its lead, so that it does not push the table down.
 */
export function notesBlocks(analysis: Analysis, max: number): Block[] {
  const notes = analysis.notes ?? [];
  if (notes.length === 0) return [];
  const shown = notes.slice(0, Math.max(1, max));
  const short = shown.filter((n) => !foldedNote(n));
  const blocks: Block[] = [paragraph(strong(trusted("Assumed")), trusted(" (the results below depend on it):"))];
  if (short.length) blocks.push(list(short.map(noteInline)));
  for (const note of shown) {
    const folded = foldedNote(note);
    if (folded) blocks.push(details(noteInline(folded.lead), [paragraph(...noteInline(folded.rest))]));
  }
  if (notes.length > shown.length) blocks.push(paragraph(trusted(`and ${notes.length - shown.length} more`)));
  return blocks;
}

/** A long note split after its lead (`variables … are taken as unset, as GitLab does`), or undefined. */
function foldedNote(note: string): { lead: string; rest: string } | undefined {
  if (note.length <= FOLD_NOTE_CHARS) return undefined;
  const at = note.indexOf(": ");
  // Only a lead that reads alone, and never inside a `code` part.
  if (at < 0 || at > FOLD_NOTE_CHARS || note.slice(0, at).split("`").length % 2 === 0) return undefined;
  return { lead: note.slice(0, at), rest: note.slice(at + 2) };
}
