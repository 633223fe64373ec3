import { describe, expect, it } from "vitest";
import { error } from "../../../src/core/diagnostic.js";
import { defaultSettings } from "../../../src/config/defaults.js";
import { createGitHubReport, reportOptions } from "../../../src/platforms/github/github-report.js";
import type { PullRequestRef } from "../../../src/platforms/github/review-pull-request.js";
import { commentMarker, hasCommentMarker } from "../../../src/report/marker.js";

const PR: PullRequestRef = {
  repo: { owner: "acme", repo: "demo" },
  fullName: "acme/demo",
  htmlUrl: "https://github.com/acme/demo",
  number: 7,
  draft: false,
  head: { sha: "0123456789abcdef", ref: "feature" },
  base: { sha: "fedcba9876543210", ref: "master" },
};

describe("the GitHub report", () => {
  const report = createGitHubReport();

  it("marks the \"no longer changes CI\" comment so it stays the sticky one", () => {
    const body = report.noCiChange(PR);
    expect(report.marker).toBe(commentMarker());
    expect(hasCommentMarker(body)).toBe(true);
    expect(body).toContain("since `01234567` this pull request changes no CI configuration");
  });

  it.each([
    ["a head line", ".gitlab-ci.d/base.yml", 15, "head", "https://github.com/acme/demo/blob/0123456789abcdef/.gitlab-ci.d/base.yml#L15"],
    ["a base line", "ci/a b.yml", 3, "base", "https://github.com/acme/demo/blob/fedcba9876543210/ci/a%20b.yml#L3"],
  ] as const)("links %s at the right commit", (_name, path, line, side, url) => {
    expect(reportOptions(PR).fileUrl?.(path, line, side)).toBe(url);
  });

  describe("an invalid settings file", () => {
    const problem = error("config-invalid", "unknown key `coment`", { file: ".ci-explain.yml", line: 2, col: 1 });
    const settings = { settings: defaultSettings(), path: ".ci-explain.yml", diagnostics: [problem] };
    const analysis = (dialect: "gitlab-ci" | "github-actions") => ({
      dialect,
      base: { label: "base", diagnostics: [], ciFiles: [] },
      head: { label: "head", diagnostics: [], ciFiles: [] },
      changedFiles: [".gitlab-ci.yml"],
      ciRelevant: true,
      contexts: [],
      recipes: [],
      hazards: [],
      verdict: { conclusion: "success" as const, title: "t", summary: "s" },
      settingsDiagnostics: [problem],
    });
    const line = "[`.ci-explain.yml:2`](https://github.com/acme/demo/blob/fedcba9876543210/.ci-explain.yml#L2): unknown key `coment` `config-invalid`";
    const count = (text: string, part: string) => text.split(part).length - 1;

    it.each([
      ["one dialect", [analysis("gitlab-ci")]],
      ["two dialects sharing one comment and one check", [analysis("gitlab-ci"), analysis("github-actions")]],
    ])("is named once, with a link to the base's line, in the comment and the check summary (%s)", (_what, analyses) => {
      const comment = report.comment(analyses, PR, settings);
      const check = report.check(analyses, PR, settings);
      for (const text of [comment, check.summary]) {
        expect(count(text, "### Settings not fully applied")).toBe(1);
        expect(count(text, line)).toBe(1);
      }
      expect(check.conclusion).toBe("success");
    });
  });
});
