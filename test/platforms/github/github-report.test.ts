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

  it("names an invalid settings file under the check summary", () => {
    const settings = {
      settings: defaultSettings(),
      path: ".ci-explain.yml",
      diagnostics: [error("config-invalid", ".ci-explain.yml: unknown key `coment`", { file: ".ci-explain.yml", line: 2, col: 1 })],
    };
    const analysis = {
      dialect: "gitlab-ci" as const,
      base: { label: "base", diagnostics: [], ciFiles: [] },
      head: { label: "head", diagnostics: [], ciFiles: [] },
      changedFiles: [".gitlab-ci.yml"],
      ciRelevant: true,
      contexts: [],
      recipes: [],
      hazards: [],
      verdict: { conclusion: "success" as const, title: "t", summary: "s" },
    };
    const check = report.check([analysis], PR, settings);
    expect(check.summary).toContain("on the base branch has problems; defaults were used where it is invalid:");
    expect(check.summary).toContain(".ci-explain.yml:2:1: error: .ci-explain.yml: unknown key `coment` [config-invalid]");
  });
});
