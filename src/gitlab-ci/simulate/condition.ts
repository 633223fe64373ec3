import { evaluateCondition, parseCondition, UNKNOWN, variablesIn, type Evaluation, type Expr, type LookupResult } from "../expr/index.js";
import type { Truth } from "../pipeline.js";
import type { VarEntry, VarLookup } from "./variable-entry.js";

/**
 * The bridge between a variable scope and the `rules:if` evaluator. In `rules:if`, a variable
 * is its RAW value (never expanded, clause/if.rb uses `variables_hash`), nil when undefined,
 * and UNKNOWN when GitLab sets it but we cannot know the value statically.
 */

/** A parsed condition, or why it does not parse (`col` 1-based within the text). */
export type ParsedCondition = { ok: true; expr: Expr } | { ok: false; message: string; col: number };

const parsed = new Map<string, ParsedCondition>();
const PARSE_CACHE_LIMIT = 5000;

export function parseConditionCached(text: string): ParsedCondition {
  const hit = parsed.get(text);
  if (hit) return hit;
  const r = parseCondition(text);
  const value: ParsedCondition = r.ok ? { ok: true, expr: r.expr } : { ok: false, message: r.error.message, col: r.error.col };
  if (parsed.size >= PARSE_CACHE_LIMIT) parsed.clear();
  parsed.set(text, value);
  return value;
}

export interface ConditionResult {
  result: Truth;
  reads: Record<string, string | null>;
  /** Names whose values (or presence) were not known. */
  unknowns: string[];
  error?: { message: string; col: number };
}

/** Most `maybe absent` variables one expression may read before we stop enumerating (2^n runs). */
const MAX_PRESENCE_SPLITS = 4;

/**
 * Evaluates `text` against a scope. A variable whose very presence is unknown (for example
 * CI_MERGE_REQUEST_LABELS, set only when the MR has labels) is tried both ways — absent and
 * present-with-unknown-value — and the answer is definite only when every way agrees.
 */
export function evaluateConditionInScope(text: string, scope: VarLookup): ConditionResult {
  const p = parseConditionCached(text);
  if (!p.ok) return { result: false, reads: {}, unknowns: [], error: { message: p.message, col: p.col } };
  // The answer is a pure function of the text and of what the scope says about the variables
  // the text names, and big configurations evaluate the same template rules for thousands of
  // jobs in scopes that agree on those variables: remember it by exactly that.
  const key = evaluationKey(text, p.expr, scope);
  const hit = evaluations.get(key);
  if (hit) return copyResult(hit);
  const result = evaluateUncached(p.expr, scope);
  if (evaluations.size >= EVALUATION_CACHE_LIMIT) evaluations.clear();
  evaluations.set(key, result);
  return copyResult(result);
}

const evaluations = new Map<string, ConditionResult>();
const EVALUATION_CACHE_LIMIT = 20000;
const namesOf = new WeakMap<Expr, string[]>();

/** The variables an expression names, each once, in the order written (remembered per parsed expression). */
function namesIn(expr: Expr): string[] {
  let names = namesOf.get(expr);
  if (!names) {
    names = variablesIn(expr);
    namesOf.set(expr, names);
  }
  return names;
}

/** The variables a `rules:if` text names; none when it does not parse. Shared: do not change. */
export function conditionNames(text: string): readonly string[] {
  const p = parseConditionCached(text);
  return p.ok ? namesIn(p.expr) : [];
}

/** The text, then per named variable: undefined, unknown (with its presence facts), or its raw value. */
function evaluationKey(text: string, expr: Expr, scope: VarLookup): string {
  let key = text;
  for (const name of namesIn(expr)) key += factKey(scope.get(name));
  return key;
}

/** Everything a `rules:if` can learn about one variable: undefined, unknown (with its presence facts), or its raw value. */
export function factKey(e: VarEntry | undefined): string {
  return e === undefined ? "\0u" : e.unknown !== undefined ? `\0?${e.maybeAbsent ? "a" : ""}${e.nonEmpty ? "n" : ""}` : `\0=${e.raw.length}:${e.raw}`;
}

/** Callers own what they get: a cached answer is handed out as a copy. */
function copyResult(r: ConditionResult): ConditionResult {
  return { result: r.result, reads: { ...r.reads }, unknowns: [...r.unknowns], ...(r.error ? { error: { ...r.error } } : {}) };
}

function evaluateUncached(expr: Expr, scope: VarLookup): ConditionResult {
  const p = { expr };

  const lookupWith =
    (absent: Set<string>) =>
    (name: string): LookupResult => {
      if (absent.has(name)) return undefined;
      const entry = scope.get(name);
      if (!entry) return undefined;
      return entry.unknown !== undefined ? UNKNOWN : entry.raw;
    };

  let first = evaluateCondition(p.expr, lookupWith(new Set()));
  // A value known to be non-empty but otherwise unknown decides `&&`/`||` and the final
  // truth just like any non-empty string would, so when the expression only tests its
  // truth (never compares it), any non-empty stand-in gives the exact answer.
  const truthOnly = first.unknowns.filter((n) => scope.get(n)?.nonEmpty && !isCompared(p.expr, n));
  if (truthOnly.length > 0) {
    const base = lookupWith(new Set());
    first = evaluateCondition(p.expr, (name) => (truthOnly.includes(name) ? "set" : base(name)));
    for (const n of truthOnly) first.reads[n] = "(set, value not known)";
  }
  const splittable = first.unknowns.filter((n) => scope.get(n)?.maybeAbsent).slice(0, MAX_PRESENCE_SPLITS);
  if (splittable.length === 0 || first.error) return fromEvaluation(first);

  const runs: Evaluation[] = [first];
  for (let mask = 1; mask < 1 << splittable.length; mask++) {
    const absent = new Set(splittable.filter((_, i) => mask & (1 << i)));
    runs.push(evaluateCondition(p.expr, lookupWith(absent)));
  }
  const results = new Set(runs.map((r) => r.result));
  const combined = fromEvaluation(first);
  for (const r of runs) Object.assign(combined.reads, Object.fromEntries(Object.entries(r.reads).filter(([k]) => !splittable.includes(k))));
  combined.result = results.size === 1 ? first.result : "unknown";
  return combined;
}

/** Whether variable `name` is an operand of `==`, `!=`, `=~` or `!~` anywhere in `expr`. */
function isCompared(expr: Expr, name: string): boolean {
  if (expr.kind !== "binary") return false;
  if (expr.op !== "&&" && expr.op !== "||") {
    const isVar = (e: Expr) => e.kind === "variable" && e.name === name;
    if (isVar(expr.left) || isVar(expr.right)) return true;
  }
  return isCompared(expr.left, name) || isCompared(expr.right, name);
}

function fromEvaluation(e: Evaluation): ConditionResult {
  return {
    result: e.result,
    reads: { ...e.reads },
    unknowns: [...e.unknowns],
    ...(e.error ? { error: { message: e.error.message, col: e.error.col } } : {}),
  };
}
