import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

describe("a misspelt option", () => {
  it.each([
    [["analyze", "--formt", "json"], "ci-explain analyze: unknown option --formt; did you mean --format?"],
    [["analyze", "--baes", "main"], "ci-explain analyze: unknown option --baes; did you mean --base?"],
    [["simulate", "--brnach", "main"], "ci-explain simulate: unknown option --brnach; did you mean --branch?"],
    [["jobs", "--explain", "x"], "ci-explain jobs: unknown option --explain (another command takes it)"],
    [["demo", "--zzz"], "ci-explain demo: unknown option --zzz"],
  ])("%j is one line with the option probably meant, and exit 2", async (args, line) => {
    const { code, stdout, stderr } = await runCli(args, process.cwd());
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`${line}\nRun \`ci-explain ${args[0]} --help\` for its options.\n`);
  });
});
