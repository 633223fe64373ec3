import { describe, expect, it } from "vitest";
import { renderComment } from "../../src/report/comment.js";
import { fitToBudget } from "../../src/report/budget.js";
import { COMMENT_BUDGET } from "../../src/report/options.js";
import { fencesBalanced, tables, tablesIntact } from "./markdown-check.js";
import { largeAnalysis } from "./large.js";
import { qemuLikeAnalysis } from "./qemu-like.js";
import { headlineLines, tableHeaders, textOf, toHtml } from "./rendered.js";

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
    expect(headlineLines(md)[0]).toBe("ci-explain: ⛔ release-0.x, release-1.x, release-2.x and 27 more now push the same 100 images to :v1");
    expect(md.trimEnd().endsWith("<!-- ci-explain:comment key=main -->")).toBe(true);
  });

  it("counts what it leaves out", () => {
    expect(md).toMatch(/and \d+ more findings \(\d+ errors?, \d+ warnings?, \d+ notices?\)/);
    expect(md).toMatch(/and \d+ more changed jobs? and \d+ unchanged jobs not listed\./);
  });

  it("drops Mermaid diagrams before tables", () => {
    expect(md).not.toContain("```mermaid");
    expect(tableHeaders(md)[0]).toEqual(["branch context", "jobs", "image pushes", "findings"]);
  });
});

describe("summarising in steps", () => {
  const qemu = qemuLikeAnalysis();
  const full = renderComment(qemu, { platform: "gitlab" });

  it.each([
    ["full detail, with diagrams", full.length, true],
    ["no room for diagrams: the lists and tables stay", full.length - 1, false],
  ])("%s", (_name, maxChars, hasDiagram) => {
    const md = renderComment(qemu, { platform: "gitlab", maxChars });
    expect(md.length).toBeLessThanOrEqual(maxChars);
    expect(md.includes("```mermaid")).toBe(hasDiagram);
    expect(tableHeaders(md).map((h) => h[0])).toEqual(["branch context", "image", "image", "image"]);
  });

  it("with little room, lists fewer names and counts the contexts it does not detail", () => {
    const md = renderComment(qemu, { platform: "gitlab", maxChars: 4000 });
    expect(md.length).toBeLessThanOrEqual(4000);
    expect(headlineLines(md)[1]).toContain("changes CI on 3 of 7 branch contexts");
    expect(textOf(toHtml(md))).toContain("Unchanged: master, staging, fork push and 1 more");
    expect(md).toContain("jobs: `amd64-debian11-container`, `amd64-fedora-container` and 22 more");
    expect(md).toContain("3 changed contexts not detailed here: `staging-8.0`, `staging-7.2`, `tag v8.0.3`");
    expect(tablesIntact(md)).toBe(true);
  });

  it("at the smallest budget, keeps the first two lines and counts everything else", () => {
    const md = renderComment(qemu, { platform: "gitlab", maxChars: 1200 });
    expect(md.length).toBeLessThanOrEqual(1200);
    expect(headlineLines(md)).toEqual(headlineLines(full));
    expect(textOf(toHtml(md))).toContain("3 changed contexts: staging-8.0, staging-7.2, tag v8.0.3. Unchanged: master, staging, fork push and 1 more");
    expect(textOf(toHtml(md))).toContain("2 findings (1 error, 1 notice)");
    expect(md).toContain("<!-- ci-explain:comment key=main -->");
  });

  it("fitToBudget takes the first rendering that fits", () => {
    expect(fitToBudget([() => "x".repeat(10), () => "y".repeat(5), () => "z"], 6)).toEqual({ text: "yyyyy", level: 1 });
  });
});
