import { evaluateExpressionText } from "./evaluate.js";
import { givenContexts } from "./given-contexts.js";
import { findPlaceholders, interpolate } from "./template.js";
import { containsUnknown, toPlain, typeName, Unknown, type Value } from "./value.js";

export type GivenResult =
  | { kind: "value"; json?: unknown; type: ReturnType<typeof typeName>; unknown: string[]; reads: Record<string, string | null> }
  | { kind: "error"; message: string; offset: number }
  | { kind: "usage"; message: string };

/**
 * One GitHub Actions expression evaluated with the contexts a person gives (`eval --dialect
 * github-actions`): `${{ expr }}` alone or a bare expression is evaluated; text around `${{ }}`
 * is a string template, as in a workflow value. Status functions answer as in a job whose
 * earlier steps succeeded.
 */
export function evaluateGiven(text: string, json: Record<string, unknown> | undefined, pairs: ReadonlyArray<readonly [string, string]>): GivenResult {
  const given = givenContexts(json, pairs);
  if (given.errors.length > 0) return { kind: "usage", message: given.errors.join("; ") };
  const scope = { contexts: given.contexts, status: { success: true, failure: false, cancelled: false } as const };
  const trimmed = text.trim();
  const found = findPlaceholders(trimmed);
  if (!Array.isArray(found)) return { kind: "error", message: found.error, offset: found.offset };
  let value: Value;
  let reads: Record<string, string | null>;
  if (found.length === 1 && found[0].start === 0 && found[0].end === trimmed.length) {
    const r = evaluateExpressionText(found[0].expr, scope);
    if (!r.ok) return { kind: "error", message: r.message, offset: text.indexOf("${{") + 3 + r.offset };
    ({ value, reads } = r);
  } else if (found.length > 0) {
    const r = interpolate(trimmed, scope);
    if (r.errors.length > 0) return { kind: "error", message: r.errors[0].message, offset: r.errors[0].offset };
    value = r.text.known ? r.text.text : new Unknown(r.text.unknowns);
    reads = r.reads;
  } else {
    const r = evaluateExpressionText(text, scope);
    if (!r.ok) return { kind: "error", message: r.message, offset: r.offset };
    ({ value, reads } = r);
  }
  if (containsUnknown(value)) return { kind: "value", type: "unknown", unknown: unknownsIn(value), reads };
  return { kind: "value", json: toPlain(value), type: typeName(value), unknown: [], reads };
}

function unknownsIn(v: Value): string[] {
  const out = new Set<string>();
  const walk = (x: Value) => {
    if (x instanceof Unknown) for (const r of x.reasons) out.add(r);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === "object") for (const [, y] of x.entries()) walk(y);
  };
  walk(v);
  return [...out];
}
