/**
 * The `rules:if` expression language, as GitLab evaluates it:
 * lexer.ts → parser.ts → evaluate.ts, with regex.ts for RE2 patterns.
 */
import type { Expr } from "./ast.js";
import { evaluateExpr, type EvaluateOptions, type Evaluation, type Lookup, type UNKNOWN } from "./evaluate.js";
import { parseCondition } from "./parser.js";

export type { BinaryOp, Expr, ExprError } from "./ast.js";
export { UNKNOWN, type Evaluation, type EvaluateOptions, type Lookup, type LookupResult } from "./evaluate.js";
export { parseCondition, type ParseResult } from "./parser.js";
export { lexCondition, MAX_TOKENS, type Token, type TokenKind } from "./lexer.js";
export { compilePattern, compileExpressionPattern, looksLikePattern, type CompiledPattern, type PatternResult } from "./regex.js";
export { variablesIn } from "./variables-in.js";
export { refComparisons, REF_VARIABLES, type RefComparison, type RefVariable } from "./ref-comparisons.js";
export { exprPos } from "./expr-pos.js";

/**
 * Whether a rule with this `if:` matches, given the variables. Text that does not parse gives
 * `result: false` with the error (GitLab refuses such a configuration; `Statement#truthful?`
 * also answers false).
 */
export function evaluateCondition(exprOrText: Expr | string, lookup: Lookup, options?: EvaluateOptions): Evaluation {
  if (typeof exprOrText !== "string") return evaluateExpr(exprOrText, lookup, options);
  const parsed = parseCondition(exprOrText);
  if (!parsed.ok) return { result: false, reads: {}, unknowns: [], error: parsed.error };
  return evaluateExpr(parsed.expr, lookup, options);
}

/** A lookup over a plain record: absent keys are undefined variables. */
export function lookupIn(values: Record<string, string | typeof UNKNOWN>): Lookup {
  return (name) => (Object.hasOwn(values, name) ? values[name] : undefined);
}
