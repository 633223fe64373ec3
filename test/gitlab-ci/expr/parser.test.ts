import { describe, expect, it } from "vitest";
import { parseCondition, type Expr } from "../../../src/gitlab-ci/expr/index.js";

const NAMES = { "==": "equals", "!=": "not_equals", "=~": "matches", "!~": "not_matches", "&&": "and", "||": "or" } as const;

/** The tree in the notation of GitLab's parser spec (`Lexeme#inspect`). */
function show(expr: Expr): string {
  switch (expr.kind) {
    case "binary":
      return `${NAMES[expr.op]}(${show(expr.left)}, ${show(expr.right)})`;
    case "variable":
      return `$${expr.name}`;
    case "input":
      return `$[[ inputs.${expr.name} ]]`;
    case "string":
      return JSON.stringify(expr.value);
    case "pattern":
      return expr.source;
    case "null":
      return "null";
    case "boolean":
      return String(expr.value);
  }
}

function tree(text: string): string {
  const parsed = parseCondition(text);
  if (!parsed.ok) throw new Error(`unexpected parse error: ${parsed.error.message}`);
  return show(parsed.expr);
}

describe("parser: precedence and associativity (GitLab parser_spec)", () => {
  it.each<[string, string]>([
    ['$VAR1 == "123"', 'equals($VAR1, "123")'],
    ['$VAR1 == "123" == $VAR2', 'equals(equals($VAR1, "123"), $VAR2)'],
    ["$VAR", "$VAR"],
    ['"some value"', '"some value"'],
    ["null", "null"],
    ["$VAR1 || $VAR2 && $VAR3", "or($VAR1, and($VAR2, $VAR3))"],
    ["$VAR1 && $VAR2 || $VAR3", "or(and($VAR1, $VAR2), $VAR3)"],
    ["$VAR1 && $VAR2 || $VAR3 && $VAR4", "or(and($VAR1, $VAR2), and($VAR3, $VAR4))"],
    ["$VAR1 && ($VAR2 || $VAR3) && $VAR4", "and(and($VAR1, or($VAR2, $VAR3)), $VAR4)"],
    [
      '$VAR1 == "a" || $VAR2 == "b" && $VAR3 == "c" || $VAR4 == "d" && $VAR5 == "e"',
      'or(or(equals($VAR1, "a"), and(equals($VAR2, "b"), equals($VAR3, "c"))), and(equals($VAR4, "d"), equals($VAR5, "e")))',
    ],
    [
      '(($VAR1 == "a" || $VAR2 == "b") && $VAR3 == "c" || $VAR4 == "d") && $VAR5 == "e"',
      'and(or(and(or(equals($VAR1, "a"), equals($VAR2, "b")), equals($VAR3, "c")), equals($VAR4, "d")), equals($VAR5, "e"))',
    ],
    ["$A || $B || $C", "or(or($A, $B), $C)"],
    ["$A && $B && $C", "and(and($A, $B), $C)"],
    ["$A =~ /ab/ && $B !~ /cd/i", "and(matches($A, /ab/), not_matches($B, /cd/i))"],
    ["$A != $B == $C", "equals(not_equals($A, $B), $C)"],
    ["(($A))", "$A"],
    ["$A && ($B || ($C == 'x'))", 'and($A, or($B, equals($C, "x")))'],
    [String.raw`$A =~ /a\/b/`, "matches($A, /a/b/)"],
    ["true != false", "not_equals(true, false)"],
    ['$[[ inputs.env ]] == "prod"', 'equals($[[ inputs.env ]], "prod")'],
  ])("%s", (text, expected) => {
    expect(tree(text)).toBe(expected);
  });
});

describe("parser: what GitLab's shunting-yard accepts although it looks wrong", () => {
  // GitLab never checks that an operator stands between its operands; these configurations load
  // and run there, so rejecting them would report errors GitLab does not have.
  it.each<[string, string]>([
    ["== $A $B", "equals($A, $B)"],
    ["$A $B ==", "equals($A, $B)"],
    ["$A ()", "$A"],
    ["$A (== $B)", "equals($A, $B)"],
  ])("%s", (text, expected) => {
    expect(tree(text)).toBe(expected);
  });
});

describe("parser: errors with the 1-based column", () => {
  it.each<[string, string, number, RegExp]>([
    ["empty", "", 1, /empty expression/],
    ["only whitespace", "   ", 1, /empty expression/],
    ["only parentheses", "()", 1, /empty expression/],
    ["two values without an operator", '$VAR "text"', 6, /missing operator/],
    ["parenthesised values side by side", "($A) ($B)", 7, /missing operator/],
    ["operator without a left side", '== "123"', 1, /`==` needs a value on each side/],
    ["operator without a right side", "$VAR ==", 6, /`==` needs a value on each side/],
    ["&& without a right side", '$A == "x" &&', 11, /`&&` needs a value/],
    ["|| between nothing", "||", 1, /`\|\|` needs a value/],
    ["$VAR == (", "$VAR == (", 9, /unmatched `\(`/],
    ['$VAR2 == ("aa"', '$VAR2 == ("aa"', 10, /unmatched `\(`/],
    ['$VAR2 == ("aa"))', '$VAR2 == ("aa"))', 16, /unmatched `\)`/],
    ['$VAR2 == "aa")', '$VAR2 == "aa")', 14, /unmatched `\)`/],
    ['(($VAR2 == "aa")', '(($VAR2 == "aa")', 1, /unmatched `\(`/],
    ['($VAR2 == "aa"))', '($VAR2 == "aa"))', 16, /unmatched `\)`/],
    ["a closing parenthesis first", ")$A(", 1, /unmatched `\)`/],
    ["a lexer error comes first", "$A == 1 ==", 7, /unexpected `1`/],
  ])("%s: %s", (_name, text, col, message) => {
    const parsed = parseCondition(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.error?.code).toBe("expression-syntax");
    expect(parsed.error?.col).toBe(col);
    expect(parsed.error?.message).toMatch(message);
  });
});

describe("parser: node positions", () => {
  it("keeps the offsets of operands and operator", () => {
    const parsed = parseCondition('$A == "x" && $B');
    expect(parsed.ok).toBe(true);
    const root = parsed.expr;
    expect(root?.kind === "binary" && [root.start, root.opStart, root.end]).toEqual([0, 10, 15]);
    const left = root?.kind === "binary" ? root.left : undefined;
    expect(left?.kind === "binary" && [left.start, left.opStart, left.end]).toEqual([0, 3, 9]);
  });
});
