import { describe, expect, it } from "vitest";
import { evaluateCondition, lookupIn, UNKNOWN, type Lookup } from "../../../src/gitlab-ci/expr/index.js";
import type { Truth } from "../../../src/gitlab-ci/pipeline.js";

/** The variables of GitLab's statement_spec, plus a few of ours. */
const VARIABLES = lookupIn({
  PRESENT_VARIABLE: "my variable",
  PATH_VARIABLE: "a/path/variable/value",
  FULL_PATH_VARIABLE: "/a/full/path/variable/value",
  EMPTY_VARIABLE: "",
  BLANK_VARIABLE: " \t\n",
  NBSP_VARIABLE: "\u00a0",
  teststring: "abcde",
  pattern1: "/^ab.*/",
  pattern2: "/^at.*/",
  ICASE_PATTERN: "/^AB/i",
  BROKEN_PATTERN: "/(ab/",
  ESCAPED_PATTERN: String.raw`/a\/b/`,
  MULTILINE_PATTERN: "not a pattern\n/^ab/",
  SLASHED: "a/b",
  PAREN_AB: "(ab",
  REF: "$PRESENT_VARIABLE",
  BRANCH: "staging-8.0",
  TEXT: "line one\nline two",
  MESSAGE: UNKNOWN,
  OTHER_UNKNOWN: UNKNOWN,
});

function truth(text: string, lookup: Lookup = VARIABLES): Truth {
  const evaluation = evaluateCondition(text, lookup);
  expect(evaluation.error).toBeUndefined();
  return evaluation.result;
}

// GitLab's statement_spec `#evaluate` table gives the value; what a rule sees is its `present?`.
describe("evaluate: GitLab statement_spec", () => {
  it.each<[string, Truth]>([
    ['$PRESENT_VARIABLE == "my variable"', true],
    ['"my variable" == $PRESENT_VARIABLE', true],
    ["$PRESENT_VARIABLE == null", false],
    ["$EMPTY_VARIABLE == null", false],
    ['"" == $EMPTY_VARIABLE', true],
    ["$EMPTY_VARIABLE", false],
    ["$UNDEFINED_VARIABLE == null", true],
    ["null == $UNDEFINED_VARIABLE", true],
    ["$PRESENT_VARIABLE", true],
    ["$UNDEFINED_VARIABLE", false],
    ["$PRESENT_VARIABLE =~ /var.*e$/", true],
    [String.raw`$PRESENT_VARIABLE =~ /va\r.*e$/`, false],
    [String.raw`$PRESENT_VARIABLE =~ /va\/r.*e$/`, false],
    ["$PRESENT_VARIABLE =~ /^var.*/", false],
    ["$EMPTY_VARIABLE =~ /var.*/", false],
    ["$UNDEFINED_VARIABLE =~ /var.*/", false],
    ["$PRESENT_VARIABLE =~ /VAR.*/i", true],
    [String.raw`$PATH_VARIABLE =~ /path\/variable/`, true],
    [String.raw`$FULL_PATH_VARIABLE =~ /^\/a\/full\/path\/variable\/value$/`, true],
    [String.raw`$FULL_PATH_VARIABLE =~ /\/path\/variable\/value$/`, true],
    ['$PRESENT_VARIABLE != "my variable"', false],
    ['"my variable" != $PRESENT_VARIABLE', false],
    ["$PRESENT_VARIABLE != null", true],
    ["$EMPTY_VARIABLE != null", true],
    ['"" != $EMPTY_VARIABLE', false],
    ["$UNDEFINED_VARIABLE != null", false],
    ["null != $UNDEFINED_VARIABLE", false],
    ["$PRESENT_VARIABLE !~ /var.*e$/", false],
    ["$PRESENT_VARIABLE !~ /^var.*/", true],
    [String.raw`$PRESENT_VARIABLE !~ /^v\ar.*/`, true],
    [String.raw`$PRESENT_VARIABLE !~ /^v\/ar.*/`, true],
    ["$EMPTY_VARIABLE !~ /var.*/", true],
    ["$UNDEFINED_VARIABLE !~ /var.*/", true],
    ["$PRESENT_VARIABLE !~ /VAR.*/i", false],
    ['$PRESENT_VARIABLE && "string"', true],
    ["$PRESENT_VARIABLE && $PRESENT_VARIABLE", true],
    ["$PRESENT_VARIABLE && $EMPTY_VARIABLE", false],
    ["$PRESENT_VARIABLE && null", false],
    ['"string" && $PRESENT_VARIABLE', true],
    ["$EMPTY_VARIABLE && $PRESENT_VARIABLE", true],
    ["null && $PRESENT_VARIABLE", false],
    ['$EMPTY_VARIABLE && "string"', true],
    ["$EMPTY_VARIABLE && $EMPTY_VARIABLE", false],
    ['"string" && $EMPTY_VARIABLE', false],
    ['"string" && null', false],
    ['null && "string"', false],
    ['"string" && "string"', true],
    ["null && null", false],
    ["$PRESENT_VARIABLE =~ /my var/ && $EMPTY_VARIABLE =~ /nope/", false],
    ['$EMPTY_VARIABLE == "" && $PRESENT_VARIABLE', true],
    ['$EMPTY_VARIABLE == "" && $PRESENT_VARIABLE != "nope"', true],
    ["$PRESENT_VARIABLE && $UNDEFINED_VARIABLE", false],
    ["$UNDEFINED_VARIABLE && $EMPTY_VARIABLE", false],
    ["$UNDEFINED_VARIABLE && $PRESENT_VARIABLE", false],
    [String.raw`$FULL_PATH_VARIABLE =~ /^\/a\/full\/path\/variable\/value$/ && $PATH_VARIABLE =~ /path\/variable/`, true],
    [String.raw`$FULL_PATH_VARIABLE =~ /^\/a\/bad\/path\/variable\/value$/ && $PATH_VARIABLE =~ /path\/variable/`, false],
    [String.raw`$FULL_PATH_VARIABLE =~ /^\/a\/bad\/path\/variable\/value$/ || $PATH_VARIABLE =~ /path\/variable/`, true],
    [String.raw`$FULL_PATH_VARIABLE =~ /^\/a\/bad\/path\/variable\/value$/ || $PATH_VARIABLE =~ /bad\/path\/variable/`, false],
    ["$PRESENT_VARIABLE =~ /my var/ || $EMPTY_VARIABLE =~ /nope/", true],
    ['$EMPTY_VARIABLE == "" || $PRESENT_VARIABLE', true],
    ['$PRESENT_VARIABLE != "nope" || $EMPTY_VARIABLE == ""', true],
    ['$PRESENT_VARIABLE && null || $EMPTY_VARIABLE == ""', true],
    ["$PRESENT_VARIABLE || $UNDEFINED_VARIABLE", true],
    ["$UNDEFINED_VARIABLE || $PRESENT_VARIABLE", true],
    ["$UNDEFINED_VARIABLE == null || $PRESENT_VARIABLE", true],
    ["$PRESENT_VARIABLE || $UNDEFINED_VARIABLE == null", true],
    ["($PRESENT_VARIABLE)", true],
    ["(($PRESENT_VARIABLE))", true],
    ['(($PRESENT_VARIABLE && null) || $EMPTY_VARIABLE == "")', true],
    ['($PRESENT_VARIABLE) && (null || $EMPTY_VARIABLE == "")', true],
    ['("string" || "test") == "string"', true],
    ['(null || ("test" == "string"))', false],
    ['("string" == ("test" && "string"))', true],
    ['("string" == ("test" || "string"))', false],
    ['("string" == "test" || "string")', true],
    ['("string" == ("string" || (("1" == "1") && ("2" == "3"))))', true],
    ['$PRESENT_VARIABLE == "my variable"', true],
    ["$PRESENT_VARIABLE == 'no match'", false],
    ["$PRESENT_VARIABLE =~ /var.*/", true],
    ['$teststring =~ "abcde"', true],
    ["$teststring =~ $teststring", true],
    ["$teststring =~ $pattern1", true],
    ["$teststring =~ $pattern2", false],
  ])("%s → %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });
});

describe("evaluate: Ruby values and present?", () => {
  it.each<[string, string, Truth]>([
    ["an empty string is truthy for &&", '$EMPTY_VARIABLE && "x"', true],
    ["an empty string is truthy for ||, so || returns it and it is blank", '$EMPTY_VARIABLE || "x"', false],
    ["a whitespace-only value is blank", "$BLANK_VARIABLE", false],
    ["a no-break space is blank (Unicode White_Space)", "$NBSP_VARIABLE", false],
    ["|| returns a blank truthy left side", "$BLANK_VARIABLE || $PRESENT_VARIABLE", false],
    ["a string literal is present", '"x"', true],
    ["an empty string literal is blank", '""', false],
    ["a space string literal is blank", '" "', false],
    ["null is not present", "null", false],
    ["a regex literal alone is present", "/ab/", true],
    ["&& with a regex returns the regex", "$PRESENT_VARIABLE && /ab/", true],
    ["a comparison result feeds ==", '($PRESENT_VARIABLE == "my variable") == $EMPTY_VARIABLE', false],
    ["variables are not expanded in values", '$REF == "$PRESENT_VARIABLE"', true],
    ["variables are not expanded in strings", '"$PRESENT_VARIABLE" == "my variable"', false],
    ["comparison is case-sensitive", '$PRESENT_VARIABLE == "My Variable"', false],
    ["two undefined variables are equal", "$UNDEFINED_A == $UNDEFINED_B", true],
    ["an empty and an undefined variable differ", "$EMPTY_VARIABLE == $UNDEFINED_VARIABLE", false],
    ["newer GitLab: true is present", "true", true],
    ["newer GitLab: false is not present", "false", false],
    ["newer GitLab: true is not the string true", 'true == "true"', false],
    ["newer GitLab: booleans compare", "true != false", true],
    ["newer GitLab: a boolean on the left of =~ reads as its name", "true =~ /^tr/", true],
    ["two identical regexes are equal", "/ab/ == /ab/", true],
    ["regexes with different flags differ", "/ab/i == /ab/", false],
    ["a string never equals a regex", '"ab" == /ab/', false],
  ])("%s: %s → %s", (_name, text, expected) => {
    expect(truth(text)).toBe(expected);
  });
});

describe("evaluate: the right side of =~ and !~", () => {
  it.each<[string, string, Truth]>([
    ["doc example: the left is a substring of the right string", '"23" =~ "1234"', true],
    ["and not the other way round", '"1234" =~ "23"', false],
    ["!~ with a non-pattern string", '"1234" !~ "23"', true],
    ["an undefined left side reads as the empty string, found in any string", '$UNDEFINED_VARIABLE =~ "abc"', true],
    ["an undefined right side never matches", "$PRESENT_VARIABLE =~ $UNDEFINED_VARIABLE", false],
    ["!~ with an undefined right side is true", "$PRESENT_VARIABLE !~ $UNDEFINED_VARIABLE", true],
    ["null on the right never matches", "$UNDEFINED_VARIABLE =~ null", false],
    ["!~ null is true", "$PRESENT_VARIABLE !~ null", true],
    ["newer GitLab: false on the right behaves like null", "$PRESENT_VARIABLE =~ false", false],
    ["an empty string on the right is a string, not a pattern", '$PRESENT_VARIABLE =~ ""', false],
    ["an empty left is found in an empty right", '$EMPTY_VARIABLE =~ ""', true],
    ["a quoted /pattern/ is compiled", '$teststring =~ "/^ab/"', true],
    ["a quoted /pattern/ keeps its flags", '$teststring =~ "/^AB/i"', true],
    ["a pattern variable keeps its flags", "$teststring =~ $ICASE_PATTERN", true],
    ["a one-character pattern is fine in a string", '"a" =~ "/a/"', true],
    ["a variable with an invalid pattern is a plain string", "$teststring =~ $BROKEN_PATTERN", false],
    ["... which is searched as a substring", "$PAREN_AB =~ $BROKEN_PATTERN", true],
    ["\\/ in a pattern variable is unescaped", "$SLASHED =~ $ESCAPED_PATTERN", true],
    ["a pattern on one line of a multi-line value is compiled (Ruby's ^ and $)", "$teststring =~ $MULTILINE_PATTERN", true],
    ["a variable holding a regex on the LEFT is plain text", "$pattern1 =~ /ab/", true],
    ["... and is not compiled", '$pattern1 =~ "abcde"', false],
    ["a pattern matches anywhere (search, not full match)", "$BRANCH =~ /8\\.0/", true],
    ["an anchored pattern", "$BRANCH =~ /^8/", false],
    ["an empty-matching pattern matches an undefined variable", "$UNDEFINED_VARIABLE =~ /^$|x/", true],
    ["a pattern literal equal to the string still needs a match", "$PRESENT_VARIABLE =~ /my variable/", true],
  ])("%s: %s → %s", (_name, text, expected) => {
    expect(truth(text)).toBe(expected);
  });
});

describe("evaluate: RE2 specifics", () => {
  it.each<[string, string, Truth]>([
    ["POSIX classes", String.raw`$BRANCH =~ /^staging-[[:digit:]]+\.[[:digit:]]+$/`, true],
    ["POSIX classes do not match letters", "$BRANCH =~ /^[[:digit:]]/", false],
    ["Perl classes", String.raw`$BRANCH =~ /^staging-\d+\.\d+$/`, true],
    ["i: case-insensitive", "$BRANCH =~ /^STAGING/i", true],
    ["without i: case-sensitive", "$BRANCH =~ /^STAGING/", false],
    ["s: dot matches newline", "$TEXT =~ /one.line/s", true],
    ["without s: dot stops at newline", "$TEXT =~ /one.line/", false],
    ["m: ^ matches after a newline (RE2's m, not Ruby's dot-all)", "$TEXT =~ /^line two/m", true],
    ["without m: ^ is the start of the text", "$TEXT =~ /^line two/", false],
    ["m does not make dot match newline", "$TEXT =~ /one.line/m", false],
    ["U: ungreedy is accepted", "$BRANCH =~ /staging-.+/U", true],
    ["several flags", "$TEXT =~ /ONE.LINE/is", true],
    ["inline flags", "$BRANCH =~ /(?i)STAGING/", true],
    ["named groups", "$BRANCH =~ /(?P<major>[0-9]+)/", true],
    ["\\/ is a slash", String.raw`$PATH_VARIABLE =~ /^a\/path/`, true],
    ["\\$ is a dollar, not an escape of the lexer", String.raw`$REF =~ /^\$PRESENT/`, true],
    ["Unicode is matched by code point", '"café" =~ /^caf.$/', true],
    ["\\Q…\\E quotes metacharacters", String.raw`"a.b" =~ /^\Qa.b\E$/`, true],
    ["an unterminated \\Q never matches (GitLab wraps the pattern in a group to scan)", String.raw`"a.b" =~ /\Qa.b/`, false],
  ])("%s: %s → %s", (_name, text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it.each<[string, string, number]>([
    ["lookahead", "$A =~ /main(?=x)/", 12],
    ["negative lookahead", "$A =~ /main(?!x)/", 12],
    ["lookbehind", "$A =~ /(?<=x)main/", 8],
    ["back-reference", String.raw`$A =~ /(a)\1/`, 11],
    ["\\Z (not in RE2)", String.raw`$A =~ /end\Z/`, 11],
    ["repeat count over 1000", "$A =~ /a{1001}/", 9],
    ["unbalanced group", "$A =~ /(ab/", 8],
    ["column counts the escaped slashes as written", String.raw`$A =~ /a\/b\/(?=c)/`, 14],
  ])("%s is an invalid regex", (_name, text, col) => {
    const evaluation = evaluateCondition(text, VARIABLES);
    expect(evaluation.result).toBe(false);
    expect(evaluation.error?.code).toBe("regex-invalid");
    expect(evaluation.error?.col).toBe(col);
  });
});

describe("evaluate: unknown values (three-valued, sound)", () => {
  it.each<[string, string, Truth]>([
    ["an unknown variable alone may be blank", "$MESSAGE", "unknown"],
    ["comparing an unknown value", '$MESSAGE == "x"', "unknown"],
    ["!= with an unknown value", '$MESSAGE != "x"', "unknown"],
    ["an unknown value is defined, so never null", "$MESSAGE == null", false],
    ["... and != null holds", "$MESSAGE != null", true],
    ["an unknown value is a string, so truthy: && returns the right side", '$MESSAGE && "x"', true],
    ["&& with an unknown left and a blank right", "$MESSAGE && $EMPTY_VARIABLE", false],
    ["|| returns the unknown value", '$MESSAGE || "x"', "unknown"],
    ["a present left decides ||", "$PRESENT_VARIABLE || $MESSAGE", true],
    ["an empty left is truthy, so || returns it and the unknown is never read", "$EMPTY_VARIABLE || $MESSAGE", false],
    ["an undefined left hands || to the unknown", "$UNDEFINED_VARIABLE || $MESSAGE", "unknown"],
    ["a false comparison decides &&", '$PRESENT_VARIABLE == "y" && $MESSAGE', false],
    ["a true comparison hands && to the unknown", '$PRESENT_VARIABLE == "my variable" && $MESSAGE', "unknown"],
    ["an unknown comparison && a false one", '$MESSAGE == "x" && $PRESENT_VARIABLE == "y"', false],
    ["an unknown comparison || a true one", '$MESSAGE == "x" || $PRESENT_VARIABLE == "my variable"', true],
    ["an unknown comparison || a present value", '$MESSAGE =~ /skip/ || $PRESENT_VARIABLE', true],
    ["an unknown comparison || a blank value", '$MESSAGE =~ /skip/ || $EMPTY_VARIABLE', "unknown"],
    ["an unknown comparison && a blank value", '$MESSAGE =~ /skip/ && $EMPTY_VARIABLE', false],
    ["a boolean is never equal to a string", '($MESSAGE == "x") == "x"', false],
    ["matching an unknown value", "$MESSAGE =~ /skip/", "unknown"],
    ["an unknown pattern", "$PRESENT_VARIABLE =~ $MESSAGE", "unknown"],
    ["an unknown value =~ null", "$MESSAGE =~ null", false],
    ["an unknown value !~ null", "$MESSAGE !~ null", true],
    ["two unknowns", "$MESSAGE == $OTHER_UNKNOWN", "unknown"],
    ["an unknown never equals a regex", "$MESSAGE == /ab/", false],
    ["inside parentheses", '($MESSAGE == "x" || $UNDEFINED_VARIABLE) && $PRESENT_VARIABLE', "unknown"],
    ["an input without values is unknown", '$[[ inputs.env ]] == "prod"', "unknown"],
  ])("%s: %s → %s", (_name, text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it("reads an input from the inputs lookup", () => {
    const evaluation = evaluateCondition('$[[ inputs.env ]] == "prod"', VARIABLES, { inputs: lookupIn({ env: "prod" }) });
    expect(evaluation.result).toBe(true);
    expect(evaluation.reads).toEqual({ "inputs.env": "prod" });
  });
});

describe("evaluate: reads", () => {
  it.each<[string, string, Record<string, string | null>, string[]]>([
    ["every variable with the value seen", "$PRESENT_VARIABLE == $EMPTY_VARIABLE", { PRESENT_VARIABLE: "my variable", EMPTY_VARIABLE: "" }, []],
    ["null for an undefined variable", "$UNDEFINED_VARIABLE == null", { UNDEFINED_VARIABLE: null }, []],
    ["not the untaken side of &&", "$UNDEFINED_VARIABLE && $PRESENT_VARIABLE", { UNDEFINED_VARIABLE: null }, []],
    ["not the untaken side of ||", "$PRESENT_VARIABLE || $EMPTY_VARIABLE", { PRESENT_VARIABLE: "my variable" }, []],
    ["unknowns listed apart", '$MESSAGE == "x" || $PRESENT_VARIABLE', { PRESENT_VARIABLE: "my variable" }, ["MESSAGE"]],
    ["a variable read twice appears once", "$teststring =~ $teststring", { teststring: "abcde" }, []],
  ])("%s", (_name, text, reads, unknowns) => {
    const evaluation = evaluateCondition(text, VARIABLES);
    expect(evaluation.reads).toEqual(reads);
    expect(evaluation.unknowns).toEqual(unknowns);
  });
});

describe("evaluate: expressions that GitLab cannot evaluate", () => {
  it.each<[string, string, number]>([
    ["a regex compared with a string", '/ab/ == "ab"', 6],
    ["a regex compared with an undefined variable", "/ab/ != $UNDEFINED_VARIABLE", 6],
    ["true on the right of =~", "$PRESENT_VARIABLE =~ true", 19],
  ])("%s: %s", (_name, text, col) => {
    const evaluation = evaluateCondition(text, VARIABLES);
    expect(evaluation.result).toBe(false);
    expect(evaluation.error?.code).toBe("expression-runtime");
    expect(evaluation.error?.col).toBe(col);
  });

  it("a syntax error gives false with the error", () => {
    const evaluation = evaluateCondition("$A == ", VARIABLES);
    expect(evaluation).toMatchObject({ result: false, error: { code: "expression-syntax", col: 4 } });
  });
});
