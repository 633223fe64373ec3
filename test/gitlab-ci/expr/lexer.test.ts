import { describe, expect, it } from "vitest";
import { lexCondition, MAX_TOKENS } from "../../../src/gitlab-ci/expr/index.js";

/** The token texts, as GitLab's lexer spec lists them. */
function texts(expression: string): string[] {
  const lexed = lexCondition(expression);
  if (!lexed.ok) throw new Error(`unexpected lexer error: ${lexed.error.message}`);
  return lexed.tokens.map((t) => t.text);
}

function kinds(expression: string): string[] {
  const lexed = lexCondition(expression);
  if (!lexed.ok) throw new Error(`unexpected lexer error: ${lexed.error.message}`);
  return lexed.tokens.map((t) => t.kind);
}

describe("lexer: tokens (GitLab lexer_spec and lexeme specs)", () => {
  it.each<[string, string[]]>([
    ["$VARIABLE", ["$VARIABLE"]],
    ["\t$VARIABLE ", ["$VARIABLE"]],
    ["$VARIABLE1 $VARIABLE2", ["$VARIABLE1", "$VARIABLE2"]],
    ['$VARIABLE "text" "value"', ["$VARIABLE", '"text"', '"value"']],
    ['$VARIABLE == "text"', ["$VARIABLE", "==", '"text"']],
    [
      "$PRESENT_VARIABLE =~ /my var/ && $EMPTY_VARIABLE =~ /nope/",
      ["$PRESENT_VARIABLE", "=~", "/my var/", "&&", "$EMPTY_VARIABLE", "=~", "/nope/"],
    ],
    ['$EMPTY_VARIABLE == "" || $PRESENT_VARIABLE', ["$EMPTY_VARIABLE", "==", '""', "||", "$PRESENT_VARIABLE"]],
    [
      '$PRESENT_VARIABLE && null || $EMPTY_VARIABLE == ""',
      ["$PRESENT_VARIABLE", "&&", "null", "||", "$EMPTY_VARIABLE", "==", '""'],
    ],
    [
      '($PRESENT_VARIABLE && (null || $EMPTY_VARIABLE == ""))',
      ["(", "$PRESENT_VARIABLE", "&&", "(", "null", "||", "$EMPTY_VARIABLE", "==", '""', ")", ")"],
    ],
    ["$A!=$B", ["$A", "!=", "$B"]],
    ["$A!~/xy/", ["$A", "!~", "/xy/"]],
    ["$A==null", ["$A", "==", "null"]],
  ])("%s", (expression, expected) => {
    expect(texts(expression)).toEqual(expected);
  });

  it.each<[string, string, string[]]>([
    ["strings end at the first matching quote (no escapes)", String.raw`"a\" == "b"`, [String.raw`"a\"`, "==", '"b"']],
    ["a double-quoted string may contain single quotes", `"it's"`, [`"it's"`]],
    ["a single-quoted string may contain double quotes", `'say "hi"'`, [`'say "hi"'`]],
    ["$ inside a string is plain text", '"$HOME"', ['"$HOME"']],
    ["a regex ends at the first unescaped slash", "/some .* / =~ $A", ["/some .* /", "=~", "$A"]],
    ["an escaped slash does not end a regex", String.raw`/some .* \/ pattern/`, [String.raw`/some .* \/ pattern/`]],
    ["flags i s m U are part of the regex", "/ab/ismU", ["/ab/ismU"]],
    ["variable names are \\w+", "$CI_COMMIT_REF_NAME9", ["$CI_COMMIT_REF_NAME9"]],
    ["newer GitLab: true and false literals", "true == false", ["true", "==", "false"]],
    ["newer GitLab: input references", "$[[ inputs.env ]] == 'prod'", ["$[[ inputs.env ]]", "==", "'prod'"]],
    ["$null is a variable, not null", "$null", ["$null"]],
  ])("%s", (_name, expression, expected) => {
    expect(texts(expression)).toEqual(expected);
  });

  it("names the kind of every lexeme", () => {
    expect(kinds('( ) $[[ inputs.a ]] $V "s" /re/ null true == =~ != !~ && ||')).toEqual([
      "(",
      ")",
      "input",
      "variable",
      "string",
      "pattern",
      "null",
      "boolean",
      "==",
      "=~",
      "!=",
      "!~",
      "&&",
      "||",
    ]);
  });

  it("keeps 0-based offsets of every token", () => {
    const lexed = lexCondition('  $A == "x"');
    expect(lexed.ok && lexed.tokens.map((t) => [t.start, t.end])).toEqual([
      [2, 4],
      [5, 7],
      [8, 11],
    ]);
  });
});

describe("lexer: errors with the 1-based column", () => {
  it.each<[string, string, number, RegExp]>([
    ["a number", "$V1 123 $V2", 5, /unexpected `123`/],
    ["a bare word", "$A == main", 7, /unexpected `main`/],
    ["${VAR}", '${CI_COMMIT_BRANCH} == "main"', 1, /\$\{NAME\}/],
    ["a lone $", "$ == 'x'", 1, /followed by a variable name/],
    ["a single =", "$INVALID = 1", 10, /`=` is not an operator/],
    ["a single &", "$A & $B", 4, /`&` is not an operator/],
    ["a single |", "$A | $B", 4, /`\|` is not an operator/],
    ["negation ! (not in GitLab's lexer list)", "!$A", 1, /`!\$A` is not an operator/],
    ["an unterminated string", '$A == "main', 7, /unterminated string/],
    ["a string cannot span lines", '$A == "ma\nin"', 7, /unterminated string/],
    ["a single-character regex", "$A =~ /./", 7, /at least two characters/],
    ["an empty regex", "$A =~ //", 7, /at least two characters/],
    ["an unterminated regex", "$A =~ /abc", 7, /unterminated regular expression/],
    ["a regex closed by an escaped slash only", String.raw`$A =~ /abc\/`, 7, /unterminated regular expression/],
    ["an unsupported regex flag", "$A =~ /abc/g", 12, /unexpected `g`/],
    ["a boolean glued to a word", "$A == trueish", 7, /unexpected `trueish`/],
    ["null glued to a word", "$A == nullable", 11, /unexpected `able`/],
    ["text after a regex's closing slash", "$A =~ /some .* / pattern/", 18, /unexpected `pattern\/`/],
    ["an input name with a dash", "$[[ inputs.job-stage ]]", 1, /followed by a variable name/],
  ])("%s: %s", (_name, expression, col, message) => {
    const lexed = lexCondition(expression);
    expect(lexed.ok).toBe(false);
    expect(lexed.error?.code).toBe("expression-syntax");
    expect(lexed.error?.col).toBe(col);
    expect(lexed.error?.message).toMatch(message);
  });
});

describe("lexer: limits", () => {
  /** An expression of exactly `n` tokens. */
  const tokens = (n: number): string => Array.from({ length: n }, (_, i) => `$V${i}`).join(" ");

  it("accepts 99 tokens", () => {
    expect(lexCondition(tokens(MAX_TOKENS - 1)).ok).toBe(true);
  });

  it("rejects 100 tokens, as GitLab's lexer loop does, pointing at the 100th", () => {
    const lexed = lexCondition(tokens(MAX_TOKENS));
    expect(lexed.error?.message).toMatch(/too many tokens/);
    expect(lexed.error?.col).toBe(tokens(MAX_TOKENS - 1).length + 2);
  });

  it("rejects an expression longer than the hostile-input cap", () => {
    expect(lexCondition(`"${"a".repeat(70_000)}"`).error?.message).toMatch(/longer than/);
  });

  it("stays fast on a long unterminated regex full of escaped slashes", () => {
    const lexed = lexCondition(`/${"\\/".repeat(30_000)}`);
    expect(lexed.error?.message).toMatch(/unterminated regular expression/);
  });
});
