import { describe, expect, it } from "vitest";
import type { Analysis, ContextAnalysis, Hazard } from "../../src/analysis/model.js";
import { renderCheck } from "../../src/report/check.js";
import { renderComment } from "../../src/report/comment.js";
import { containerDiagram } from "../../src/report/container-graph.js";
import type { ReportOptions } from "../../src/report/options.js";
import { analysis, context, contextAnalysis, hazard, image, imageChange, job, pos, ruleDecision } from "./build.js";
import { headlineLines, summaries, tableRows, textOf, toHtml } from "./rendered.js";

const gitlab: ReportOptions = { platform: "gitlab" };
const IF = "$CI_PIPELINE_SOURCE != 'schedule'";

/** Jobs whose image tag changes, each decided by its own rule at `line + i` (base) and `line + shift + i` (head). */
function retagged(name: string, jobs: string[], line: number, shift: number, headIf = IF): ContextAnalysis {
  const at = (l: number, i: number) => pos(".gitlab-ci.yml", l + i * 14);
  const before = jobs.map((j, i) => job(j, { image: image("reg/img:old", at(line, i)), decidedBy: ruleDecision(0, at(line, i), IF, "on_success") }));
  const after = jobs.map((j, i) => job(j, { image: image("reg/img:new", at(line + shift, i)), decidedBy: ruleDecision(0, at(line + shift, i), headIf, "on_success") }));
  return contextAnalysis(context(name, { kind: "default-branch" }), before, after);
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe("job changes whose deciding rule only moved", () => {
  const md = renderComment(analysis({ contexts: [retagged("main", ["a", "b", "c"], 687, 34)] }), gitlab);
  const text = textOf(toHtml(md));

  it.each([
    ["share one group", "3 jobs (a, b, c)"],
    ["show the head side's line", "rule 1 at .gitlab-ci.yml:721"],
    ["say the other jobs' rules read the same", "(likewise at 2 other lines)"],
  ])("%s", (_name, expected) => {
    expect(text).toContain(expected);
  });

  it("do not show the base side's line as a before/after", () => {
    expect(text).not.toContain(".gitlab-ci.yml:687");
    expect(text).not.toContain("before: rule");
  });

  it("still show before and after when the rule's text changed", () => {
    const changed = textOf(toHtml(renderComment(analysis({ contexts: [retagged("main", ["a"], 687, 34, "$CI_COMMIT_BRANCH")] }), gitlab)));
    expect(changed).toContain("before: rule 1 at .gitlab-ci.yml:687");
    expect(changed).toContain("why: rule 1 at .gitlab-ci.yml:721");
  });
});

describe("contexts that change the same way", () => {
  const a = analysis({
    contexts: [retagged("main", ["a", "b"], 10, 5), retagged("fork-main", ["a", "b"], 10, 5), retagged("staging", ["a"], 10, 5)],
  });
  const md = renderComment(a, gitlab);

  it("show the changes once per distinct set of changes", () => {
    // main's two jobs by tag, staging's one job by its whole reference; fork-main points to main.
    expect(count(textOf(toHtml(md)), "old → ")).toBe(2);
  });

  it("point to the context whose changes they share, under their own summary", () => {
    expect(md).toMatch(/<summary><b>fork-main<\/b>[^\n]*<\/summary>\n\nSame changes as `main`\./);
  });

  it("keep their own changes when they differ", () => {
    expect(md).toMatch(/<summary><b>staging<\/b>[^\n]*<\/summary>\n\n- \*\*`a`\*\*/);
  });
});

const notAnalysed = (file: string, status: Hazard["status"], line: number): Hazard =>
  hazard({
    kind: "not-analysed",
    severity: "notice",
    status,
    message: `\`include: project\` ci-templates:/templates/${file} is not analysed: jobs and rules it defines are not in this report.`,
    source: pos(".gitlab-ci.yml", line),
  });

describe("several not-analysed notices", () => {
  const a = analysis({ hazards: [notAnalysed("arch.yml", "introduced", 27), notAnalysed("alpine.yml", "unchanged", 23), notAnalysed("debian.yml", "unchanged", 35)] });
  const md = renderComment(a, gitlab);

  it("read as one line for the new one and one for those already there", () => {
    expect(summaries(md)).toEqual([
      "ℹ️ 1 include is not read: the jobs and rules in them are not in this report",
      "Already there before this MR: 1 finding (1 notice)",
      "ℹ️ 2 includes are not read: the jobs and rules in them are not in this report",
      "Why these 0 branch contexts",
      "How to read this report",
    ].filter((l) => !l.startsWith("Why these 0")));
  });

  it.each(["arch.yml", "alpine.yml", "debian.yml"])("name %s with its line", (file) => {
    const text = textOf(toHtml(md));
    expect(text).toContain(`ci-templates:/templates/${file} is not analysed`);
  });

  it("are counted in the second line when the first says what changes", () => {
    expect(headlineLines(md)[1]).toContain("ℹ️ 1 include is not read");
  });
});

describe("notices do not lead, warnings do", () => {
  const main = () => retagged("main", ["a"], 10, 0);
  const at = (...hazards: Hazard[]): Analysis => analysis({ contexts: [main()], hazards });
  const notice = hazard({ kind: "not-analysed", severity: "notice", contexts: ["main"] });
  const warning = hazard({ kind: "image-not-built", severity: "warning", contexts: ["main"], jobs: ["build"], images: ["reg/img:new"] });

  it.each<[string, Analysis, string, string]>([
    ["a notice alone", at(notice), "ci-explain: this MR changes CI on 1 of 1 branch context — on main: 1 job changed", "ℹ️ 1 new"],
    ["a warning alone", at(warning), "ci-explain: ⚠️ build on main now runs in an image nothing builds", "⚠️ 1 new"],
    ["a warning and a notice", at(warning, notice), "ci-explain: ⚠️ build on main now runs in an image nothing builds", "⚠️ 1 new · ℹ️ 1 new"],
    ["a fixed notice", at({ ...notice, status: "fixed" }), "ci-explain: this MR changes CI on 1 of 1 branch context — on main: 1 job changed", "✅ 1 fixed"],
  ])("%s", (_name, a, first, cell) => {
    const md = renderComment(a, gitlab);
    expect(headlineLines(md)[0]).toBe(first);
    expect(tableRows(md)[0][0][3]).toBe(cell);
    expect(renderCheck(a, { platform: "github" }).title).toBe(first.replace(/^ci-explain: /, "").replace("this MR", "this PR"));
  });
});

describe("a finding reads by what it did", () => {
  it.each<[Hazard["status"], string]>([
    ["fixed", "✅ 8 jobs on main no longer run in an image nothing builds there"],
    ["introduced", "⚠️ 8 jobs on main now run in an image nothing builds"],
    ["unchanged", "⚠️ 8 jobs on main run in an image nothing builds"],
  ])("%s", (status, expected) => {
    const jobs = Array.from({ length: 8 }, (_, i) => `build-${i}`);
    const md = renderComment(analysis({ hazards: [hazard({ kind: "image-not-built", status, contexts: ["main"], jobs, images: ["reg/img:latest"] })] }), gitlab);
    expect(summaries(md)).toContain(expected);
  });
});

describe("counted leftovers say one or many", () => {
  const diagram = (consumers: number, images: number) => {
    const graph = {
      images: Array.from({ length: images }, (_, i) => ({
        image: imageChange(`reg/img${i}`, ["old"], ["new"], { usedBy: Array.from({ length: consumers }, (_, j) => `job${j}`) }),
        builders: [],
        recipeChanged: false,
      })),
      unbuiltRecipes: [],
    };
    const block = containerDiagram(graph);
    return block?.kind === "diagram" ? block.text : "";
  };

  it.each([
    ["one job left over", diagram(5, 1), '"1 more job"'],
    ["two jobs left over", diagram(6, 1), '"2 more jobs"'],
    ["one image left over", diagram(0, 7), '"1 more image"'],
    ["two images left over", diagram(0, 8), '"2 more images"'],
  ])("%s", (_name, text, expected) => {
    expect(text).toContain(expected);
  });
});
