import { describe, expect, it } from "vitest";
import { analyzeRepository } from "../../src/analysis/analyze-repository.js";
import type { Analysis } from "../../src/analysis/model.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { COMMENT_BUDGET, CHECK_OUTPUT_LIMIT, commentMarkerText, renderCheck, renderCombinedCheck, renderCombinedComment, renderCombinedCommentText, renderComment } from "../../src/report/index.js";
import { largeAnalysis } from "./large.js";
import { fencesBalanced, tablesIntact } from "./markdown-check.js";
import { headlineLines } from "./rendered.js";

const GITLAB = ".gitlab-ci.yml";
const WF = ".github/workflows/images.yml";
const gitlab = (tag: string) => `build:\n  image: docker\n  script:\n    - docker build -t $CI_REGISTRY_IMAGE:${tag} .\n    - docker push $CI_REGISTRY_IMAGE:${tag}\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main" || $CI_COMMIT_BRANCH == "stable"\n`;
const workflow = (group: string) =>
  `name: Images\non:\n  push:\n    branches: [main, 'release/**']\nconcurrency:\n  group: ${group}\n  cancel-in-progress: true\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n`;

async function bothDialects(): Promise<Analysis[]> {
  const base = { [GITLAB]: gitlab("$CI_COMMIT_REF_SLUG"), [WF]: workflow("images-${{ github.ref }}") };
  const head = { [GITLAB]: gitlab("latest"), [WF]: workflow("images") };
  return analyzeRepository({
    base: new MemorySource(base, "base"),
    head: new MemorySource(head, "head"),
    changedFiles: [GITLAB, WF],
    settings: { ...defaultSettings(), project: "acme/app", defaultBranch: "main" },
    branches: ["main", "stable", "release/1.x"],
  });
}

const options = { platform: "github" as const };

describe("one report for a repository with GitLab CI and GitHub Actions", () => {
  it("has one first line naming both dialects, then a heading per dialect with its own first line", async () => {
    const analyses = await bothDialects();
    const md = renderCombinedComment(analyses, options);
    const [one, two] = headlineLines(md);
    // The most important finding of either dialect first; then each dialect's CI, and the count.
    expect(one).toMatch(/^ci-explain: ⛔ main and stable now push the same image /);
    expect(two).toMatch(/^GitLab CI: changes \d+ of \d+ branch contexts · GitHub Actions: no change · 2 hazards introduced$/);
    const gitlabAt = md.indexOf("## GitLab CI (.gitlab-ci.yml)");
    const actionsAt = md.indexOf("## GitHub Actions (.github/workflows)");
    expect(gitlabAt).toBeGreaterThan(0);
    expect(actionsAt).toBeGreaterThan(gitlabAt);
    // Each section starts with that dialect's own first line, and has its own hazards.
    expect(md.slice(gitlabAt).split("\n").filter(Boolean)[1]).toMatch(/^\*\*ci-explain: /);
    expect(md.slice(gitlabAt, actionsAt)).toContain("main and stable now push the same image");
    expect(md.slice(actionsAt)).toContain("runs of different branches cancel each other");
    expect(md.slice(actionsAt)).not.toContain("now push the same image");
  });

  it("carries one marker and one footer", async () => {
    const md = renderCombinedComment(await bothDialects(), options);
    expect(md.split(commentMarkerText()).length - 1).toBe(1);
    expect(md.match(/Analysed base/g)).toHaveLength(1);
  });

  it("gives one check whose conclusion is the worst of both, with both hazards annotated", async () => {
    const analyses = await bothDialects();
    expect(analyses.map((a) => a.verdict.conclusion)).toEqual(["failure", "neutral"]);
    const check = renderCombinedCheck(analyses, options);
    expect(check.conclusion).toBe("failure");
    expect(check.title).toMatch(/^GitLab CI: changes .* · GitHub Actions: no change · 2 hazards introduced$/);
    expect(check.summary).toContain("## GitLab CI");
    expect(check.summary).toContain("## GitHub Actions");
    expect([...new Set(check.annotations.map((a) => a.path))].sort()).toEqual([GITLAB, WF].sort());
  });

  it("renders one dialect exactly as the single report does", async () => {
    const [gitlabOnly] = await bothDialects();
    expect(renderCombinedComment([gitlabOnly], options)).toBe(renderComment(gitlabOnly, options));
    expect(renderCombinedCheck([gitlabOnly], options)).toEqual(renderCheck(gitlabOnly, options));
  });

  it("keeps two huge analyses within the one comment budget and the check limit, markdown intact", () => {
    const huge = largeAnalysis(1000, 20);
    const analyses: Analysis[] = [huge, { ...huge, dialect: "github-actions" }];
    const md = renderCombinedComment(analyses, options);
    expect(md.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(fencesBalanced(md) && tablesIntact(md)).toBe(true);
    expect(md).toContain("## GitHub Actions");
    const check = renderCombinedCheck(analyses, options);
    expect(check.summary.length).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT);
    expect(check.text.length).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT);
  });

  it("prints both sections in the terminal too", async () => {
    const text = renderCombinedCommentText(await bothDialects(), options);
    expect(text).toContain("GitLab CI (.gitlab-ci.yml)");
    expect(text).toContain("GitHub Actions (.github/workflows)");
  });
});
