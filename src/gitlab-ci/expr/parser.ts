import type { BinaryOp, Expr, ExprError } from "./ast.js";
import { lexCondition, type Token } from "./lexer.js";
import { compileExpressionPattern } from "./regex.js";

/**
 * The `rules:if` parser, a transcription of GitLab's `Expression::Parser` (parser.rb): a
 * shunting-yard pass to reverse Polish notation, then a stack machine that builds the tree.
 *
 * Precedence (lexeme/*.rb, lower binds tighter): `== != =~ !~` 10, `&&` 11, `||` 12; all
 * left-associative. An operator pops operators of lower-or-equal number; `)` pops every
 * operator down to its `(`.
 *
 * Like GitLab, this does not check that operators stand between their operands: GitLab
 * accepts `== $A $B` and `$A $B ==` as `$A == $B`, and `$A ()` as `$A`, so we do too. What
 * GitLab rejects we reject, with a column: an empty expression, an operator without two
 * operands, two values left without an operator, unmatched parentheses, an invalid regex.
 */
export type ParseResult = { ok: true; expr: Expr; error?: never } | { ok: false; error: ExprError; expr?: never };

const PRECEDENCE: Record<BinaryOp, number> = {
  "==": 10,
  "!=": 10,
  "=~": 10,
  "!~": 10,
  "&&": 11,
  "||": 12,
};
/** ParenthesisOpen's precedence: higher than everything, so no operator pops it. */
const OPEN_PAREN_PRECEDENCE = 901;
/** ParenthesisClose's precedence: pops every binary operator, never a `(`. */
const CLOSE_PAREN_PRECEDENCE = 900;

export function parseCondition(text: string): ParseResult {
  const lexed = lexCondition(text);
  if (!lexed.ok) return lexed;
  return parseTokens(lexed.tokens);
}

export function parseTokens(tokens: Token[]): ParseResult {
  // Statement#parse_tree raises when there are no lexemes at all.
  if (tokens.length === 0) return fail("empty expression", 0);
  const rpn = toReversePolish(tokens);
  if (!rpn.ok) return rpn;
  return buildTree(rpn.output);
}

function isBinary(kind: Token["kind"]): kind is BinaryOp {
  return kind in PRECEDENCE;
}

function precedenceOf(token: Token): number {
  if (token.kind === "(") return OPEN_PAREN_PRECEDENCE;
  return isBinary(token.kind) ? PRECEDENCE[token.kind] : 0;
}

function toReversePolish(tokens: Token[]): { ok: true; output: Token[] } | { ok: false; error: ExprError } {
  const output: Token[] = [];
  const operators: Token[] = [];
  const top = (): Token | undefined => operators[operators.length - 1];
  for (const token of tokens) {
    if (isBinary(token.kind)) {
      const own = PRECEDENCE[token.kind];
      for (let t = top(); t && own >= precedenceOf(t); t = top()) output.push(operators.pop() as Token);
      operators.push(token);
    } else if (token.kind === "(") {
      operators.push(token);
    } else if (token.kind === ")") {
      for (let t = top(); t && CLOSE_PAREN_PRECEDENCE >= precedenceOf(t); t = top()) output.push(operators.pop() as Token);
      if (!top()) return fail("unmatched `)`", token.start);
      operators.pop();
    } else {
      output.push(token);
    }
  }
  for (let i = operators.length - 1; i >= 0; i--) output.push(operators[i] as Token);
  return { ok: true, output };
}

function buildTree(rpn: Token[]): ParseResult {
  const stack: Expr[] = [];
  for (const token of rpn) {
    if (token.kind === "(") return fail("unmatched `(`", token.start);
    if (isBinary(token.kind)) {
      const right = stack.pop();
      const left = stack.pop();
      if (!left || !right) return fail(`\`${token.kind}\` needs a value on each side`, token.start);
      stack.push({
        kind: "binary",
        op: token.kind,
        left,
        right,
        opStart: token.start,
        start: Math.min(left.start, right.start, token.start),
        end: Math.max(left.end, right.end, token.end),
      });
      continue;
    }
    const leaf = buildLeaf(token);
    if (!leaf.ok) return leaf;
    stack.push(leaf.expr);
  }
  const [root, stray] = stack;
  if (stray) return fail("missing operator: two values follow each other", stray.start);
  if (!root) return fail("empty expression", 0);
  return { ok: true, expr: root };
}

function buildLeaf(token: Token): ParseResult {
  const { start, end, text } = token;
  switch (token.kind) {
    case "variable":
      return { ok: true, expr: { kind: "variable", name: text.slice(1), start, end } };
    case "input": {
      const name = /inputs\.([A-Za-z0-9_]+)/.exec(text)?.[1] ?? "";
      return { ok: true, expr: { kind: "input", name, start, end } };
    }
    case "string":
      return { ok: true, expr: { kind: "string", value: text.slice(1, -1), start, end } };
    case "null":
      return { ok: true, expr: { kind: "null", start, end } };
    case "boolean":
      return { ok: true, expr: { kind: "boolean", value: text === "true", start, end } };
    case "pattern": {
      // Lexeme::Pattern.new raises "Invalid regular expression!" when RE2 refuses it.
      const compiled = compileExpressionPattern(text);
      if (!compiled.ok) {
        return {
          ok: false,
          error: { code: "regex-invalid", message: compiled.message, col: start + rawOffset(text, compiled.offset) + 1 },
        };
      }
      return { ok: true, expr: { kind: "pattern", source: compiled.pattern.text, re2: compiled.pattern.re2, start, end } };
    }
    default:
      return fail(`unexpected \`${text}\``, start);
  }
}

/** Maps an offset in the `\/`-unescaped literal back to the literal as written. */
function rawOffset(raw: string, unescapedOffset: number): number {
  let i = 0;
  for (let u = 0; i < raw.length && u < unescapedOffset; u++) i += raw.startsWith("\\/", i) ? 2 : 1;
  return i;
}

function fail(message: string, offset: number): { ok: false; error: ExprError } {
  return { ok: false, error: { code: "expression-syntax", message, col: offset + 1 } };
}
