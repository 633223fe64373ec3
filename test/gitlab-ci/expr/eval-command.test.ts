import { describe, expect, it } from "vitest";
import type { CliIo } from "../../../src/app/cli/command.js";
import { main } from "../../../src/app/cli/main.js";

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: "/", env: {} };
  const code = await main(["eval", ...argv], io);
  return { code, stdout, stderr };
}

describe("ci-explain eval", () => {
  it.each<[string, string[], string]>([
    ["a matching branch rule", ['$CI_COMMIT_BRANCH == "main"', "--var", "CI_COMMIT_BRANCH=main"], "true\n"],
    ["a non-matching branch rule", ['$CI_COMMIT_BRANCH == "main"', "--var", "CI_COMMIT_BRANCH=dev"], "false\n"],
    ["undefined unless given", ["$CI_COMMIT_BRANCH == null"], "true\n"],
    ["--var NAME= defines an empty variable", ["$E == null", "--var", "E="], "false\n"],
    ["--var NAME without = leaves it undefined", ["$E == null", "--var", "E"], "true\n"],
    ["--var NAME after NAME=x undefines it", ["$E == null", "--var", "E=x", "--var", "E"], "true\n"],
    ["--var=NAME=VALUE form", ["$E == 'a=b'", "--var=E=a=b"], "true\n"],
    ["values are not expanded", ['$A == "$B"', "--var", "A=$B", "--var", "B=x"], "true\n"],
    ["an empty value && a string matches", ['$E && "x"', "--var", "E="], "true\n"],
    ["an empty value || a string does not", ['$E || "x"', "--var", "E="], "false\n"],
    ["POSIX classes", ["$B =~ /^staging-[[:digit:]]+\\.[[:digit:]]+$/", "--var", "B=staging-8.0"], "true\n"],
    ["--unknown makes the answer unknown", ["$CI_COMMIT_MESSAGE =~ /skip/", "--unknown", "CI_COMMIT_MESSAGE"], "unknown\n"],
    ["--unknown that does not matter", ['$M =~ /skip/ || $B == "x"', "--unknown", "M", "--var", "B=x"], "true\n"],
  ])("%s", async (_name, argv, stdout) => {
    const result = await run(...argv);
    expect(result).toEqual({ code: 0, stdout, stderr: "" });
  });

  it("--json shows what the expression read", async () => {
    const result = await run('$M =~ /skip/ || $B == "x"', "--unknown", "M", "--var", "B=y", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ result: "unknown", reads: { B: "y" }, unknowns: ["M"] });
  });

  it.each<[string, string, RegExp]>([
    ["a syntax error", "$V1 123 $V2", /invalid expression at column 5: unexpected `123`.*\n {2}\$V1 123 \$V2\n {6}\^\n/s],
    ["${VAR}", '${CI_COMMIT_BRANCH} == "main"', /column 1: `\$\{NAME\}` is not allowed/],
    ["an invalid regex", "$A =~ /a(?=b)/", /column 9: invalid regular expression.*lookahead/],
    ["an expression GitLab fails on", '/ab/ == "ab"', /expression fails in GitLab at column 6/],
    ["unbalanced parentheses", '($A == "x"', /column 1: unmatched `\(`/],
  ])("%s exits 2 with the column on stderr", async (_name, expression, stderr) => {
    const result = await run(expression);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(stderr);
  });

  it.each<[string, string[], RegExp]>([
    ["no expression", [], /missing the expression/],
    ["two expressions", ["$A", "$B"], /exactly one expression/],

    ["--var without a name", ["$A", "--var", "=x"], /missing the variable name/],
  ])("wrong usage (%s) exits 2 with the usage", async (_name, argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("Usage: ci-explain eval");
  });

  it("an unknown option exits 2 with one line naming it, not the whole usage", async () => {
    const result = await run("$A", "--nope");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("ci-explain eval: unknown option --nope\nRun `ci-explain eval --help` for its options.\n");
  });

  it("--help prints the usage and exits 0", async () => {
    const result = await run("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--unknown NAME");
  });
});
