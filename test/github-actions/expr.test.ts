import { describe, expect, it } from "vitest";
import {
  ObjectValue,
  Unknown,
  evaluateExpressionText,
  fromPlain,
  interpolate,
  parseExpression,
  usesStatusFunction,
  type ExprScope,
  type Value,
} from "../../src/github-actions/expr/index.js";

const scope: ExprScope = {
  contexts: {
    github: new ObjectValue(
      [
        ["ref", "refs/heads/main"],
        ["ref_name", "main"],
        ["event_name", "push"],
        ["event", new ObjectValue([["labels", fromPlain([{ name: "bug" }, { name: "ci" }, { id: 3 }])]], "github.event")],
      ],
      "github",
    ),
    env: fromPlain({ ENABLED: "true", COUNT: "3" }),
    vars: fromPlain({ Deploy: "yes" }),
    matrix: fromPlain({ os: "ubuntu-latest", node: 20 }),
  },
  status: { success: true, failure: false, cancelled: false },
};

function run(text: string): Value | { error: string } {
  const r = evaluateExpressionText(text, scope);
  return r.ok ? r.value : { error: r.message };
}

describe("GitHub expression literals and operators", () => {
  it.each<[string, string, Value]>([
    ["null literal", "null", null],
    ["hex number", "0xff", 255],
    ["negative exponent", "-2.99e-2", -0.0299],
    ["escaped quote in string", "'It''s open source!'", "It's open source!"],
    ["|| returns the first truthy operand", "'' || 'fallback'", "fallback"],
    ["&& returns the last operand when all truthy", "'a' && 'b'", "b"],
    ["&& returns the first falsy operand", "0 && 'b'", 0],
    ["! of empty string", "!''", true],
    ["comparison binds tighter than ==", "1 < 2 == true", true],
    ["&& binds tighter than ||", "true || false && false", true],
    ["parentheses group", "(true || false) && false", false],
    ["strings compare case-insensitively", "'ABC' == 'abc'", true],
    ["string ordering ignores case", "'a' < 'B'", true],
    ["null equals 0", "null == 0", true],
    ["true equals 1", "true == 1", true],
    ["'' equals 0", "'' == 0", true],
    ["padded numeric string equals number", "' 0xff ' == 255", true],
    ["non-numeric string vs number is NaN", "'abc' == 0", false],
    ["NaN is not equal to NaN", "NaN == NaN", false],
    ["NaN is falsy", "!NaN", true],
    ["array vs number compares as NaN", "github.event.labels == 0", false],
    ["string vs boolean coerces both to numbers", "'1' == true", true],
    ["mixed-type ordering coerces to numbers", "'10' > 9", true],
  ])("%s: %s", (_name, text, expected) => {
    expect(run(text)).toEqual(expected);
  });
});

describe("GitHub expression contexts and functions", () => {
  it.each<[string, string, Value]>([
    ["dot access", "github.ref", "refs/heads/main"],
    ["index access", "github['ref_name']", "main"],
    ["property names ignore case", "GITHUB.REF_NAME", "main"],
    ["env values are strings", "env.COUNT == 3", true],
    ["vars are case-insensitive", "vars.deploy", "yes"],
    ["matrix number", "matrix.node", 20],
    ["missing env is null", "env.NOPE", null],
    ["object filter collects a property", "join(github.event.labels.*.name, '+')", "bug+ci"],
    ["contains on a filtered array", "contains(github.event.labels.*.name, 'CI')", true],
    ["contains on a string is case-insensitive", "contains('Hello World', 'WORLD')", true],
    ["startsWith", "startsWith(github.ref, 'refs/heads/')", true],
    ["endsWith coerces numbers to text", "endsWith(1234, 34)", true],
    ["format with escapes", "format('{{{0}}} {1}', 'a', 2)", "{a} 2"],
    ["join with default separator", "join(fromJSON('[1,2,3]'))", "1,2,3"],
    ["toJSON pretty-prints", "toJSON(matrix)", '{\n  "os": "ubuntu-latest",\n  "node": 20\n}'],
    ["fromJSON of a number", "fromJSON('42') == 42", true],
    ["case picks the first true branch", "case(false, 'a', true, 'b', 'c')", "b"],
    ["always()", "always()", true],
    ["failure() on the success path", "failure()", false],
  ])("%s: %s", (_name, text, expected) => {
    expect(run(text)).toEqual(expected);
  });
});

describe("unknown values stay unknown", () => {
  it.each<[string, string, string[]]>([
    ["an event field the context does not supply", "github.event.head_commit.message", ["github.event.head_commit"]],
    ["secrets as a whole", "secrets.TOKEN != ''", ["secrets.TOKEN"]],
    ["hashFiles", "hashFiles('**/package-lock.json')", ["hashFiles('**/package-lock.json')"]],
    ["a comparison with an unknown side", "github.actor == 'octocat'", ["github.actor"]],
  ])("%s", (_name, text, reasons) => {
    const v = run(text);
    expect(v).toBeInstanceOf(Unknown);
    for (const r of reasons) expect((v as Unknown).reasons.join(" ")).toContain(r);
  });

  it.each<[string, string, boolean]>([
    ["unknown && false is falsy", "github.actor == 'x' && false", false],
    ["unknown || true is truthy", "github.actor == 'x' || true", true],
  ])("%s", (_name, text, truthy) => {
    const v = run(text);
    expect(v).toBeInstanceOf(Unknown);
    expect((v as Unknown).truthy).toBe(truthy);
  });

  it("a known false before && short-circuits the unknown", () => {
    expect(run("github.ref == 'refs/heads/dev' && github.actor == 'x'")).toBe(false);
  });
});

describe("expression errors are values with an offset", () => {
  it.each<[string, string, string]>([
    ["double quotes", 'github.ref == "x"', "single quotes"],
    ["unknown function", "nope()", "unknown function"],
    ["unknown context", "foo.bar", "unrecognized named-value"],
    ["dangling operator", "true &&", "unexpected end"],
    ["wrong argument count", "startsWith('a')", "takes 2"],
    ["invalid JSON", "fromJSON('{')", "not valid JSON"],
  ])("%s", (_name, text, message) => {
    const r = evaluateExpressionText(text, scope);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});

describe("status functions", () => {
  it.each<[string, boolean]>([
    ["github.ref == 'x'", false],
    ["always() && github.ref == 'x'", true],
    ["!cancelled()", true],
    ["contains(toJSON(needs), 'failure')", false],
  ])("%s uses a status function: %s", (text, expected) => {
    expect(usesStatusFunction(parseExpression(text))).toBe(expected);
  });
});

describe("interpolation", () => {
  it.each<[string, string, string, boolean]>([
    ["plain text", "hello", "hello", true],
    ["one expression", "ref=${{ github.ref_name }}", "ref=main", true],
    ["two expressions", "${{ matrix.os }}-${{ matrix.node }}", "ubuntu-latest-20", true],
    ["a '}}' inside a string literal", "${{ format('{0}}}', 'x') }}", "x}", true],
    ["an unknown part", "img:${{ github.sha }}", "img:«github.sha»", false],
  ])("%s", (_name, text, out, known) => {
    const r = interpolate(text, scope);
    expect(r.text.text).toBe(out);
    expect(r.text.known).toBe(known);
  });
});
