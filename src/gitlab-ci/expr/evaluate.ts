import type { Truth } from "../pipeline.js";
import type { Expr, ExprError } from "./ast.js";
import { compileExpressionPattern, type CompiledPattern } from "./regex.js";
import { BLANK, OpaqueValue } from "./worlds.js";

/**
 * Evaluates a parsed `rules:if` expression with GitLab's (Ruby's) value semantics, and with a
 * third truth value for what cannot be known statically.
 *
 * GitLab's semantics (lexeme/*.rb, statement.rb):
 * - A variable is its raw value, or nil when undefined. Values are never expanded: `$X` inside a
 *   value or inside a quoted string is plain text (clause/if.rb uses `variables_hash`).
 * - `&&`/`||` are Ruby's: they return an operand's value; only nil and false are falsy ("" is
 *   truthy).
 * - `==`/`!=` compare values: nil == null, "" != null.
 * - `=~`/`!~`: a nil (or false) right side gives false/true. A regex, or a string that looks
 *   like `/…/flags` and compiles, is searched in the left side (nil reads as ""). Any other
 *   string S on the right gives Ruby's `S.scan(left)`: true when the left value occurs in S.
 * - The final value goes through ActiveSupport `present?`: nil, false, "" and whitespace-only
 *   strings do not match.
 *
 * Unknown values: the lookup may answer UNKNOWN ("defined, but the value cannot be known
 * statically", e.g. CI_COMMIT_MESSAGE). Every intermediate result is the set of values it could
 * have, so `&&`/`||` keep returning operand values; the answer is `"unknown"` only when the
 * possible outcomes disagree. This is sound but does not correlate two reads of one variable
 * (`$U == "a" || $U != "a"` is unknown, not true); evaluating once per possible world
 * (worlds.ts), where the lookup answers an OpaqueValue instead, does.
 */
export const UNKNOWN: unique symbol = Symbol("unknown value");

/**
 * A variable's raw value; `undefined` when it is not defined; UNKNOWN when not knowable; an
 * OpaqueValue when it is unknown but every test of it is answered by one possible world.
 */
export type LookupResult = string | undefined | typeof UNKNOWN | OpaqueValue;
export type Lookup = (name: string) => LookupResult;

export interface EvaluateOptions {
  /** Values of `$[[ inputs.name ]]` (spec:inputs:rules). Without it, every input is UNKNOWN. */
  inputs?: Lookup;
}

export interface Evaluation {
  result: Truth;
  /**
   * The variables the expression read and the raw value it saw (`null`: not defined), in the
   * order read. Variables whose value is UNKNOWN are not here but in `unknowns`; inputs appear
   * as `inputs.NAME`. A variable on the untaken side of a decided `&&`/`||` is not read.
   */
  reads: Record<string, string | null>;
  /** The names read whose values are not known statically. */
  unknowns: string[];
  /** Set when the expression is invalid or fails in GitLab; `result` is then false. */
  error?: ExprError;
}

/** One value an expression can have. `any` is a defined string whose content is unknown. */
type Possible =
  | { t: "nil" }
  | { t: "bool"; v: boolean }
  | { t: "str"; v: string }
  | { t: "regex"; p: CompiledPattern }
  | { t: "any" }
  | { t: "opaque"; v: OpaqueValue };

/** The values a sub-expression can have: never empty, without duplicates. */
type Value = Possible[];

const NIL: Possible = { t: "nil" };
const ANY: Possible = { t: "any" };
const TRUE: Possible = { t: "bool", v: true };
const FALSE: Possible = { t: "bool", v: false };

/**
 * Raised for what fails inside GitLab at evaluation time (a Ruby NoMethodError there), or for a
 * hand-built tree with a pattern RE2 refuses (the parser already rejects those).
 */
class EvaluationFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly code: ExprError["code"] = "expression-runtime",
  ) {
    super(message);
  }
}

export function evaluateExpr(expr: Expr, lookup: Lookup, options: EvaluateOptions = {}): Evaluation {
  const reads: Record<string, string | null> = {};
  const unknowns: string[] = [];
  const seen = new Map<string, Possible>();
  const read = (key: string, ask: () => LookupResult): Possible => {
    const known = seen.get(key);
    if (known) return known;
    const raw = ask();
    let value: Possible;
    if (raw === UNKNOWN) {
      unknowns.push(key);
      value = ANY;
    } else if (raw instanceof OpaqueValue) {
      unknowns.push(key);
      value = { t: "opaque", v: raw };
    } else {
      reads[key] = raw ?? null;
      value = raw === undefined ? NIL : { t: "str", v: raw };
    }
    seen.set(key, value);
    return value;
  };
  const inputs = options.inputs ?? ((): LookupResult => UNKNOWN);

  const evaluate = (node: Expr): Value => {
    switch (node.kind) {
      case "variable":
        return [read(node.name, () => lookup(node.name))];
      case "input":
        return [read(`inputs.${node.name}`, () => inputs(node.name))];
      case "string":
        return [{ t: "str", v: node.value }];
      case "null":
        return [NIL];
      case "boolean":
        return [node.value ? TRUE : FALSE];
      case "pattern": {
        const compiled = compileExpressionPattern(node.source);
        if (!compiled.ok) throw new EvaluationFailure(compiled.message, node.start, "regex-invalid");
        return [{ t: "regex", p: compiled.pattern }];
      }
      case "binary": {
        const left = evaluate(node.left);
        if (node.op === "&&" || node.op === "||") {
          // Ruby: `a && b` is a when a is falsy, else b; `a || b` is a when a is truthy, else b.
          const keep = left.filter((p) => isTruthy(p) === (node.op === "||"));
          if (keep.length === left.length) return left;
          return unique([...keep, ...evaluate(node.right)]);
        }
        const right = evaluate(node.right);
        const outcomes: boolean[] = [];
        for (const l of left) {
          for (const r of right) outcomes.push(...compare(node.op, l, r, node.opStart));
        }
        return unique(outcomes.map((b) => (b ? TRUE : FALSE)));
      }
    }
  };

  try {
    const outcomes = new Set(evaluate(expr).map(isPresent));
    const result: Truth = outcomes.size > 1 || outcomes.has("unknown") ? "unknown" : outcomes.has(true);
    return { result, reads, unknowns };
  } catch (err) {
    if (!(err instanceof EvaluationFailure)) throw err;
    return { result: false, reads, unknowns, error: { code: err.code, message: err.message, col: err.offset + 1 } };
  }
}

function isTruthy(p: Possible): boolean {
  return p.t === "nil" ? false : p.t === "bool" ? p.v : true;
}

/** ActiveSupport `present?`: not nil, false or blank (worlds.ts, BLANK). */
function isPresent(p: Possible): Truth {
  switch (p.t) {
    case "nil":
      return false;
    case "bool":
      return p.v;
    case "str":
      return !BLANK.test(p.v);
    case "regex":
      return true;
    case "any":
      return "unknown";
    case "opaque":
      return p.v.isPresent();
  }
}

const BOTH = [true, false];

function compare(op: "==" | "!=" | "=~" | "!~", left: Possible, right: Possible, offset: number): boolean[] {
  if (op === "==" || op === "!=") {
    const equal = equals(left, right, offset);
    return op === "==" ? equal : equal.map((b) => !b);
  }
  // matches.rb / not_matches.rb: `return false unless regexp` (`true` for !~).
  if (right.t === "nil" || (right.t === "bool" && !right.v)) return [op === "!~"];
  const found = matches(left, right, offset);
  return op === "=~" ? found : found.map((b) => !b);
}

/** Ruby `==` between two values. */
function equals(left: Possible, right: Possible, offset: number): boolean[] {
  if (left.t === "regex") {
    // UntrustedRegexp#== compares `source`; anything but another regexp has no `source`.
    if (right.t === "regex") return [left.p.re2 === right.p.re2];
    throw new EvaluationFailure(
      "a regular expression on the left of ==/!= can only be compared with another one (GitLab fails here)",
      offset,
    );
  }
  if (left.t === "any" || right.t === "any") {
    const other = left.t === "any" ? right : left;
    return other.t === "str" || other.t === "any" || other.t === "opaque" ? BOTH : [false];
  }
  if (left.t === "opaque" || right.t === "opaque") {
    const [value, other] = left.t === "opaque" ? [left.v, right] : [(right as { v: OpaqueValue }).v, left];
    if (other.t === "opaque") return [value.sameAs(other.v)];
    return other.t === "str" ? [value.equals(other.v)] : [false];
  }
  if (left.t !== right.t) return [false];
  if (left.t === "nil") return [true];
  if (left.t === "bool" && right.t === "bool") return [left.v === right.v];
  if (left.t === "str" && right.t === "str") return [left.v === right.v];
  return [false];
}

/** `=~` with a non-nil right side: whether the right side is found in the left side's text. */
function matches(left: Possible, right: Possible, offset: number): boolean[] {
  // Ruby `text.to_s`: nil → "", true → "true". A regexp's `to_s` is an object description we
  // cannot predict, so it is treated as an unknown string.
  const text: string | undefined =
    left.t === "nil" ? "" : left.t === "str" ? left.v : left.t === "bool" ? String(left.v) : undefined;
  const opaque = left.t === "opaque" ? left.v : undefined;
  if (right.t === "regex") return opaque ? [opaque.matches(right.p)] : text === undefined ? BOTH : [right.p.test(text)];
  if (right.t === "str") {
    // Pattern.build_and_evaluate: a string that compiles as /…/flags is a regexp; any other
    // string stays a string, and `string.scan(text)` finds text as a substring.
    const compiled = compileExpressionPattern(right.v);
    if (opaque) return [compiled.ok ? opaque.matches(compiled.pattern) : opaque.occursIn(right.v)];
    if (text === undefined) return BOTH;
    return [compiled.ok ? compiled.pattern.test(text) : right.v.includes(text)];
  }
  // An unknown right side may or may not be a pattern.
  if (right.t === "any" || right.t === "opaque") return BOTH;
  // `true` on the right: GitLab calls `true.gsub` and fails.
  throw new EvaluationFailure(
    "the right side of =~/!~ must be a string or a regular expression, not true (GitLab fails here)",
    offset,
  );
}

function unique(values: Possible[]): Value {
  const byKey = new Map<string, Possible>();
  for (const p of values) {
    const key = p.t === "str" ? `s:${p.v}` : p.t === "bool" ? `b:${p.v}` : p.t === "regex" ? `r:${p.p.re2}` : p.t === "opaque" ? `o:${p.v.name}` : p.t;
    if (!byKey.has(key)) byKey.set(key, p);
  }
  return [...byKey.values()];
}
