import { describe, expect, it } from "vitest";
import { renderComment } from "../../src/report/comment.js";
import { fitToBudget } from "../../src/report/budget.js";
import { COMMENT_BUDGET } from "../../src/report/options.js";
import { fencesBalanced, tables, tablesIntact } from "./markdown-check.js";
import { largeAnalysis } from "./large.js";
import { qemuLikeAnalysis } from "./qemu-like.js";

describe("a 5,000-job, 30-context analysis", () => {
  const big = largeAnalysis(5000, 30);
  const md = renderComment(big, { platform: "github", fileUrl: (p, l) => `https://github.com/acme/app/blob/${"a".repeat(40)}/${p}#L${l}` });

  it("stays under 60,000 characters", () => {
    expect(md.length).toBeLessThan(COMMENT_BUDGET);
  });

  it("keeps every table whole and every fence closed", () => {
    expect(tables(md).length).toBeGreaterThan(0);
    expect(tablesIntact(md)).toBe(true);
    expect(fencesBalanced(md)).toBe(true);
    expect(md.split("<details>").length).toBe(md.split("</details>").length);
  });

  it("still leads with the answer and ends with the marker", () => {
    expect(md.split("\n")[0]).toBe("**ci-explain**: this PR changes CI on 30 of 30 branch contexts · 7500 image pushes change · 60 hazards and 30 notices introduced, 20 hazards and 10 notices fixed");
    expect(md.trimEnd().endsWith("<!-- ci-explain:comment key=main -->")).toBe(true);
  });

  it("counts what it leaves out", () => {
    expect(md).toMatch(/and \d+ more findings \(\d+ errors, \d+ warnings, \d+ notices\)/);
    expect(md).toMatch(/and \d+ more changed jobs? and \d+ unchanged jobs not listed\./);
  });

  it("drops Mermaid diagrams before tables", () => {
    expect(md).not.toContain("```mermaid");
    expect(md).toContain("| branch context |");
  });
});

describe("summarising in steps", () => {
  const qemu = qemuLikeAnalysis();
  const full = renderComment(qemu, { platform: "gitlab" });

  it.each([
    ["full detail, with diagrams", full.length, true, true],
    ["no room for diagrams: the tables stay", full.length - 1, false, true],
  ])("%s", (_name, maxChars, hasDiagram, hasDetailsTable) => {
    const md = renderComment(qemu, { platform: "gitlab", maxChars });
    expect(md.length).toBeLessThanOrEqual(maxChars);
    expect(md.includes("```mermaid")).toBe(hasDiagram);
    expect(md.includes("| jobs | change |")).toBe(hasDetailsTable);
  });

  it("with little room, lists fewer names and counts the contexts it does not detail", () => {
    const md = renderComment(qemu, { platform: "gitlab", maxChars: 4000 });
    expect(md.length).toBeLessThanOrEqual(4000);
    expect(md.split("\n")[0]).toContain("changes CI on 3 of 7 branch contexts");
    expect(md).toContain("and 4 more unchanged contexts: `master`, `staging`, `fork push`, `MR feature → master`");
    expect(md).toContain("jobs: `amd64-debian11-container`, `amd64-fedora-container` and 22 more");
    expect(md).toContain("3 changed contexts not detailed here: `staging-8.0`, `staging-7.2`, `tag v8.0.3`");
    expect(tablesIntact(md)).toBe(true);
  });

  it("at the smallest budget, keeps the first line and counts everything else", () => {
    const md = renderComment(qemu, { platform: "gitlab", maxChars: 1200 });
    expect(md.length).toBeLessThanOrEqual(1200);
    expect(md.split("\n")[0]).toContain("changes CI on 3 of 7 branch contexts");
    expect(md).toContain("3 changed contexts: `staging-8.0`, `staging-7.2`, `tag v8.0.3`; 4 unchanged contexts: `master`, `staging`, `fork push`, `MR feature → master`");
    expect(md).toContain("3 findings (1 error, 1 warning, 1 notice)");
    expect(md).toContain("<!-- ci-explain:comment key=main -->");
  });

  it("fitToBudget takes the first rendering that fits", () => {
    expect(fitToBudget([() => "x".repeat(10), () => "y".repeat(5), () => "z"], 6)).toEqual({ text: "yyyyy", level: 1 });
  });
});
