import { describe, expect, it } from "vitest";
import type { Analysis, ContextAnalysis, Hazard } from "../../src/analysis/model.js";
import { renderCheck } from "../../src/report/check.js";
import { renderComment } from "../../src/report/comment.js";
import { containerDiagram } from "../../src/report/container-graph.js";
import type { ReportOptions } from "../../src/report/options.js";
import { analysis, context, contextAnalysis, hazard, image, imageChange, job, pos, ruleDecision } from "./build.js";

const gitlab: ReportOptions = { platform: "gitlab" };
const IF = "$CI_PIPELINE_SOURCE != 'schedule'";
const CHANGES_HEADER = "| jobs | change | before | after | why (deciding rule) |";

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

  it.each([
    ["share one row", "**3 jobs**: `a`, `b`, `c`"],
    ["show the head side's line", "rule 1 at `.gitlab-ci.yml:721`"],
    ["say the other jobs' rules read the same", "(likewise at 2 other lines)"],
  ])("%s", (_name, expected) => {
    expect(md).toContain(expected);
  });

  it("do not show the base side's line as a before/after", () => {
    expect(md).not.toContain(".gitlab-ci.yml:687");
    expect(md).not.toContain("before: rule");
  });

  it("still show before and after when the rule's text changed", () => {
    const changed = renderComment(analysis({ contexts: [retagged("main", ["a"], 687, 34, "$CI_COMMIT_BRANCH")] }), gitlab);
    expect(changed).toContain("before: rule 1 at `.gitlab-ci.yml:687`");
    expect(changed).toContain("after: rule 1 at `.gitlab-ci.yml:721`");
  });
});

describe("contexts that change the same way", () => {
  const a = analysis({
    contexts: [retagged("main", ["a", "b"], 10, 5), retagged("fork-main", ["a", "b"], 10, 5), retagged("staging", ["a"], 10, 5)],
  });
  const md = renderComment(a, gitlab);

  it("show the table once per distinct set of changes", () => {
    expect(count(md, CHANGES_HEADER)).toBe(2);
  });

  it("point to the context whose table they share, under their own summary", () => {
    expect(md).toMatch(/<summary><b>fork-main<\/b>[^\n]*<\/summary>\n\nSame changes as `main`\./);
  });

  it("keep their own table when the changes differ", () => {
    expect(md).toMatch(/<summary><b>staging<\/b>[^\n]*<\/summary>\n\n\| jobs \| change/);
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
  const bullets = md.split("\n").filter((l) => l.startsWith("- "));

  it("share one bullet that counts them by status", () => {
    expect(bullets).toHaveLength(1);
    expect(bullets[0]).toContain("**notice · 1 introduced, 2 already present** — part of the configuration not analysed (3); for each: jobs and rules it defines are not in this report.");
  });

  it.each(["arch.yml", "alpine.yml", "debian.yml"])("name %s with its line", (file) => {
    expect(md).toMatch(new RegExp(`ci-templates:/templates/${file.replace(".", "\\.")} is not analysed[^\\n]* · at \`\\.gitlab-ci\\.yml:\\d+\``));
  });

  it("say which one is new", () => {
    expect(md).toContain("templates/arch.yml is not analysed (introduced)");
  });

  it("are counted in the first line as the list counts them", () => {
    expect(md.split("\n")[0]).toContain("· 1 notice introduced");
  });
});

describe("notices are not called hazards", () => {
  const main = () => retagged("main", ["a"], 10, 0);
  const at = (...hazards: Hazard[]): Analysis => analysis({ contexts: [main()], hazards });
  const notice = hazard({ kind: "not-analysed", severity: "notice", contexts: ["main"] });
  const warning = hazard({ kind: "image-not-built", severity: "warning", contexts: ["main"] });

  it.each<[string, Analysis, string, string]>([
    ["a notice alone", at(notice), "1 notice introduced", "ℹ️ 1 new notice"],
    ["a warning alone", at(warning), "1 hazard introduced", "⚠️ 1 new warning"],
    ["a warning and a notice", at(warning, notice), "1 hazard and 1 notice introduced", "⚠️ 1 new warning · ℹ️ 1 new notice"],
    ["a fixed notice", at({ ...notice, status: "fixed" }), "1 notice fixed", "✅ 1 fixed"],
  ])("%s", (_name, a, words, cell) => {
    const md = renderComment(a, gitlab);
    expect(md.split("\n")[0]).toMatch(new RegExp(`· ${words}$`));
    expect(md).toContain(`| ${cell} |`);
    expect(renderCheck(a, { platform: "github" }).title).toMatch(new RegExp(`· ${words}$`));
  });
});

describe("a fixed hazard reads as the past", () => {
  const message = "8 jobs run in `reg/img:latest`, which no job here builds.";
  it.each<[Hazard["status"], string]>([
    ["fixed", "✅ **warning · fixed** — was: image used but not built: 8 jobs run in"],
    ["introduced", "⚠️ **warning · introduced** — image used but not built: 8 jobs run in"],
    ["unchanged", "⚠️ **warning · already present** — image used but not built: 8 jobs run in"],
  ])("%s", (status, expected) => {
    expect(renderComment(analysis({ hazards: [hazard({ kind: "image-not-built", status, message })] }), gitlab)).toContain(expected);
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
