/**
 * The tree of one `rules:if` expression. Every node keeps its place in the expression text as
 * 0-based offsets (`start` inclusive, `end` exclusive); columns shown to users are `start + 1`.
 * `exprPos` (expr-pos.ts) maps a column back to the file.
 */
export type Expr =
  | { kind: "variable"; name: string; start: number; end: number }
  /** `$[[ inputs.name ]]`: only lexed by newer GitLab (see lexer.ts). */
  | { kind: "input"; name: string; start: number; end: number }
  /** A quoted string; GitLab has no escapes, so `value` is the text between the quotes. */
  | { kind: "string"; value: string; start: number; end: number }
  /**
   * A `/regex/flags` literal. `source` is the literal after GitLab's `\/` → `/` unescaping
   * (still with its slashes and flags); `re2` is what RE2 compiles: `(?flags)body`.
   */
  | { kind: "pattern"; source: string; re2: string; start: number; end: number }
  | { kind: "null"; start: number; end: number }
  /** `true` / `false`: only lexed by newer GitLab (see lexer.ts). */
  | { kind: "boolean"; value: boolean; start: number; end: number }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; opStart: number; start: number; end: number };

export type BinaryOp = "==" | "!=" | "=~" | "!~" | "&&" | "||";

/**
 * A finding about the expression: `col` is 1-based within the expression text.
 * `expression-runtime`: valid syntax that fails when GitLab evaluates it (e.g. `/a/ == "a"`).
 */
export interface ExprError {
  code: "expression-syntax" | "regex-invalid" | "expression-runtime";
  message: string;
  col: number;
}
