import { describe, expect, it } from "vitest";
import { analyzeRepository, type DialectChoice } from "../../src/analysis/analyze-repository.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";

const GITLAB = { ".gitlab-ci.yml": "test:\n  script: make test\n" };
const WORKFLOW = { ".github/workflows/ci.yml": "name: CI\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n" };
const settings = { ...defaultSettings(), project: "acme/app", defaultBranch: "main" };

async function dialects(base: Record<string, string>, head: Record<string, string>, dialect?: DialectChoice, ciConfigPath?: string) {
  const analyses = await analyzeRepository({
    base: new MemorySource(base),
    head: new MemorySource(head),
    settings: ciConfigPath ? { ...settings, ciConfigPath } : settings,
    ...(dialect ? { dialect } : {}),
  });
  return analyses.map((a) => a.dialect);
}

describe("analyzeRepository chooses the dialects", () => {
  it.each<[string, Record<string, string>, Record<string, string>, DialectChoice | undefined, string[]]>([
    ["only .gitlab-ci.yml", GITLAB, GITLAB, undefined, ["gitlab-ci"]],
    ["only workflows", WORKFLOW, WORKFLOW, undefined, ["github-actions"]],
    ["both, GitLab CI first", { ...GITLAB, ...WORKFLOW }, { ...GITLAB, ...WORKFLOW }, "auto", ["gitlab-ci", "github-actions"]],
    ["workflows added by the change", GITLAB, { ...GITLAB, ...WORKFLOW }, undefined, ["gitlab-ci", "github-actions"]],
    ["workflows removed by the change", WORKFLOW, {}, undefined, ["github-actions"]],
    ["both, but asked for one", { ...GITLAB, ...WORKFLOW }, { ...GITLAB, ...WORKFLOW }, "github-actions", ["github-actions"]],
    ["neither: GitLab CI says there is no configuration", { "README.md": "x" }, { "README.md": "y" }, undefined, ["gitlab-ci"]],
    ["a workflow in a subfolder is not a workflow", { ".github/workflows/old/ci.yml": "x" }, {}, undefined, ["gitlab-ci"]],
  ])("%s", async (_name, base, head, dialect, expected) => {
    expect(await dialects(base, head, dialect)).toEqual(expected);
  });

  it("looks for the GitLab CI file where the settings say", async () => {
    expect(await dialects({ "ci/main.yml": GITLAB[".gitlab-ci.yml"] }, { "ci/main.yml": GITLAB[".gitlab-ci.yml"] }, undefined, "ci/main.yml")).toEqual(["gitlab-ci"]);
  });

  it("without any CI the one analysis says so for every context", async () => {
    const [a] = await analyzeRepository({ base: new MemorySource({}), head: new MemorySource({}), settings });
    expect(a.contexts.length).toBeGreaterThan(0);
    expect(a.contexts.every((c) => !c.after.created && c.after.notCreated?.message.includes("no .gitlab-ci.yml"))).toBe(true);
  });

  it("gives a merge request to GitHub Actions as its pull request", async () => {
    const wf = { ".github/workflows/ci.yml": WORKFLOW[".github/workflows/ci.yml"].replace("on: push", "on: pull_request") };
    const [a] = await analyzeRepository({ base: new MemorySource(wf), head: new MemorySource(wf), settings, mr: { source: "fix", target: "main", iid: 9 } });
    expect(a.contexts.map((c) => c.context.name)).toContain("PR fix → main");
  });
});

describe("the bot's own settings problems", () => {
  const bad = { code: "config-invalid" as const, severity: "error" as const, message: "unknown key `comment.on_draft`", pos: { file: ".ci-explain.yml", line: 2 } };
  it.each<[string, Record<string, string>]>([
    ["GitLab CI", { ".gitlab-ci.yml": "build:\n  script: make\n" }],
    ["GitHub Actions", { ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{ run: make }]\n" }],
  ])("reach the %s analysis with their file:line", async (_dialect, files) => {
    const analyses = await analyzeRepository({
      base: new MemorySource(files),
      head: new MemorySource(files),
      settings: defaultSettings(),
      settingsDiagnostics: [bad],
    });
    expect(analyses.map((a) => a.settingsDiagnostics)).toEqual([[bad]]);
  });

  it("are absent when there are none", async () => {
    const files = { ".gitlab-ci.yml": "build:\n  script: make\n" };
    const [analysis] = await analyzeRepository({ base: new MemorySource(files), head: new MemorySource(files), settings: defaultSettings() });
    expect(analysis.settingsDiagnostics).toBeUndefined();
  });
});
