import { describe, expect, it } from "vitest";
import { error } from "../../src/core/diagnostic.js";
import { checkAnnotations, selectAnnotations, type CheckAnnotation } from "../../src/report/annotations.js";
import { renderCheck } from "../../src/report/check.js";
import { CHECK_OUTPUT_LIMIT } from "../../src/report/options.js";
import { analysis, hazard, pos } from "./build.js";
import { largeAnalysis } from "./large.js";
import { qemuLikeAnalysis } from "./qemu-like.js";
import { tableWidths } from "./rendered.js";

describe("renderCheck", () => {
  it("takes the conclusion from the verdict and a short title", () => {
    const a = { ...qemuLikeAnalysis(), verdict: { conclusion: "neutral" as const, title: "", summary: "" } };
    const check = renderCheck(a, { platform: "github" });
    expect(check.name).toBe("ci-explain");
    expect(check.conclusion).toBe("neutral");
    // The title is the comment's first line: the most important finding, in words.
    expect(check.title).toBe("✅ staging-8.0 and staging-7.2 no longer push the same 8 images to :latest as staging");
    expect(check.summary).toContain("| **staging-8.0** |");
    expect(check.text).toContain("<details><summary><b>staging-8.0</b>");
    expect(Math.max(...tableWidths(check.summary), ...tableWidths(check.text))).toBeLessThanOrEqual(4);
  });

  it("keeps title, summary and text within GitHub's limits for a huge analysis", () => {
    const check = renderCheck(largeAnalysis(3000, 30), { platform: "github" });
    expect(check.title.length).toBeLessThanOrEqual(100);
    expect(check.summary.length).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT);
    expect(check.text.length).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT);
  });

  it("a config error's title names it with file:line, cut to 100 characters", () => {
    const a = analysis({ head: { label: "head", ciFiles: [], diagnostics: [error("extends-cycle", `extends cycle: ${"a → ".repeat(60)}a`, pos("ci/jobs.yml", 7))] } });
    const { title } = renderCheck(a, { platform: "github" });
    expect(title.startsWith("⛔ the CI configuration in this PR does not load — ci/jobs.yml:7: extends cycle")).toBe(true);
    expect(title.length).toBeLessThanOrEqual(100);
  });
});

describe("annotations", () => {
  const annotations = checkAnnotations(qemuLikeAnalysis());
  const at = (file: string, line: number) => annotations.find((a) => a.path === file && a.start_line === line);

  it.each([
    ["the deciding rule of the retagged jobs", ".gitlab-ci.d/base.yml", 123, "notice"],
    ["the image push line", ".gitlab-ci.d/container-template.yml", 16, "notice"],
    ["the rule that removes the tag pipeline's jobs", ".gitlab-ci.d/base.yml", 41, "notice"],
    ["a warning hazard still present", ".gitlab-ci.d/buildtest.yml", 202, "warning"],
  ])("marks %s", (_what, file, line, level) => {
    expect(at(file, line)?.annotation_level).toBe(level);
  });

  it("puts one annotation on a line, however many jobs it decides", () => {
    const keys = annotations.map((a) => `${a.path}:${a.start_line}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(at(".gitlab-ci.d/base.yml", 123)?.message).toMatch(/…and \d+ more$/);
  });

  it("does not annotate a fixed hazard (its line is in the base)", () => {
    expect(at(".gitlab-ci.d/container-template.yml", 8)).toBeUndefined();
  });

  it.each([
    ["error", "failure"],
    ["warning", "warning"],
    ["notice", "notice"],
  ] as const)("a %s hazard becomes a %s annotation", (severity, level) => {
    const [only] = checkAnnotations(analysis({ hazards: [hazard({ kind: "jobs-lost", severity, source: pos("ci.yml", 3) })] }));
    expect(only.annotation_level).toBe(level);
  });

  it("the most severe note on a line sets its level", () => {
    const a = analysis({
      hazards: [
        hazard({ kind: "jobs-manual", severity: "notice", source: pos("ci.yml", 3), message: "one" }),
        hazard({ kind: "jobs-lost", severity: "error", source: pos("ci.yml", 3), message: "two" }),
      ],
    });
    const result = checkAnnotations(a);
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ annotation_level: "failure", title: "jobs lost; jobs turned manual" });
    expect(result[0].message).toBe("New: two\nNew: one");
  });
});

describe("at most 50 annotations per check, the most severe first", () => {
  const mark = (level: CheckAnnotation["annotation_level"], line: number): CheckAnnotation => ({
    path: ".gitlab-ci.yml",
    start_line: line,
    end_line: line,
    annotation_level: level,
    title: level,
    message: `${level} ${line}`,
  });

  it("keeps failures, then warnings, then notices, each in the order found, and counts what it leaves out", () => {
    const found = [
      ...Array.from({ length: 60 }, (_, i) => mark("notice", i + 1)),
      ...Array.from({ length: 30 }, (_, i) => mark("warning", 100 + i)),
      ...Array.from({ length: 10 }, (_, i) => mark("failure", 200 + i)),
    ];
    const { shown, omitted } = selectAnnotations(found);
    expect(shown.map((a) => a.start_line)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => 200 + i),
      ...Array.from({ length: 30 }, (_, i) => 100 + i),
      ...Array.from({ length: 10 }, (_, i) => i + 1),
    ]);
    expect(omitted).toEqual({ failure: 0, warning: 0, notice: 50 });
  });

  it("a check of a change with thousands of marked places carries 50 and says how many more there are", () => {
    const big = largeAnalysis(2000, 6);
    const all = checkAnnotations(big);
    expect(all.length).toBeGreaterThan(50);
    const check = renderCheck(big, { platform: "github" });
    expect(check.annotations).toHaveLength(50);
    const unmarked = all.length - 50;
    const levels = (["failure", "warning", "notice"] as const).map((level) => [level, all.filter((a) => a.annotation_level === level).length] as const);
    // Every failure fits in the 50 here, so what is left unmarked is warnings and notices.
    expect(levels[0][1]).toBeLessThan(50);
    expect(check.annotations.filter((a) => a.annotation_level === "failure")).toHaveLength(levels[0][1]);
    const warningsLeft = Math.max(0, levels[1][1] - (50 - levels[0][1]));
    const noticesLeft = unmarked - warningsLeft;
    const counts = [warningsLeft > 0 ? `${warningsLeft} warning${warningsLeft === 1 ? "" : "s"}` : "", `${noticesLeft} notices`].filter(Boolean).join(", ");
    expect(check.summary).toContain(`Annotations: the 50 most severe are marked on their lines; ${unmarked} more are not marked (${counts}).`);
  });

  it("says nothing about annotations when every place is marked", () => {
    const check = renderCheck(qemuLikeAnalysis(), { platform: "github" });
    expect(check.annotations.length).toBeLessThanOrEqual(50);
    expect(check.summary).not.toContain("Annotations:");
  });
});
