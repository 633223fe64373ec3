import type { ExpandedText, TextPiece } from "./expanded-text.js";

/**
 * Text with holes as a flat list: one string per known character, a hole object per
 * unknown part. Path and image-reference logic works on this so that `/`, `:` and `@`
 * inside known text are found while holes stay opaque.
 */
export type Atom = string | { hole: string; id: string };

export function toAtoms(pieces: TextPiece[]): Atom[] {
  const atoms: Atom[] = [];
  for (const p of pieces) {
    if (p.kind === "text") for (const c of p.text) atoms.push(c);
    else atoms.push({ hole: p.label, id: p.id });
  }
  return atoms;
}

export function fromAtoms(atoms: Atom[]): TextPiece[] {
  const pieces: TextPiece[] = [];
  for (const a of atoms) {
    const last = pieces[pieces.length - 1];
    if (typeof a === "string") {
      if (last?.kind === "text") pieces[pieces.length - 1] = { kind: "text", text: last.text + a };
      else pieces.push({ kind: "text", text: a });
    } else pieces.push({ kind: "hole", label: a.hole, id: a.id });
  }
  return pieces;
}

/** Rebuild an ExpandedText from atoms, keeping the explanations of the holes still present. */
export function atomsToText(atoms: Atom[], from: ExpandedText): ExpandedText {
  const pieces = fromAtoms(atoms);
  return { pieces, unknowns: pieces.some((p) => p.kind === "hole") ? [...from.unknowns] : [] };
}

export function isHole(a: Atom | undefined): a is { hole: string; id: string } {
  return typeof a === "object";
}

/** The atoms (from `from` to before `to`) as text, each hole shown as `«label»`. */
export function atomsToString(atoms: Atom[], from = 0, to = atoms.length): string {
  let text = "";
  for (let i = from; i < to; i++) {
    const a = atoms[i];
    text += typeof a === "string" ? a : `«${a.hole}»`;
  }
  return text;
}

/** Split on a known character (holes never split). */
export function splitAtoms(atoms: Atom[], sep: string): Atom[][] {
  const out: Atom[][] = [[]];
  for (const a of atoms) {
    if (a === sep) out.push([]);
    else out[out.length - 1].push(a);
  }
  return out;
}

export function joinAtoms(parts: Atom[][], sep: string): Atom[] {
  return parts.flatMap((p, i) => (i === 0 ? p : [sep, ...p]));
}

/** Strip `prefix` (atom by atom, holes compared by identity); undefined when it is not a prefix. */
export function stripAtomPrefix(atoms: Atom[], prefix: Atom[]): Atom[] | undefined {
  if (prefix.length > atoms.length) return undefined;
  for (let i = 0; i < prefix.length; i++) {
    const a = atoms[i];
    const b = prefix[i];
    if (typeof a === "string" || typeof b === "string") {
      if (a !== b) return undefined;
    } else if (a.id !== b.id) return undefined;
  }
  return atoms.slice(prefix.length);
}

/**
 * Whether some string matches both patterns, a hole matching any string (including one
 * with `/` or `:`). A dynamic programme over both positions: O(|a|·|b|).
 *
 * Why it is complete: in a common string, no character needs to come from a hole on both
 * sides at once (drop it and both still match), so every character pairs a literal with
 * an equal literal, or a literal with a hole on the other side.
 */
export function atomPatternsOverlap(a: Atom[], b: Atom[]): boolean {
  const n = a.length;
  const m = b.length;
  // reach[i][j]: a[0..i) and b[0..j) can produce the same string.
  let row: boolean[] = new Array<boolean>(m + 1).fill(false);
  const rows: boolean[][] = [];
  for (let i = 0; i <= n; i++) {
    row = new Array<boolean>(m + 1).fill(false);
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) {
        row[j] = true;
        continue;
      }
      const ai = a[i - 1];
      const bj = b[j - 1];
      let ok = false;
      // A hole may end having produced nothing more: skip it.
      if (i > 0 && isHole(ai) && rows[i - 1][j]) ok = true;
      if (!ok && j > 0 && isHole(bj) && row[j - 1]) ok = true;
      if (!ok && i > 0 && j > 0) {
        if (typeof ai === "string" && typeof bj === "string") ok = ai === bj && rows[i - 1][j - 1];
        // A hole in a absorbs the literal b[j-1] and stays open.
        else if (isHole(ai) && typeof bj === "string") ok = row[j - 1];
        else if (typeof ai === "string" && isHole(bj)) ok = rows[i - 1][j];
      }
      row[j] = ok;
    }
    rows.push(row);
  }
  return rows[n][m];
}
