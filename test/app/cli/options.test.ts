import { describe, expect, it } from "vitest";
import { loadCommands } from "../../../src/app/cli/commands/index.js";
import { OPTION_NAMES, OPTIONS, optionsHelp, parseCommandLine } from "../../../src/app/cli/options.js";
import { runCli } from "./run-cli.js";

/** One table of options for every command: what a user types means the same everywhere. */
describe("the CLI option table", () => {
  it("parses values by kind: a flag is false, a repeatable option [] and a value undefined when not given", () => {
    const { values } = parseCommandLine(["--var", "A=1", "--var", "B=2", "--open-mr"], ["var", "open-mr", "repo", "changed"]);
    expect(values).toEqual({ var: ["A=1", "B=2"], "open-mr": true, repo: undefined, changed: [] });
  });

  it("refuses an option the command does not take, naming it (another command takes --sha)", () => {
    expect(() => parseCommandLine(["--sha", "abc1234"], ["repo"])).toThrow("unknown option --sha (another command takes it)");
  });

  it("--mr-iid and --pr-number are one input: either gives it, and they may not disagree", () => {
    expect(parseCommandLine(["--mr-iid", "4"], ["pr-number", "mr-iid"]).values["pr-number"]).toBe("4");
    expect(() => parseCommandLine(["--mr-iid", "4", "--pr-number", "5"], ["pr-number", "mr-iid"])).toThrow(/disagree/);
  });

  it("every command's --help has a line for each option it accepts, and it accepts only options of the table", async () => {
    for (const command of await loadCommands()) {
      for (const name of command.options) {
        expect(OPTION_NAMES, `${command.name} --${name}`).toContain(name);
        expect(command.usage, `${command.name} --${name}`).toMatch(new RegExp(`\\n  --${name}(?![\\w-])`));
      }
    }
  });

  it("help text aligns descriptions and continues long ones under them", () => {
    expect(optionsHelp(["repo", "rev"])).toBe(
      [
        `  --repo DIR             ${OPTIONS.repo.help}`,
        "  --rev REV              the revision to read (default HEAD; WORKTREE: the files on disk,",
        "                         committed or not). A DIR outside git is always read from disk.",
      ].join("\n"),
    );
  });

  it.each<[string, string[], RegExp]>([
    ["simulate: a bad --sha", ["simulate", "--sha", "not-a-sha"], /--sha must be a commit SHA/],
    ["simulate: a bad --now", ["simulate", "--now", "tomorrow"], /--now must be a time/],
    ["simulate: a bad --pr-number", ["simulate", "--pr-number", "0"], /positive number/],
    ["analyze: --event-payload without --event", ["analyze", "--event-payload", "x.json"], /needs --event/],
    ["analyze: an unknown event", ["analyze", "--event", "issues"], /--event must be one of/],
  ])("%s is a usage error (exit 2)", async (_name, args, message) => {
    const r = await runCli(args, process.cwd());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
