import type { BinaryOp, Expr } from "./ast.js";
import { compileExpressionPattern, type CompiledPattern } from "./regex.js";

/** The predefined variables that name the pipeline's ref (branch or tag), as rules test them. */
export const REF_VARIABLES = [
  "CI_COMMIT_BRANCH",
  "CI_COMMIT_REF_NAME",
  "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
  "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
  "CI_DEFAULT_BRANCH",
  "CI_COMMIT_TAG",
] as const;
export type RefVariable = (typeof REF_VARIABLES)[number];

/**
 * A test of a ref variable against a literal, found in an expression: the raw material for
 * choosing which branches to simulate (DESIGN §4).
 */
export interface RefComparison {
  variable: RefVariable;
  operator: BinaryOp;
  /** `literal`: `== "name"` / `!= "name"`; `pattern`: `=~ /re/` / `!~ /re/`. */
  kind: "literal" | "pattern";
  /** The literal name, or the pattern text `/…/flags` (after `\/` unescaping). */
  value: string;
  pattern?: CompiledPattern;
  /** 1-based column of the literal or pattern in the expression. */
  col: number;
}

/**
 * Every comparison of a ref variable with a literal:
 * - `==`/`!=` with a quoted string on either side;
 * - `=~`/`!~` with the variable on the left and, on the right, a regex literal or a quoted
 *   string that GitLab compiles as a pattern (`"/^release-/"`).
 * A quoted non-pattern string on the right of `=~` is a substring test (the branch name must
 * occur inside the string); it names no branch by itself and is left out.
 */
export function refComparisons(expr: Expr): RefComparison[] {
  const found: RefComparison[] = [];
  const walk = (node: Expr): void => {
    if (node.kind !== "binary") return;
    walk(node.left);
    walk(node.right);
    const comparison = asRefComparison(node.op, node.left, node.right);
    if (comparison) found.push(comparison);
  };
  walk(expr);
  return found.sort((a, b) => a.col - b.col);
}

function isRefVariable(node: Expr): node is Extract<Expr, { kind: "variable" }> & { name: RefVariable } {
  return node.kind === "variable" && (REF_VARIABLES as readonly string[]).includes(node.name);
}

function asRefComparison(op: BinaryOp, left: Expr, right: Expr): RefComparison | undefined {
  if (op === "==" || op === "!=") {
    const [variable, literal] = isRefVariable(left) ? [left, right] : isRefVariable(right) ? [right, left] : [];
    if (!variable || literal?.kind !== "string") return undefined;
    return { variable: variable.name, operator: op, kind: "literal", value: literal.value, col: literal.start + 1 };
  }
  if ((op === "=~" || op === "!~") && isRefVariable(left)) {
    const text = right.kind === "pattern" ? right.source : right.kind === "string" ? right.value : undefined;
    if (text === undefined) return undefined;
    const compiled = compileExpressionPattern(text);
    if (!compiled.ok) return undefined;
    return {
      variable: left.name,
      operator: op,
      kind: "pattern",
      value: compiled.pattern.text,
      pattern: compiled.pattern,
      col: right.start + 1,
    };
  }
  return undefined;
}
