import type { ExpandedText, TextPiece } from "./expanded-text.js";
import { holeShape } from "./hole-shapes.js";

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
 * with `/` or `:`) unless its label gives it a shape (`holeShape`: a commit SHA is hex digits),
 * then only a string of that shape. A dynamic programme over both positions: O(|a|·|b|), a typed
 * hole counted as its longest length.
 *
 * Why it is complete: in a common string, no character needs to come from an untyped hole on
 * both sides at once (drop it and both still match), so every character pairs a literal or a
 * typed character with its like on the other side, or with an untyped hole there.
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
  return overlapProgramme(typedSteps(a, start, endA), typedSteps(b, start, endB));
}

/**
 * One step of the programme: a literal character; an untyped hole (any string, also empty); or
 * one character of a typed hole, from its `chars`, which may be left out when `optional`.
 */
type Step = string | { any: true } | { chars: string; optional: boolean };

/** The atoms from..to as steps: a typed hole becomes `min` characters and `max - min` optional ones. */
function typedSteps(atoms: Atom[], from: number, to: number): Step[] {
  const steps: Step[] = [];
  for (let i = from; i < to; i++) {
    const a = atoms[i];
    if (typeof a === "string") {
      steps.push(a);
      continue;
    }
    const shape = holeShape(a.hole);
    if (!shape) {
      steps.push(ANY);
      continue;
    }
    for (let k = 0; k < shape.max; k++) steps.push({ chars: shape.chars, optional: k >= shape.min });
  }
  return steps;
}

const ANY: Step = { any: true };

const isAny = (s: Step | undefined): boolean => typeof s === "object" && "any" in s;
const isOptional = (s: Step | undefined): boolean => typeof s === "object" && "optional" in s && s.optional;

/** Whether two single-character steps can be the same character. */
function sameCharacter(x: Step, y: Step): boolean {
  if (typeof x === "string") return typeof y === "string" ? x === y : "chars" in y && y.chars.includes(x);
  if (typeof y === "string") return "chars" in x && x.chars.includes(y);
  if (!("chars" in x) || !("chars" in y)) return false;
  for (const c of x.chars) if (y.chars.includes(c)) return true;
  return false;
}

function overlapProgramme(a: Step[], b: Step[]): boolean {
  const m = b.length;
  // reach[i][j]: a[0..i) and b[0..j) can produce the same string; one row of it at a time.
  let prev = new Uint8Array(m + 1);
  let row = new Uint8Array(m + 1);
  for (let i = 0; i <= a.length; i++) {
    const ai = i > 0 ? a[i - 1] : undefined;
    const aAny = isAny(ai);
    const aSkips = aAny || isOptional(ai);
    let alive = false;
    for (let j = 0; j <= m; j++) {
      let ok = false;
      if (i === 0 && j === 0) ok = true;
      else {
        const bj = j > 0 ? b[j - 1] : undefined;
        const bAny = isAny(bj);
        // An untyped hole may end having produced nothing more, and an optional character be left out.
        if (aSkips && prev[j] === 1) ok = true;
        else if ((bAny || isOptional(bj)) && j > 0 && row[j - 1] === 1) ok = true;
        else if (i > 0 && j > 0 && ai !== undefined && bj !== undefined) {
          // An untyped hole absorbs the other side's character and stays open.
          if (aAny) ok = row[j - 1] === 1;
          else if (bAny) ok = prev[j] === 1;
          else ok = prev[j - 1] === 1 && sameCharacter(ai, bj);
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
