import { describe, expect, it } from "vitest";
import { applyCommand } from "../../src/commands/apply-command.js";
import { isExplainCommand, parseCommand } from "../../src/commands/parse-command.js";
import { SlidingWindowLimiter } from "../../src/commands/rate-limit.js";
import { defaultSettings } from "../../src/config/defaults.js";

describe("parseCommand", () => {
  it.each([
    ["plain refresh", "/ci-explain", { targets: [], variables: {} }],
    ["refresh with trailing text on later lines", "/ci-explain\nplease, after the rebase", { targets: [], variables: {} }],
    ["leading blank lines", "\n  /ci-explain staging-8.0", { targets: ["staging-8.0"], variables: {} }],
    ["one branch", "/ci-explain staging-8.0", { targets: ["staging-8.0"], variables: {} }],
    ["two branches", "/ci-explain master staging-8.0", { targets: ["master", "staging-8.0"], variables: {} }],
    ["a job", "/ci-explain job amd64-debian11-container", { targets: [], job: "amd64-debian11-container", variables: {} }],
    ["a quoted job name with a space", '/ci-explain job "build job"', { targets: [], job: "build job", variables: {} }],
    ["a variable", "/ci-explain --var QEMU_CI=1", { targets: [], variables: { QEMU_CI: "1" } }],
    ["a variable with = form and an = in the value", "/ci-explain --var=OPTS=a=b", { targets: [], variables: { OPTS: "a=b" } }],
    ["an empty variable value", "/ci-explain --var EMPTY=", { targets: [], variables: { EMPTY: "" } }],
    [
      "everything together",
      "/ci-explain staging-8.0 job build-system --var QEMU_CI=1 --var CI_PROJECT_NAMESPACE=me",
      { targets: ["staging-8.0"], job: "build-system", variables: { QEMU_CI: "1", CI_PROJECT_NAMESPACE: "me" } },
    ],
  ])("%s", (_name, body, command) => {
    expect(parseCommand(body)).toEqual({ kind: "command", command });
  });

  it.each([
    ["an ordinary comment", "LGTM"],
    ["the command later in the text", "please run /ci-explain"],
    ["a longer word", "/ci-explainer staging"],
    ["quoted in a reply", "> /ci-explain"],
  ])("ignores %s", (_name, body) => {
    expect(parseCommand(body)).toEqual({ kind: "none" });
  });

  it.each([
    ["an unknown option", "/ci-explain --branch x", "unknown option `--branch`"],
    ["--var without a value", "/ci-explain --var", "`--var` needs `NAME=VALUE`"],
    ["--var without =", "/ci-explain --var QEMU_CI", "`--var QEMU_CI` needs a value: `--var QEMU_CI=VALUE`"],
    ["a bad variable name", "/ci-explain --var 1X=2", "`1X` is not a variable name (letters, digits and `_`)"],
    ["job without a name", "/ci-explain job", "`job` needs a job name"],
    ["two jobs", "/ci-explain job a job b", "only one `job` per command"],
    ["an unterminated quote", '/ci-explain job "build', 'unterminated " quote'],
    ["too many branches", `/ci-explain ${Array.from({ length: 11 }, (_, i) => `b${i}`).join(" ")}`, "at most 10 branches"],
  ])("rejects %s with a usage message", (_name, body, message) => {
    expect(parseCommand(body)).toEqual({ kind: "usage-error", message });
  });

  it.each(["/ci-explain --help", "/ci-explain -h"])("%s asks for help", (body) => {
    expect(parseCommand(body)).toEqual({ kind: "help" });
  });

  it.each([
    ["/ci-explain", false],
    ["/ci-explain main", true],
    ["/ci-explain job x", true],
    ["/ci-explain --var A=1", true],
  ])("%s asks a specific question: %s", (body, specific) => {
    const parsed = parseCommand(body);
    expect(parsed.kind === "command" && isExplainCommand(parsed.command)).toBe(specific);
  });
});

describe("applyCommand", () => {
  it("adds variables and turns branch names into push contexts", () => {
    const settings = { ...defaultSettings(), variables: { A: "1" } };
    const applied = applyCommand(settings, { targets: ["staging-8.0"], variables: { QEMU_CI: "1" } });
    expect(applied.variables).toEqual({ A: "1", QEMU_CI: "1" });
    expect(applied.contexts).toEqual([{ name: "staging-8.0", branch: "staging-8.0", source: "push", variables: {} }]);
  });

  it("uses a configured context when the name matches one", () => {
    const fork = { name: "fork push", branch: "master", source: "push", project: "me/qemu", variables: { QEMU_CI: "1" } };
    const applied = applyCommand({ ...defaultSettings(), contexts: [fork] }, { targets: ["fork push"], variables: {} });
    expect(applied.contexts).toEqual([fork]);
  });

  it("keeps the configured contexts when no target is named", () => {
    const settings = defaultSettings();
    expect(applyCommand(settings, { targets: [], job: "x", variables: {} }).contexts).toBe(settings.contexts);
  });
});

describe("SlidingWindowLimiter", () => {
  it("allows 5 commands per 10 minutes per key", () => {
    const limiter = new SlidingWindowLimiter();
    const minute = 60_000;
    const at = (t: number, key = "pr") => limiter.tryAcquire(key, t * minute);
    expect([at(0), at(1), at(2), at(3), at(4), at(5)]).toEqual([true, true, true, true, true, false]);
    expect(at(5, "other pr")).toBe(true);
    expect(at(10)).toBe(true);
    expect(at(10.5)).toBe(false);
  });
});
