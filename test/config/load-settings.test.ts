import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/load-settings.js";
import { parseSettingsText } from "../../src/config/parse-settings.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";

const FULL = `
project: qemu-project/qemu
default_branch: master
server_url: https://gitlab.example.com
registry: registry.example.com
ci_config_path: ci/main.yml
variables:
  QEMU_CI_UPSTREAM: qemu-project
  RETRIES: 3
fork_variables:
  QEMU_CI: 1
contexts:
  - name: stable
    branch: staging-8.0
  - branch: master
    project: contributor/qemu
    variables: { QEMU_CI: 1 }
  - mr: { source: fix, target: master }
  - tag: v8.0.1
containers:
  recipes: ["tests/docker/dockerfiles/*.docker"]
includes:
  remote_hosts: [gitlab.freedesktop.org]
hazards:
  jobs-manual: off
  image-not-built: error
comment:
  on_drafts: false
  commands_from: collaborators
  warning_conclusion: failure
  prediction_misses: true
`;

describe("parseSettingsText", () => {
  it("reads every key into settings, with numbers as strings and sources filled in", () => {
    const { settings, diagnostics } = parseSettingsText(FULL, ".ci-explain.yml");
    expect(diagnostics).toEqual([]);
    expect(settings).toEqual({
      project: "qemu-project/qemu",
      defaultBranch: "master",
      serverUrl: "https://gitlab.example.com",
      registry: "registry.example.com",
      ciConfigPath: "ci/main.yml",
      variables: { QEMU_CI_UPSTREAM: "qemu-project", RETRIES: "3" },
      forkVariables: { QEMU_CI: "1" },
      contexts: [
        { name: "stable", branch: "staging-8.0", source: "push", variables: {}, tag: undefined, mr: undefined, project: undefined },
        { name: "master (contributor/qemu)", branch: "master", project: "contributor/qemu", source: "push", variables: { QEMU_CI: "1" }, tag: undefined, mr: undefined },
        { name: "MR fix → master", mr: { source: "fix", target: "master" }, source: "merge_request_event", variables: {}, branch: undefined, tag: undefined, project: undefined },
        { name: "tag v8.0.1", tag: "v8.0.1", source: "push", variables: {}, branch: undefined, mr: undefined, project: undefined },
      ],
      containers: { recipes: ["tests/docker/dockerfiles/*.docker"] },
      includes: { remoteHosts: ["gitlab.freedesktop.org"] },
      hazards: { "jobs-manual": "off", "image-not-built": "error" },
      comment: { onDrafts: false, commandsFrom: "collaborators", warningConclusion: "failure", predictionMisses: true },
    });
  });

  it("gives the defaults for an empty file", () => {
    expect(parseSettingsText("", ".ci-explain.yml")).toEqual({ settings: defaultSettings(), diagnostics: [], explicit: new Set() });
    // The product default: drafts are analysed but not commented on.
    expect(defaultSettings().comment.onDrafts).toBe(false);
  });

  it.each([
    ["a misspelt key", "projcet: a/b\n", "unknown key `projcet`", 1],
    ["a nested unknown key", "comment:\n  on_draft: true\n", "unknown key `comment.on_draft`", 2],
    ["a wrong type", "contexts:\n  - branch: main\n    variables: [A]\n", "`contexts[0].variables`", 3],
    ["a context naming two refs", "contexts:\n  - branch: main\n    tag: v1\n", "exactly one of `branch`, `tag` or `mr`", 2],
    ["a remote host with a scheme", "includes:\n  remote_hosts: [https://gitlab.example.com]\n", "`includes.remote_hosts", 2],
    ["an unknown hazard kind", "hazards:\n  tag-clash: error\n", "hazards", 2],
    ["an unknown severity", "hazards:\n  jobs-lost: fatal\n", "`hazards.jobs-lost`", 2],
    ["a project that is not a path", "project: widget\n", "`project`", 1],
    ["a YAML syntax error", "variables: [a\n", "", 2],
  ])("reports %s with the key and its line", (_what, text, message, line) => {
    const { diagnostics } = parseSettingsText(text, ".ci-explain.yml");
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0].severity).toBe("error");
    expect(diagnostics[0].message).toContain(message);
    expect(diagnostics[0].pos).toMatchObject({ file: ".ci-explain.yml", line });
  });
});

describe("one mistake costs only what it is about", () => {
  const text = "project: acme/widget\nprojcet: x\ncomment:\n  on_draft: true\n  on_drafts: true\ncontexts:\n  - branch: main\n  - branch: main\n    tag: v1\n";
  const { settings, diagnostics } = parseSettingsText(text, ".ci-explain.yml");

  it("keeps every valid key", () => {
    expect(settings.project).toBe("acme/widget");
    expect(settings.comment.onDrafts).toBe(true);
    expect(settings.contexts?.map((c) => c.name)).toEqual(["main"]);
  });

  it("reports each unknown or invalid key with its line, and the key probably meant", () => {
    expect(diagnostics.map((d) => [d.pos?.line, d.message])).toEqual([
      [2, "unknown key `projcet`; did you mean `project`?"],
      [4, "unknown key `comment.on_draft`; did you mean `on_drafts`?"],
      [8, expect.stringContaining("`contexts[1]`: a context names exactly one of `branch`, `tag` or `mr`")],
    ]);
  });

  it("leaves the automatic contexts in place when no configured context is valid", () => {
    const only = parseSettingsText("contexts:\n  - branch: main\n    tag: v1\n", ".ci-explain.yml");
    expect(only.settings.contexts).toBeUndefined();
  });
});

describe("loadSettings", () => {
  it.each([
    [".ci-explain.yml"],
    [".github/ci-explain.yml"],
    [".gitlab/ci-explain.yml"],
  ])("finds %s", async (path) => {
    const loaded = await loadSettings(new MemorySource({ [path]: "project: a/b\n" }));
    expect(loaded).toMatchObject({ path, diagnostics: [], settings: { project: "a/b" } });
  });

  it("reads the first file and warns that the others are ignored", async () => {
    const loaded = await loadSettings(new MemorySource({ ".ci-explain.yml": "project: a/b\n", ".gitlab/ci-explain.yml": "project: c/d\n" }));
    expect(loaded.settings.project).toBe("a/b");
    expect(loaded.diagnostics.map((d) => [d.severity, d.pos?.file])).toEqual([["warning", ".gitlab/ci-explain.yml"]]);
  });

  it.each([
    ["a file naming gitlab.com's own values: both count as set", "server_url: https://gitlab.com\nregistry: registry.gitlab.com\n", ["registry", "server_url"]],
    ["a file naming neither: neither counts as set", "project: a/b\n", ["project"]],
    ["a file with an unknown key: its valid keys count as set", "server_url: https://gitlab.com\nprojcet: a/b\n", ["server_url"]],
  ])("says which keys %s", async (_what, text, keys) => {
    const loaded = await loadSettings(new MemorySource({ ".ci-explain.yml": text }));
    expect([...(loaded.explicit ?? [])].sort()).toEqual(keys);
  });

  it("uses the defaults without a file", async () => {
    expect(await loadSettings(new MemorySource({}))).toEqual({ settings: defaultSettings(), diagnostics: [] });
  });
});
