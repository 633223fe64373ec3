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
  // The known characters since the last hole (undefined: none), made one piece when a hole or the end comes.
  let text: string | undefined;
  for (const a of atoms) {
    if (typeof a === "string") text = text === undefined ? a : text + a;
    else {
      if (text !== undefined) pieces.push({ kind: "text", text });
      text = undefined;
      pieces.push({ kind: "hole", label: a.hole, id: a.id });
    }
  }
  if (text !== undefined) pieces.push({ kind: "text", text });
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
  const out: Atom[] = [];
  parts.forEach((p, i) => {
    if (i > 0) out.push(sep);
    for (const a of p) out.push(a);
  });
  return out;
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
  // Literal ends must agree literally (a common string starts, and ends, with both): compare them
  // first, so the programme runs only on what lies between the holes.
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  for (; start < endA && start < endB; start++) {
    const x = a[start];
    const y = b[start];
    if (typeof x !== "string" || typeof y !== "string") break;
    if (x !== y) return false;
  }
  for (; endA > start && endB > start; endA--, endB--) {
    const x = a[endA - 1];
    const y = b[endB - 1];
    if (typeof x !== "string" || typeof y !== "string") break;
    if (x !== y) return false;
  }
  return start === 0 && endA === a.length && endB === b.length ? overlapProgramme(a, b) : overlapProgramme(a.slice(start, endA), b.slice(start, endB));
}

function overlapProgramme(a: Atom[], b: Atom[]): boolean {
  const m = b.length;
  // reach[i][j]: a[0..i) and b[0..j) can produce the same string; one row of it at a time.
  let prev = new Uint8Array(m + 1);
  let row = new Uint8Array(m + 1);
  for (let i = 0; i <= a.length; i++) {
    const ai = i > 0 ? a[i - 1] : undefined;
    const aHole = isHole(ai);
    let alive = false;
    for (let j = 0; j <= m; j++) {
      let ok = false;
      if (i === 0 && j === 0) ok = true;
      else {
        const bj = j > 0 ? b[j - 1] : undefined;
        // A hole may end having produced nothing more: skip it.
        if (aHole && prev[j] === 1) ok = true;
        else if (isHole(bj) && row[j - 1] === 1) ok = true;
        else if (i > 0 && j > 0) {
          if (typeof ai === "string" && typeof bj === "string") ok = ai === bj && prev[j - 1] === 1;
          // A hole in a absorbs the literal b[j-1] and stays open.
          else if (aHole && typeof bj === "string") ok = row[j - 1] === 1;
          else if (typeof ai === "string" && isHole(bj)) ok = prev[j] === 1;
        }
      }
      row[j] = ok ? 1 : 0;
      if (ok) alive = true;
    }
    // Nothing of a[0..i) matches any prefix of b: no longer prefix of a can.
    if (!alive) return false;
    [prev, row] = [row, prev];
  }
  return prev[m] === 1;
}
