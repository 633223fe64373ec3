import type { ResolvedText } from "../gitlab-ci/pipeline.js";

/**
 * Text after shell expansion, kept as known text and unknown holes. A hole has an
 * identity: two holes with the same `id` stand for the same (unknown) value, so
 * `docker build -t "$TAG"` and a later `docker push "$TAG"` are known to name the same
 * image even when `$TAG` itself is unknown. A command substitution gets a fresh id each
 * time it runs, because its output may differ from one run to the next.
 */
export type TextPiece = { kind: "text"; text: string } | { kind: "hole"; label: string; id: string };

export interface ExpandedText {
  pieces: TextPiece[];
  /** Why each hole is unknown, as shown to the user: "$NAME: not defined …". */
  unknowns: string[];
}

export function knownText(text: string): ExpandedText {
  return { pieces: text === "" ? [] : [{ kind: "text", text }], unknowns: [] };
}

export function holeText(label: string, id: string, why: string): ExpandedText {
  return { pieces: [{ kind: "hole", label, id }], unknowns: [why] };
}

/** Concatenate, merging adjacent text pieces so that equal strings have equal pieces. */
export function concatTexts(...parts: ExpandedText[]): ExpandedText {
  const pieces: TextPiece[] = [];
  const unknowns: string[] = [];
  for (const part of parts) {
    for (const piece of part.pieces) {
      const last = pieces[pieces.length - 1];
      if (piece.kind === "text") {
        if (piece.text === "") continue;
        if (last?.kind === "text") pieces[pieces.length - 1] = { kind: "text", text: last.text + piece.text };
        else pieces.push(piece);
      } else pieces.push(piece);
    }
    for (const u of part.unknowns) if (!unknowns.includes(u)) unknowns.push(u);
  }
  return { pieces, unknowns };
}

/** Characters the text shows (each hole as its label). */
export function expandedLength(t: ExpandedText): number {
  let length = 0;
  for (const p of t.pieces) length += p.kind === "text" ? p.text.length : p.label.length;
  return length;
}

export function isKnown(t: ExpandedText): boolean {
  return t.pieces.every((p) => p.kind === "text") && t.unknowns.length === 0;
}

/** The text when fully known, else undefined. */
export function knownValue(t: ExpandedText): string | undefined {
  return isKnown(t) ? t.pieces.map((p) => (p.kind === "text" ? p.text : "")).join("") : undefined;
}

export function isEmptyText(t: ExpandedText): boolean {
  return t.pieces.length === 0;
}

/** Same value for certain: equal text and the same holes (same ids) in the same places. */
export function sameExpandedText(a: ExpandedText, b: ExpandedText): boolean {
  if (a.pieces.length !== b.pieces.length) return false;
  return a.pieces.every((p, i) => {
    const q = b.pieces[i];
    if (p.kind === "text") return q.kind === "text" && q.text === p.text;
    return q.kind === "hole" && q.id === p.id;
  });
}

/** Render as ResolvedText: each hole shows as `«label»` so nobody mistakes it for a value. */
export function toResolvedText(t: ExpandedText): ResolvedText {
  const text = t.pieces.map((p) => (p.kind === "text" ? p.text : `«${p.label}»`)).join("");
  return { text, known: isKnown(t), unknowns: [...t.unknowns] };
}

/**
 * Read a ResolvedText (from the variable resolver) back into pieces. Its `«…»` parts
 * become holes whose identity is `idPrefix` plus the label, so the same job variable
 * read twice yields the same hole.
 */
export function fromResolvedText(r: ResolvedText, idPrefix: string): ExpandedText {
  if (r.known) return { ...knownText(r.text), unknowns: [...r.unknowns] };
  const pieces: TextPiece[] = [];
  const re = /«([^»]*)»/g;
  let at = 0;
  for (let m = re.exec(r.text); m !== null; m = re.exec(r.text)) {
    if (m.index > at) pieces.push({ kind: "text", text: r.text.slice(at, m.index) });
    pieces.push({ kind: "hole", label: m[1], id: `${idPrefix}${m[1]}` });
    at = m.index + m[0].length;
  }
  if (at < r.text.length) pieces.push({ kind: "text", text: r.text.slice(at) });
  // A resolver may say "unknown" without marking a part; keep that honest with one hole.
  if (!pieces.some((p) => p.kind === "hole")) pieces.push({ kind: "hole", label: r.text || "unknown", id: `${idPrefix}?` });
  const unknowns = r.unknowns.length > 0 ? [...r.unknowns] : [`${r.text}: not known statically`];
  return { pieces, unknowns };
}

/** Pieces of a ResolvedText for pattern matching: holes match any string. */
export function resolvedPattern(r: ResolvedText): TextPiece[] {
  return fromResolvedText(r, "").pieces;
}
