import { describe, expect, it } from "vitest";
import { compareJobs, JobNames } from "../../src/analysis/compare.js";
import { compareImages, ImageRefs } from "../../src/analysis/images.js";
import { parseImageRef } from "../../src/containers/image-ref.js";
import type { AnalysedJob } from "../../src/analysis/model.js";
import type { ResolvedText, ResolvedVar } from "../../src/gitlab-ci/pipeline.js";
import { context, job, pipeline, REGISTRY, text } from "./build.js";

const main = context("main");
const withVars = (j: AnalysedJob, vars: Record<string, string>): AnalysedJob => ({
  ...j,
  variables: Object.fromEntries(
    Object.entries(vars).map(([k, v]): [string, ResolvedVar] => [k, { value: text(v), raw: v, origin: "job" }]),
  ),
});

describe("compareJobs", () => {
  it("lists added, removed and changed jobs with the fields that differ", () => {
    const before = pipeline(main, [job("a"), job("b", { when: "on_success" }), job("c")]);
    const after = pipeline(main, [job("b", { when: "manual", allowFailure: true }), job("c"), job("d")]);
    expect(compareJobs(before, after).changes.map((c) => [c.job, c.kind, c.fields])).toEqual([
      ["a", "removed", []],
      [
        "b",
        "changed",
        [
          { field: "when", before: "on_success", after: "manual" },
          { field: "allowFailure", before: "false", after: "true" },
        ],
      ],
      ["d", "added", []],
    ]);
  });

  it("does not call a job changed when only the deciding rule's line moved", () => {
    const before = pipeline(main, [job("a", { rule: { if: "$X", when: "manual", line: 10 } })]);
    const after = pipeline(main, [job("a", { rule: { if: "$X", when: "manual", line: 30 } })]);
    expect(compareJobs(before, after).changes).toEqual([]);
  });

  it("does not count a job decided by another rule with the same outcome, and keeps it as a detail", () => {
    // QEMU's fork rule `$CI_PROJECT_NAMESPACE == "qemu-project"` became `== $QEMU_CI_UPSTREAM`:
    // every job still runs on_success in the same image, so nothing a user sees changed.
    const before = pipeline(main, [job("a", { rule: { if: '$CI_PROJECT_NAMESPACE == "qemu-project"', line: 10 } }), job("b")]);
    const after = pipeline(main, [job("a", { rule: { if: "$CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM", line: 10 } }), job("b")]);
    const { changes, redecided } = compareJobs(before, after);
    expect(changes).toEqual([]);
    expect(redecided.map((c) => [c.job, c.fields.map((f) => f.field)])).toEqual([["a", ["decidedBy"]]]);
  });

  it("counts a job whose outcome changes, keeping its new deciding rule as the reason", () => {
    const before = pipeline(main, [job("a", { rule: { if: "$X", when: "on_success", line: 10 } })]);
    const after = pipeline(main, [job("a", { when: "manual", rule: { if: "$Y", when: "manual", line: 10 } })]);
    const { changes, redecided } = compareJobs(before, after);
    expect(changes.map((c) => [c.job, c.fields.map((f) => f.field)])).toEqual([["a", ["when", "decidedBy"]]]);
    expect(redecided).toEqual([]);
  });

  it.each([
    ["a variable only added (its effect shows elsewhere)", { A: "1" }, { A: "1", NEW: "x" }, []],
    ["a variable whose value changes", { TAG: "tag-1" }, { TAG: "tag-2" }, [{ field: "variables", before: "TAG=tag-1", after: "TAG=tag-2" }]],
    [
      "two changed variables, one per line (a value with spaces stays whole)",
      { ARGS: "--a --b", TAG: "latest" },
      { ARGS: "--a --b --c", TAG: "staging-8-0" },
      [{ field: "variables", before: "ARGS=--a --b\nTAG=latest", after: "ARGS=--a --b --c\nTAG=staging-8-0" }],
    ],
  ])("reports %s accordingly", (_what, before, after, fields) => {
    const b = pipeline(main, [withVars(job("a"), before)]);
    const a = pipeline(main, [withVars(job("a"), after)]);
    expect(compareJobs(b, a).changes.flatMap((c) => c.fields)).toEqual(fields);
  });

  it("sorts with a name order shared by an analysis as with a fresh one", () => {
    // Names `localeCompare` orders unlike code units, met over several comparisons.
    const names = [["b", "B", "a-1"], ["a_1", "é", "e", "b"], ["Z", "a", "é"], ["job 10", "job 9", "job-2"]];
    const order = new JobNames();
    for (const [i, these] of names.entries()) {
      const before = pipeline(main, these.map((n) => job(n, { when: "manual" })));
      const after = pipeline(main, [...these.slice(1).map((n) => job(n)), job(`new-${i}`)]);
      expect(compareJobs(before, after, order).changes).toEqual(compareJobs(before, after).changes);
    }
    // localeCompare's order (ICU collation), not code units: "b" before "B", "B" after "a-1".
    const first = names[0]!;
    const { changes } = compareJobs(pipeline(main, first.map((n) => job(n, { when: "manual" }))), pipeline(main, [...first.slice(1).map((n) => job(n)), job("new-0")]), order);
    expect(changes.map((c) => [c.job, c.kind])).toEqual([["a-1", "changed"], ["b", "removed"], ["B", "changed"], ["new-0", "added"]]);
  });

  it("pairs jobs listed in another order, or with jobs added and removed in between, by name", () => {
    const names = ["a", "b", "c", "d", "e"];
    const before = pipeline(main, names.map((n) => job(n, { when: "manual" })));
    const after = pipeline(main, [job("a"), job("x"), job("d"), job("c"), job("e", { when: "manual" })]);
    expect(compareJobs(before, after).changes.map((c) => [c.job, c.kind])).toEqual([
      ["a", "changed"],
      ["b", "removed"],
      ["c", "changed"],
      ["d", "changed"],
      ["x", "added"],
    ]);
  });

  it("pairs the last job of a name listed twice (a GitHub job's `name:` may repeat)", () => {
    const before = pipeline(main, [job("a", { when: "manual" }), job("b"), job("a")]);
    const after = pipeline(main, [job("a"), job("b"), job("a", { when: "manual" })]);
    const names = new JobNames();
    for (let i = 0; i < 2; i++) {
      expect(compareJobs(before, after, names).changes.map((c) => [c.job, c.kind, c.fields])).toEqual([["a", "changed", [{ field: "when", before: "on_success", after: "manual" }]]]);
    }
  });

  it("shows every job as removed when the pipeline is no longer created", () => {
    const { changes } = compareJobs(pipeline(main, [job("a")]), pipeline(main, "not-created"));
    expect(changes.map((c) => [c.job, c.kind])).toEqual([["a", "removed"]]);
  });
});

describe("compareImages", () => {
  // The same text with and without holes parses to different repositories; a reference parsed
  // once per pipeline must still be each one's own parse, whichever job comes first.
  const holed: ResolvedText = { text: "«$IMG»:1", known: false, unknowns: ["$IMG"] };
  const plain: ResolvedText = { text: "«$IMG»:1", known: true, unknowns: [] };
  const runsIn = (name: string, ref: ResolvedText): AnalysedJob => ({ ...job(name), image: { ref, raw: ref.text, pos: { file: ".gitlab-ci.yml", line: 5 } } });
  it.each([
    ["plain first", [plain, holed]],
    ["holed first", [holed, plain]],
  ])("each reference is its own parse (%s)", (_what, order) => {
    const builder = { ...job("builder"), builds: order.map((image) => ({ ...job("builder", { builds: ["push:x"] }).builds[0]!, image })) };
    const p = pipeline(main, [builder, runsIn("user-0", order[0]!), runsIn("user-1", order[1]!), runsIn("user-2", order[0]!)]);
    // user-0 and user-2 run the first reference, user-1 the other: two repositories, tag 1 each.
    const images = compareImages(p, p, {});
    expect(new Set(images.map((i) => i.repository)).size).toBe(2);
    expect(images.map((i) => [i.usedBy, i.tagsAfter]).sort()).toEqual([
      [["user-0", "user-2"], ["1"]],
      [["user-1"], ["1"]],
    ]);
  });

  it("facts reused from a recent pipeline answer as a cold comparison", () => {
    const refs = new ImageRefs();
    const user = runsIn("user", plain);
    const builder = job("builder", { builds: ["push:registry.example.com/acme/widget/a:1@a.docker"] });
    const other = job("builder", { builds: ["push:registry.example.com/acme/widget/a:2@a.docker"] });
    const sides = [
      [pipeline(main, [builder, user]), pipeline(main, [builder, user])],
      // The same job objects in another context's pipelines: reused.
      [pipeline(context("staging"), [builder, user]), pipeline(context("staging"), [builder, user])],
      // Another build, another image, a job less, another prefix: each its own facts.
      [pipeline(main, [builder, user]), pipeline(main, [other, user])],
      [pipeline(main, [builder, runsIn("user", holed)]), pipeline(main, [builder])],
    ] as const;
    for (const prefix of [{}, { before: REGISTRY, after: REGISTRY }]) {
      for (const [before, after] of sides) {
        const cold = compareImages(before, after, prefix);
        expect(compareImages(before, after, prefix, refs)).toEqual(cold);
        expect(compareImages(before, after, prefix, refs)).toEqual(cold);
      }
    }
  });

  it("references parsed for one pipeline pair answer the next as a cold parse would", () => {
    const refs = new ImageRefs();
    const side = (ref: ResolvedText) => pipeline(main, [{ ...job("b"), builds: [{ ...job("b", { builds: ["push:x"] }).builds[0]!, image: ref }] }]);
    for (const ref of [plain, holed, plain]) {
      expect(compareImages(side(ref), side(ref), {}, refs)).toEqual(compareImages(side(ref), side(ref), {}));
      expect(compareImages(side(ref), side(ref), {}, refs).map((i) => i.repository)).toEqual([parseImageRef(ref).repository]);
    }
  });
});
