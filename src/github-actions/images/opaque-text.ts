import type { ResolvedText } from "../../gitlab-ci/pipeline.js";

/**
 * Text in which some parts are not known statically. Unknown parts are kept as opaque
 * markers (private-use characters around an index) so the string can still be split,
 * prefixed and sanitised the way docker/metadata-action does, and rendered at the end as
 * `«what»`, like ResolvedText everywhere else.
 */
const OPEN = "\uE000";
const CLOSE = "\uE001";
const MARKER = /\uE000(\d+)\uE001/g;

export class OpaqueTable {
  private readonly reasons: string[] = [];

  marker(reason: string): string {
    let i = this.reasons.indexOf(reason);
    if (i < 0) i = this.reasons.push(reason) - 1;
    return `${OPEN}${i}${CLOSE}`;
  }

  reasonsIn(text: string): string[] {
    return [...text.matchAll(MARKER)].map((m) => this.reasons[Number(m[1])]);
  }

  render(text: string): ResolvedText {
    const unknowns = this.reasonsIn(text);
    return {
      text: text.replace(MARKER, (_m, i: string) => `«${this.reasons[Number(i)]}»`),
      known: unknowns.length === 0,
      unknowns: [...new Set(unknowns)],
    };
  }
}

export function hasOpaque(text: string): boolean {
  return text.includes(OPEN);
}

/** Apply `fn` to the known stretches only, leaving markers untouched. */
export function mapKnown(text: string, fn: (s: string) => string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(MARKER)) {
    out += fn(text.slice(last, m.index)) + m[0];
    last = (m.index ?? 0) + m[0].length;
  }
  return out + fn(text.slice(last));
}
