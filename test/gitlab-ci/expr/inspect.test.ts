import { describe, expect, it } from "vitest";
import {
  compilePattern,
  exprPos,
  looksLikePattern,
  parseCondition,
  refComparisons,
  variablesIn,
  type Expr,
} from "../../../src/gitlab-ci/expr/index.js";

function parse(text: string): Expr {
  const parsed = parseCondition(text);
  if (!parsed.ok) throw new Error(`unexpected parse error: ${parsed.error.message}`);
  return parsed.expr;
}

describe("variablesIn", () => {
  it.each<[string, string[]]>([
    ['$CI_COMMIT_BRANCH == "main"', ["CI_COMMIT_BRANCH"]],
    ["$A && ($B || $A) && $C", ["A", "B", "C"]],
    ['"$NOT_A_VARIABLE" == $X', ["X"]],
    ["== $FIRST $SECOND", ["FIRST", "SECOND"]],
    ['$[[ inputs.env ]] == "x"', []],
    ["null", []],
  ])("%s", (text, expected) => {
    expect(variablesIn(parse(text))).toEqual(expected);
  });
});

describe("refComparisons: the branch names rules test", () => {
  it.each<[string, string, Array<[string, string, string, number]>]>([
    ["a branch literal", '$CI_COMMIT_BRANCH == "staging"', [["CI_COMMIT_BRANCH", "==", "staging", 22]]],
    ["the literal on the left", '"main" != $CI_COMMIT_REF_NAME', [["CI_COMMIT_REF_NAME", "!=", "main", 1]]],
    [
      "a regex literal",
      String.raw`$CI_COMMIT_BRANCH =~ /^staging-\d+\.\d+$/`,
      [["CI_COMMIT_BRANCH", "=~", String.raw`/^staging-\d+\.\d+$/`, 22]],
    ],
    ["a quoted pattern", `$CI_COMMIT_TAG !~ "/^v[0-9]/"`, [["CI_COMMIT_TAG", "!~", "/^v[0-9]/", 19]]],
    ["an escaped slash is unescaped", String.raw`$CI_COMMIT_BRANCH =~ /^feature\/x/`, [["CI_COMMIT_BRANCH", "=~", "/^feature/x/", 22]]],
    [
      "every comparison in a larger expression",
      '$CI_PIPELINE_SOURCE == "push" && ($CI_MERGE_REQUEST_TARGET_BRANCH_NAME == "main" || $CI_DEFAULT_BRANCH == "main")',
      [
        ["CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "==", "main", 75],
        ["CI_DEFAULT_BRANCH", "==", "main", 107],
      ],
    ],
    ["not other variables", '$CI_PIPELINE_SOURCE == "push"', []],
    ["not variable against variable", "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", []],
    ["not null", "$CI_COMMIT_TAG == null", []],
    ["not a substring test", '$CI_COMMIT_BRANCH =~ "release"', []],
  ])("%s", (_name, text, expected) => {
    const found = refComparisons(parse(text)).map((c) => [c.variable, c.operator, c.value, c.col]);
    expect(found).toEqual(expected);
  });

  it("gives a compiled pattern that names can be tested against", () => {
    const [comparison] = refComparisons(parse("$CI_COMMIT_BRANCH =~ /^staging-[[:digit:]]+/"));
    expect(comparison?.kind).toBe("pattern");
    expect(comparison?.pattern?.test("staging-8.0")).toBe(true);
    expect(comparison?.pattern?.test("main")).toBe(false);
  });
});

describe("compilePattern (also for only/except refs)", () => {
  it.each<[string, string, string, boolean]>([
    ["plain", "/^stable-/", "stable-8.0", true],
    ["no match", "/^stable-/", "main", false],
    ["i flag", "/^STABLE/i", "stable", true],
    ["one character is fine outside the expression lexer", "/a/", "a", true],
    ["RE2 m flag (multi-line)", "/^b$/m", "a\nb", true],
    ["RE2 s flag (dot-all)", "/a.b/s", "a\nb", true],
  ])("%s: %s on %j → %s", (_name, text, subject, expected) => {
    const compiled = compilePattern(text);
    expect(compiled.ok && compiled.pattern.test(subject)).toBe(expected);
  });

  it.each<[string, string, RegExp]>([
    ["not a /pattern/", "main", /not a \/pattern\//],
    ["an unknown flag", "/main/x", /not a \/pattern\//],
    ["lookahead", "/a(?=b)/", /lookahead/],
  ])("rejects %s", (_name, text, message) => {
    const compiled = compilePattern(text);
    expect(compiled.ok).toBe(false);
    expect(compiled.ok ? "" : compiled.message).toMatch(message);
  });

  it("compiles flags into RE2's inline form, as GitLab does", () => {
    const compiled = compilePattern("/main/im");
    expect(compiled.ok && compiled.pattern.re2).toBe("(?im)main");
  });

  it("returns the cached pattern for the same text", () => {
    expect(compilePattern("/^cache-me$/")).toBe(compilePattern("/^cache-me$/"));
  });

  it.each<[string, boolean]>([
    ["/^ab/", true],
    ["/^ab/imsU", true],
    ["^ab", false],
    ["/ab/g", false],
    ["text\n/ab/", true],
  ])("looksLikePattern(%j) → %s", (text, expected) => {
    expect(looksLikePattern(text)).toBe(expected);
  });
});

describe("exprPos: from a column in the expression to the file", () => {
  it.each<[string, number, number, number | undefined]>([
    ["a plain scalar starting at column 9", 9, 0, 13],
    ["a quoted scalar whose quote is at column 9", 9, 1, 14],
  ])("%s", (_name, valueCol, valueOffset, expected) => {
    expect(exprPos({ file: ".gitlab-ci.yml", line: 7, col: valueCol }, 5, valueOffset)).toEqual({
      file: ".gitlab-ci.yml",
      line: 7,
      col: expected,
    });
  });

  it("keeps the line when the value has no column", () => {
    expect(exprPos({ file: "ci.yml", line: 3 }, 5)).toEqual({ file: "ci.yml", line: 3 });
  });
});
