import { describe, expect, it } from "vitest";
import { chooseContexts, MAX_CONTEXTS, type ContextChoiceInput } from "../../src/analysis/contexts.js";
import type { RefMention } from "../../src/analysis/ref-mentions.js";
import { refMentions } from "../../src/analysis/ref-mentions.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { loadConfig } from "../../src/gitlab-ci/index.js";

const pos = { file: ".gitlab-ci.yml", line: 3 };
const mention = (value: string, target: RefMention["target"] = "branch"): RefMention => ({
  target,
  value,
  pattern: value.startsWith("/"),
  pos,
  text: `$CI_COMMIT_BRANCH == ${value}`,
});

function choose(over: Partial<ContextChoiceInput> = {}) {
  return chooseContexts({
    settings: { ...defaultSettings(), variables: { SHARED: "1" } },
    project: "acme/widget",
    defaultBranch: "main",
    mentions: [],
    changedFiles: ["ci/base.yml"],
    ...over,
  });
}

describe("chooseContexts", () => {
  it("gives the default branch, an MR pipeline, a tag and a fork push when the rules test nothing", () => {
    const { contexts } = choose();
    expect(contexts.map((c) => [c.name, c.origin.kind, c.source, c.project.path])).toEqual([
      ["main", "default-branch", "push", "acme/widget"],
      ["MR feature → main", "mr-pipeline", "merge_request_event", "acme/widget"],
      ["tag v1.0.0", "tag", "push", "acme/widget"],
      ["main in a fork (contributor/widget)", "fork", "push", "contributor/widget"],
    ]);
    // Project variables reach every context of the project, not the fork (it has its own).
    expect(contexts.map((c) => c.variables.SHARED)).toEqual(["1", "1", "1", undefined]);
  });

  it("uses the MR's branches and its target", () => {
    const { contexts } = choose({ mr: { source: "fix-ci", target: "stable-2", iid: 7 } });
    expect(contexts.map((c) => c.name)).toEqual([
      "main",
      "stable-2",
      "MR fix-ci → stable-2",
      "tag v1.0.0",
      "fix-ci in a fork (contributor/widget)",
    ]);
    // rules:changes sees the change in the MR pipeline and on the target it lands on.
    expect(contexts.map((c) => c.changedFiles !== undefined)).toEqual([false, true, true, false, false]);
  });

  it.each([
    ["a literal", [mention("staging")], undefined, ["staging"]],
    ["a regex, synthesised", [mention("/^staging-[[:digit:]]+\\.[[:digit:]]+$/")], undefined, ["staging-1.0"]],
    ["a regex, real branches (the three highest)", [mention("/^staging-\\d/")], ["staging-7.2", "staging-10.0", "staging-8.0", "staging-9.1", "main"], ["staging-8.0", "staging-9.1", "staging-10.0"]],
    ["the default branch itself, not twice", [mention("main")], undefined, []],
  ])("adds branches the rules test: %s", (_what, mentions, branches, expected) => {
    const names = choose({ mentions, branches }).contexts.filter((c) => c.origin.kind.startsWith("rule-")).map((c) => c.name);
    expect(names).toEqual(expected);
  });

  it("takes the tag name from the rules' tag pattern", () => {
    const { contexts } = choose({ mentions: [mention("/^v\\d+\\.\\d+$/", "tag")] });
    expect(contexts.find((c) => c.ref.kind === "tag")?.name).toBe("tag v1.0");
  });

  it("notes a regex it cannot make a name for", () => {
    const { notes } = choose({ mentions: [mention("/^release candidate$/")] });
    expect(notes[0]).toContain("/^release candidate$/");
  });

  it("keeps every fundamental context and caps the rule contexts", () => {
    const many = Array.from({ length: 20 }, (_, i) => mention(`branch-${i}`));
    const { contexts, notes } = choose({ mentions: many });
    expect(contexts).toHaveLength(MAX_CONTEXTS);
    expect(contexts.map((c) => c.origin.kind)).toContain("fork");
    expect(notes[0]).toContain("12 more branch names");
  });

  it("replaces the default choice with configured contexts, their variables over the project's (or the fork's)", () => {
    const settings = {
      ...defaultSettings(),
      variables: { QEMU_CI: "0", SHARED: "1" },
      forkVariables: { FORK_ONLY: "1" },
      contexts: [
        { name: "fork", branch: "master", project: "contributor/qemu", source: "push", variables: { QEMU_CI: "1" } },
        { name: "stable", branch: "stable-8.0", source: "push", variables: { QEMU_CI: "2" } },
      ],
    };
    const { contexts } = choose({ settings });
    expect(contexts.map((c) => [c.name, c.origin.kind, c.project.path, c.variables])).toEqual([
      ["fork", "configured", "contributor/qemu", { FORK_ONLY: "1", QEMU_CI: "1" }],
      ["stable", "configured", "acme/widget", { QEMU_CI: "2", SHARED: "1" }],
    ]);
  });

  it.each([
    ["a fork MR pushes to its real source project", "jane/widget-fork", "fix-ci in a fork (jane/widget-fork)", "jane/widget-fork"],
    ["an MR from the project itself keeps the placeholder fork", "acme/widget", "fix-ci in a fork (contributor/widget)", "contributor/widget"],
    ["an MR whose source project is unknown keeps the placeholder fork", undefined, "fix-ci in a fork (contributor/widget)", "contributor/widget"],
  ])("%s", (_what, sourceProject, name, path) => {
    const { contexts } = choose({ mr: { source: "fix-ci", target: "main", sourceProject, iid: 4 } });
    const fork = contexts.find((c) => c.origin.kind === "fork");
    expect([fork?.name, fork?.project.path, fork?.ref]).toEqual([name, path, { kind: "branch", name: "fix-ci" }]);
    // The fork's push does not see upstream's project variables (it has its own).
    expect(fork?.variables.SHARED).toBeUndefined();
  });

  it.each([
    ["without fork_variables, the fork sees none of upstream's project variables", {}, {}],
    ["with fork_variables, the fork sees exactly those", { QEMU_CI: "1" }, { QEMU_CI: "1" }],
  ])("%s", (_what, forkVariables, expected) => {
    const { contexts } = choose({ settings: { ...defaultSettings(), variables: { SHARED: "1" }, forkVariables } });
    const fork = contexts.find((c) => c.origin.kind === "fork");
    const main = contexts.find((c) => c.origin.kind === "default-branch");
    expect(fork?.variables).toEqual(expected);
    expect(main?.variables).toEqual({ SHARED: "1" });
  });
});

describe("refMentions", () => {
  it("finds branch and tag names in workflow rules, job rules and only/except, in file order", async () => {
    const source = new MemorySource({
      ".gitlab-ci.yml": `
workflow:
  rules:
    - if: $CI_COMMIT_REF_NAME == "main" || $CI_COMMIT_TAG =~ /^v\\d+/
    - if: $CI_COMMIT_BRANCH
job:
  script: [x]
  rules:
    - if: $CI_COMMIT_BRANCH =~ /^staging-[[:digit:]]+\\.[[:digit:]]/ && $X == "not-a-branch"
old:
  script: [x]
  only: [branches, /^release-/, stable@acme/widget]
`,
    });
    const { config } = await loadConfig(source);
    expect(refMentions(config).map((m) => [m.target, m.value, m.pattern])).toEqual([
      ["branch", "main", false],
      ["tag", "/^v\\d+/", true],
      ["branch", "/^staging-[[:digit:]]+\\.[[:digit:]]/", true],
      ["branch", "/^release-/", true],
      ["branch", "stable", false],
    ]);
  });
});
