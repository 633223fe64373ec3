import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../app/cli/run-cli.js";

/*
 * `eval --dialect github-actions`: expected values from GitHub's "Evaluate expressions in
 * workflows and actions" (literals, operators, functions) and "Contexts reference" (a property
 * that does not exist is null). "unknown" only where a context value was not given.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ci-explain-eval-gha-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const evalGha = (...args: string[]) => runCli(["eval", "--dialect", "github-actions", ...args], dir);

describe("eval --dialect github-actions", () => {
  it.each<[string, string, string, string]>([
    ["format (Functions: format)", "format('Hello {0} {1} {2}', 'Mona', 'the', 'Octocat')", '"Hello Mona the Octocat"', "string"],
    ["contains on a string (Functions: contains)", "contains('Hello world', 'llo')", "true", "boolean"],
    ["startsWith ignores case (Functions: startsWith)", "startsWith('Hello world', 'he')", "true", "boolean"],
    ["endsWith (Functions: endsWith)", "endsWith('Hello world', 'ld')", "true", "boolean"],
    ["join (Functions: join)", "join(fromJSON('[\"bug\",\"help wanted\"]'), ', ')", '"bug, help wanted"', "string"],
    ["toJSON of a number", "toJSON(1)", '"1"', "string"],
    ["loose equality coerces (Operators: 1 == '1')", "1 == '1'", "true", "boolean"],
    ["null == 0 (Operators)", "null == 0", "true", "boolean"],
    ["strings compare without case (Operators)", "'ABC' == 'abc'", "true", "boolean"],
    ["&& returns an operand", "'a' && 'b'", '"b"', "string"],
    ["a number literal", "0x10", "16", "number"],
    ["fromJSON of an object", "fromJSON('{\"a\": [1, true]}')", '{"a":[1,true]}', "object"],
    ["${{ }} around the expression", "${{ 1 == 1 }}", "true", "boolean"],
  ])("%s", async (_name, expression, json, type) => {
    const r = await evalGha(expression);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${json}\ntype: ${type}\n`);
  });

  it("a property github does not have is null, so `== ''` is true and toJSON gives null (Contexts reference)", async () => {
    expect((await evalGha("github.does_not_exist == ''")).stdout).toBe("true\ntype: boolean\n");
    expect((await evalGha("toJSON(github.does_not_exist)")).stdout).toBe('"null"\ntype: string\n');
  });

  it("a github property that was not given is unknown, and says what", async () => {
    const r = await evalGha("github.sha");
    expect(r.stdout).toBe("unknown\ntype: unknown (not given: github.sha)\n");
  });

  it("--context gives a value; the rest of its object stays unknown", async () => {
    expect((await evalGha("startsWith(github.ref, 'refs/tags/v')", "--context", "github.ref=refs/tags/v1.2.0")).stdout).toBe("true\ntype: boolean\n");
    expect((await evalGha("matrix.os", "--context", "matrix.arch=arm64")).stdout).toContain("unknown");
  });

  it("--context-file: a payload is complete, and object filters read it (Object filters: contains(github.event.issue.labels.*.name, 'bug'))", async () => {
    const file = join(dir, "contexts.json");
    writeFileSync(file, JSON.stringify({ github: { event: { issue: { labels: [{ name: "bug" }, { name: "help wanted" }] } } } }));
    expect((await evalGha("contains(github.event.issue.labels.*.name, 'bug')", "--context-file", file)).stdout).toBe("true\ntype: boolean\n");
    expect((await evalGha("github.event.pull_request", "--context-file", file)).stdout).toBe("null\ntype: null\n");
  });

  it("--json prints value, type, unknowns and reads", async () => {
    const r = await evalGha("github.ref_name", "--context", "github.ref_name=main", "--json");
    expect(JSON.parse(r.stdout)).toEqual({ value: "main", type: "string", unknown: [], reads: { "github.ref_name": "main" } });
  });

  it.each<[string, string[], RegExp]>([
    ["an unknown context", ["nope.x", "--context", "nope.x=1"], /not an expression context/],
    ["--var with github-actions", ["github.ref", "--var", "A=1"], /--var and --unknown are for rules:if/],
    ["--context with gitlab-ci", ["--dialect", "gitlab-ci", "$A", "--context", "github.ref=x"], /GitHub Actions expressions/],
  ])("usage error: %s", async (_name, args, message) => {
    const r = args[0] === "--dialect" ? await runCli(["eval", ...args], dir) : await evalGha(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("a syntax error is exit 2 with the column", async () => {
    const r = await evalGha("1 ==");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/column/);
  });
});
