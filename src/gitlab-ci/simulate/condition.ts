import { evaluateCondition, parseCondition, UNKNOWN, variablesIn, type Evaluation, type Expr, type LookupResult } from "../expr/index.js";
import { everyWorld, type World } from "../expr/worlds.js";
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

/**
 * Most worlds (worlds.ts) tried for one expression or one `rules:` list; beyond it the answer
 * stays "unknown". An expression asks a handful of questions; a rules list asks one per unknown
 * rule on the way to the match, so this is reached only by lists of hundreds of unknown rules.
 */
export const MAX_WORLDS = 256;

/**
 * Evaluates `text` against a scope. A variable whose value is not known is tried in every
 * possible world (worlds.ts: set or unset when GitLab may leave it unset, equal to each literal it
 * is compared with or to none, matched by each pattern or not), and the answer is definite only
 * when every world agrees.
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
  return e === undefined ? "\0u" : e.unknown !== undefined ? `\0?${e.maybeAbsent ? "a" : ""}${e.nonEmpty ? "n" : ""}${e.sameValueAs !== undefined ? `=${e.sameValueAs.length}:${e.sameValueAs}` : ""}` : `\0=${e.raw.length}:${e.raw}`;
}

/** Callers own what they get: a cached answer is handed out as a copy. */
function copyResult(r: ConditionResult): ConditionResult {
  return { result: r.result, reads: { ...r.reads }, unknowns: [...r.unknowns], ...(r.error ? { error: { ...r.error } } : {}) };
}

function evaluateUncached(expr: Expr, scope: VarLookup): ConditionResult {
  const plain = evaluateCondition(expr, (name) => {
    const entry = scope.get(name);
    return !entry ? undefined : entry.unknown !== undefined ? UNKNOWN : entry.raw;
  });
  if (plain.unknowns.length === 0 || plain.error) return fromEvaluation(plain);
  const results = everyWorld((world) => evaluateCondition(expr, worldLookup(scope, world)).result, MAX_WORLDS);
  const outcomes = new Set<Truth>(results ?? ["unknown"]);
  const result: Truth = outcomes.size === 1 ? ([...outcomes][0] as Truth) : "unknown";
  const out = fromEvaluation(plain);
  out.result = result;
  if (result !== "unknown") {
    // Decided whatever their values: shown as read, not as what the answer depends on.
    for (const name of out.unknowns) out.reads[name] = scope.get(name)?.nonEmpty ? "(set, value not known)" : "(value not known)";
    out.unknowns = [];
  }
  return out;
}

/** A `rules:if` in one possible world of the scope's unknown variables; false when it does not parse. */
export function evaluateConditionInWorld(text: string, scope: VarLookup, world: World): Truth {
  const p = parseConditionCached(text);
  return p.ok ? evaluateCondition(p.expr, worldLookup(scope, world)).result : false;
}

/** A scope as one world sees it: unknown variables answer with that world's values. */
export function worldLookup(scope: VarLookup, world: World): (name: string) => LookupResult {
  return (name) => {
    const entry = scope.get(name);
    if (!entry) return undefined;
    return entry.unknown !== undefined ? world.variable(name, entry) : entry.raw;
  };
}

function fromEvaluation(e: Evaluation): ConditionResult {
  return {
    result: e.result,
    reads: { ...e.reads },
    unknowns: [...e.unknowns],
    ...(e.error ? { error: { message: e.error.message, col: e.error.col } } : {}),
  };
}
