import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis/analyze.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { renderComment } from "../../src/report/comment.js";

const CI = "test:\n  script: [make test]\n";

describe("the note about an assumed project path", () => {
  it.each([
    ["names the settings key", "set `project:` in .ci-explain.yml"],
    ["names the command-line option", "`--project group/name` on the command line"],
  ])("%s", async (_name, expected) => {
    const settings = { ...defaultSettings(), defaultBranch: "main" };
    const a = await analyze({ base: new MemorySource({ ".gitlab-ci.yml": CI }), head: new MemorySource({ ".gitlab-ci.yml": `${CI}lint:\n  script: [make lint]\n` }), settings });
    const note = (a.notes ?? []).find((n) => n.includes("project path is not known"));
    expect(note).toContain(expected);
    expect(renderComment(a, { platform: "gitlab" })).toContain(expected);
  });

  it("is not written when the project is known", async () => {
    const settings = { ...defaultSettings(), project: "acme/widget", defaultBranch: "main" };
    const a = await analyze({ base: new MemorySource({ ".gitlab-ci.yml": CI }), head: new MemorySource({ ".gitlab-ci.yml": CI }), settings });
    expect((a.notes ?? []).some((n) => n.includes("project path is not known"))).toBe(false);
  });
});
