import { describe, expect, it } from "vitest";
import { renderExplainReply } from "../../src/platforms/change-report.js";
import { checkAnnotations } from "../../src/report/annotations.js";
import { renderCheck } from "../../src/report/check.js";
import { renderComment } from "../../src/report/comment.js";
import type { ReportOptions } from "../../src/report/options.js";
import { analysis, context, contextAnalysis, hazard, job, pos } from "./build.js";

/** An MR pipeline the analysis chose, named the analysis's (GitLab's) way, where a job is lost. */
function mrAnalysis(event?: string) {
  const name = "MR feature → main";
  const ctx = { ...context(name, { kind: "mr-pipeline" }, { kind: "mr", source: "feature", target: "main" }), ...(event ? { event } : {}) };
  return analysis({
    contexts: [contextAnalysis(ctx, [job("lint", { source: pos(".gitlab-ci.yml", 4) }), job("test")], [job("test")])],
    hazards: [hazard({ kind: "jobs-lost", message: `1 job no longer runs on \`${name}\`: \`lint\`.`, contexts: [name], jobs: ["lint"], source: pos(".gitlab-ci.yml", 4) })],
  });
}

describe("the change's own pipeline is named with the platform's noun", () => {
  it.each([
    ["github", "PR feature → main", "MR feature → main"],
    ["gitlab", "MR feature → main", "PR feature → main"],
  ] as const)("on %s the comment says %s in the matrix, the details and the hazards", (platform, shown, other) => {
    const a = mrAnalysis();
    const md = renderComment(a, { platform });
    expect(md).toContain(`| **${shown}** |`);
    expect(md).toContain(`<summary><b>${shown}</b>`);
    expect(md).toContain(`1 job no longer runs on \`${shown}\``);
    expect(md).toContain(`contexts: \`${shown}\``);
    expect(md).not.toContain(other);
    // The data keeps the analysis's name: JSON output and `--branch` do not depend on the platform.
    expect(a.contexts[0].context.name).toBe("MR feature → main");
    expect(a.hazards[0].contexts).toEqual(["MR feature → main"]);
  });

  it("names the PR in the check run's text and annotations on GitHub", () => {
    const check = renderCheck(mrAnalysis(), { platform: "github" });
    expect(check.text).toContain("PR feature → main");
    expect(check.text).not.toContain("MR feature → main");
    expect(checkAnnotations(mrAnalysis()).map((n) => n.message).join("\n")).toContain("PR feature → main");
    expect(checkAnnotations(mrAnalysis()).map((n) => n.message).join("\n")).not.toContain("MR feature → main");
  });

  it.each([
    ["github", "PR feature → main"],
    ["gitlab", "MR feature → main"],
  ] as const)("a /ci-explain reply on %s is headed %s", (platform, shown) => {
    const reply = renderExplainReply([mrAnalysis()], { targets: [], variables: {} }, "2222222222", { platform } satisfies ReportOptions);
    expect(reply.split("\n")[0]).toBe(`**/ci-explain** at \`22222222\` for \`${shown}\``);
    expect(reply).toContain(`${shown} · source`);
  });

  it("calls a GitHub Actions pull_request_target run a PR, on any platform", () => {
    const md = renderComment(mrAnalysis("pull_request_target"), { platform: "gitlab" });
    expect(md).toContain("**PR (target) feature → main**");
  });

  it("keeps a configured context's own name", () => {
    const ctx = context("MR from my fork", { kind: "configured" }, { kind: "mr", source: "feature", target: "main" });
    const a = analysis({ contexts: [contextAnalysis(ctx, [job("lint"), job("test")], [job("test")])] });
    expect(renderComment(a, { platform: "github" })).toContain("**MR from my fork**");
  });
});
