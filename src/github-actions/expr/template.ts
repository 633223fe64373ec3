import type { ResolvedText } from "../../gitlab-ci/pipeline.js";
import { evaluateExpressionText, type ExprScope } from "./evaluate.js";
import { isUnknown, toText, type Value } from "./value.js";

/** A `${{ ... }}` found in a string: its expression text and where it sits. */
export interface Placeholder {
  /** Offset of `${{` in the string. */
  start: number;
  /** Offset just after `}}`. */
  end: number;
  /** The expression between the braces, untrimmed. */
  expr: string;
  /** Offset of the expression text in the string. */
  exprStart: number;
}

/** Find every `${{ }}`; a `}}` inside a '...' literal does not close it. */
export function findPlaceholders(text: string): Placeholder[] | { error: string; offset: number } {
  const out: Placeholder[] = [];
  let i = 0;
  for (;;) {
    const start = text.indexOf("${{", i);
    if (start < 0) return out;
    let j = start + 3;
    let inString = false;
    for (;;) {
      if (j >= text.length) return { error: "'${{' without a closing '}}'", offset: start };
      const ch = text[j];
      if (ch === "'") inString = !inString; // `''` toggles twice: still right
      else if (!inString && ch === "}" && text[j + 1] === "}") break;
      j++;
    }
    out.push({ start, end: j + 2, expr: text.slice(start + 3, j), exprStart: start + 3 });
    i = j + 2;
  }
}

export interface InterpolateResult {
  text: ResolvedText;
  /** The single value when the whole string is one `${{ }}` (keeps its type: arrays, booleans). */
  value?: Value;
  reads: Record<string, string | null>;
  errors: Array<{ message: string; offset: number }>;
}

/**
 * Substitute every `${{ }}`; a part that cannot be known shows as `«expr»` and makes the
 * text unknown, as ResolvedText does for GitLab variables.
 */
export function interpolate(text: string, scope: ExprScope): InterpolateResult {
  const found = findPlaceholders(text);
  const reads: Record<string, string | null> = {};
  if (!Array.isArray(found)) {
    return { text: { text, known: false, unknowns: [] }, reads, errors: [{ message: found.error, offset: found.offset }] };
  }
  let out = "";
  let last = 0;
  const unknowns: string[] = [];
  const errors: Array<{ message: string; offset: number }> = [];
  let single: Value | undefined;
  for (const p of found) {
    out += text.slice(last, p.start);
    last = p.end;
    const r = evaluateExpressionText(p.expr, scope);
    if (!r.ok) {
      errors.push({ message: r.message, offset: p.exprStart + r.offset });
      out += `«${p.expr.trim()}»`;
      unknowns.push(p.expr.trim());
      continue;
    }
    Object.assign(reads, r.reads);
    if (found.length === 1 && p.start === 0 && p.end === text.length) single = r.value;
    if (isUnknown(r.value)) {
      out += `«${p.expr.trim()}»`;
      unknowns.push(...(r.value.reasons.length ? r.value.reasons : [p.expr.trim()]));
    } else {
      out += toText(r.value);
    }
  }
  out += text.slice(last);
  return { text: { text: out, known: unknowns.length === 0 && errors.length === 0, unknowns: [...new Set(unknowns)] }, value: single, reads, errors };
}

/**
 * The expression of an `if:`. GitHub lets `if:` omit `${{ }}`; when the value is exactly one
 * `${{ }}` that is the expression. Text around a `${{ }}` makes the whole value a string,
 * which is always truthy — a known trap, reported as a warning.
 */
export function conditionText(raw: string): { expr: string; offset: number } | { mixed: true } {
  const trimmed = raw.trim();
  const found = findPlaceholders(trimmed);
  if (Array.isArray(found) && found.length === 1 && found[0].start === 0 && found[0].end === trimmed.length) {
    return { expr: found[0].expr, offset: raw.indexOf("${{") + 3 };
  }
  if (Array.isArray(found) && found.length > 0) return { mixed: true };
  return { expr: raw, offset: 0 };
}
