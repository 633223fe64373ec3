import { describe, expect, it } from "vitest";
import { findHazards, type RevisionView } from "../../src/analysis/hazards/index.js";
import type { AnalysedJob, BranchContext, Hazard } from "../../src/analysis/model.js";
import { sortedNames } from "../../src/analysis/hazards/watched.js";
import { ImageRefs } from "../../src/analysis/images.js";
import { context, job, pipeline, REGISTRY, revision, text } from "./build.js";

const staging = context("staging", { origin: { kind: "rule-literal", pos: { file: ".gitlab-ci.yml", line: 4 }, text: "x" } });
const stable = context("staging-8.0", {
  origin: { kind: "rule-regex", pos: { file: ".gitlab-ci.yml", line: 9 }, pattern: "/^staging-/", synthesised: true },
});
const main = context("main", { origin: { kind: "default-branch" } });
const mr = context("MR feature → main", { mr: { source: "feature", target: "main" }, origin: { kind: "mr-pipeline" } });
const fork = context("main in a fork", { project: "contributor/widget", origin: { kind: "fork" } });

const container = (tag: string) => job("debian-container", { stage: "containers", builds: [`push:${REGISTRY}/ci/debian:${tag}@ci/debian.docker`] });
const build = (tag: string, spec = {}) => job("build-debian", { image: `${REGISTRY}/ci/debian:${tag}`, ...spec });

function hazards(base: RevisionView, head: RevisionView, changedRecipes: string[] = []): Hazard[] {
  return findHazards(base, head, { changedRecipes });
}

const brief = (h: Hazard) => ({ kind: h.kind, status: h.status, severity: h.severity, contexts: h.contexts });

describe("image-tag-collision", () => {
  it("does not report a possible collision that cannot happen: a commit SHA is hex digits (GitLab's predefined variables)", () => {
    const sbi = (c: BranchContext) =>
      pipeline(c, [job("docker-sbi", { builds: [`push:${REGISTRY}:sbi-cross@ci/sbi`, `push:${REGISTRY}:«$CI_COMMIT_SHORT_SHA»@ci/sbi`] })]);
    const both = revision("head", [
      [staging, sbi(staging)],
      [main, sbi(main)],
    ]);
    const possible = hazards(both, both).filter((h) => h.kind === "image-tag-collision" && h.possible);
    // `:«$CI_COMMIT_SHORT_SHA»` against itself is not listed: equal only for one commit, one content.
    // `sbi-cross` has eight characters, but not hex digits: it cannot be a short SHA either.
    expect(possible).toEqual([]);
  });

  it("lists a pair of references that may be equal once, whichever side it was met from", () => {
    const sbi = (c: BranchContext) =>
      pipeline(c, [job("docker-sbi", { builds: [`push:${REGISTRY}:sbi-cross@ci/sbi`, `push:${REGISTRY}:«$VERSION»@ci/sbi`] })]);
    const both = revision("head", [
      [staging, sbi(staging)],
      [main, sbi(main)],
    ]);
    const possible = hazards(both, both).filter((h) => h.kind === "image-tag-collision" && h.possible);
    expect(possible).toHaveLength(1);
    expect(possible[0].images).toEqual([`${REGISTRY}:sbi-cross ≟ ${REGISTRY}:«$VERSION»`, `${REGISTRY}:«$VERSION»`]);
  });

  it("finds staging and staging-8.0 pushing :latest in base, and calls it fixed when staging-8.0 pushes its own tag", () => {
    const base = revision("base", [
      [staging, pipeline(staging, [container("latest"), build("latest")])],
      [stable, pipeline(stable, [container("latest"), build("latest")])],
    ]);
    const head = revision("head", [
      [staging, pipeline(staging, [container("latest"), build("latest")])],
      [stable, pipeline(stable, [container("staging-8-0"), build("staging-8-0")])],
    ]);
    const found = hazards(base, head);
    expect(found.map(brief)).toEqual([
      { kind: "image-tag-collision", status: "fixed", severity: "error", contexts: ["staging", "staging-8.0"] },
    ]);
    expect(found[0].images).toEqual([`${REGISTRY}/ci/debian:latest`]);
  });

  it("tells four branches pushing :latest as one group: fixed for the two that moved, still present for the two that did not", () => {
    const stable72 = context("staging-7.2", { origin: stable.origin });
    const all = [main, staging, stable72, stable];
    const base = revision("base", all.map((c) => [c, pipeline(c, [container("latest")])] as [BranchContext, ReturnType<typeof pipeline>]));
    const head = revision(
      "head",
      all.map((c) => [c, pipeline(c, [container(c === stable72 || c === stable ? c.name.replace(".", "-") : "latest")])] as [BranchContext, ReturnType<typeof pipeline>]),
    );
    const found = hazards(base, head);
    expect(found.map((h) => [h.status, h.contexts, h.message])).toEqual([
      [
        "unchanged",
        ["main", "staging"],
        `\`main\` and \`staging\` push the same image reference: \`${REGISTRY}/ci/debian:latest\`. When both pipelines run at once, the later push overwrites the other's image and its jobs run in a container built from the other branch.`,
      ],
      [
        "fixed",
        ["main", "staging", "staging-7.2", "staging-8.0"],
        `\`staging-7.2\` and \`staging-8.0\` no longer push the same image reference as \`main\` and \`staging\`, or as each other: \`${REGISTRY}/ci/debian:latest\`.`,
      ],
    ]);
  });

  it("tells three branches that start to push one tag as one introduced hazard naming all three", () => {
    const stable72 = context("staging-7.2", { origin: stable.origin });
    const all = [staging, stable72, stable];
    const base = revision("base", all.map((c) => [c, pipeline(c, [container(c.name)])] as [BranchContext, ReturnType<typeof pipeline>]));
    const head = revision("head", all.map((c) => [c, pipeline(c, [container("latest")])] as [BranchContext, ReturnType<typeof pipeline>]));
    const found = hazards(base, head);
    expect(found.map((h) => [h.status, h.contexts])).toEqual([["introduced", ["staging", "staging-7.2", "staging-8.0"]]]);
    expect(found[0].message).toContain("`staging`, `staging-7.2` and `staging-8.0` push the same image reference");
    expect(found[0].message).toContain("When two of these pipelines run at once");
  });

  it.each<[string, BranchContext, BranchContext]>([
    ["an MR pipeline and the push of its own source branch (same commit)", context("feature"), context("MR feature → main", { mr: { source: "feature", target: "main" } })],
  ])("does not flag %s", (_what, a, b) => {
    const head = revision("head", [
      [a, pipeline(a, [container("latest")])],
      [b, pipeline(b, [container("latest")])],
    ]);
    expect(hazards(revision("base", []), head)).toEqual([]);
  });

  const mayRun = (j: AnalysedJob): AnalysedJob => ({ ...j, certainty: "uncertain" });
  const mayBuild = (j: AnalysedJob): AnalysedJob => ({ ...j, builds: j.builds.map((b) => ({ ...b, certainty: "uncertain" as const })) });
  const unknownTag = () => job("debian-container", { builds: [`push:${REGISTRY}/ci/debian:«$TAG»`] });

  it.each<[string, AnalysedJob, AnalysedJob, Array<{ severity: string; possible?: true }>]>([
    ["both push a tag with the same unknown part: possible, a notice", unknownTag(), unknownTag(), [{ severity: "notice", possible: true }]],
    ["an unknown tag that could equal :latest: possible", unknownTag(), container("latest"), [{ severity: "notice", possible: true }]],
    ["the same known tag, but one push job only may run: possible", container("latest"), mayRun(container("latest")), [{ severity: "notice", possible: true }]],
    ["the same known tag, but one build is uncertain: possible", mayBuild(container("latest")), container("latest"), [{ severity: "notice", possible: true }]],
    ["the same known tag, both surely pushed: a definite error", container("latest"), container("latest"), [{ severity: "error" }]],
    ["different known tags: nothing", container("latest"), container("staging-8-0"), []],
    [
      "both tag with their own commit ($CI_COMMIT_SHA): equal only when they build the same commit, so nothing",
      job("debian-container", { builds: [`push:${REGISTRY}/ci/debian:«$CI_COMMIT_SHA»`] }),
      job("debian-container", { builds: [`push:${REGISTRY}/ci/debian:«$CI_COMMIT_SHA»`] }),
      [],
    ],
    [
      "a known tag against the other's commit SHA: nothing, a SHA is 40 hex digits",
      container("opensbi-cross-build"),
      job("debian-container", { builds: [`push:${REGISTRY}/ci/debian:«$CI_COMMIT_SHA»`] }),
      [],
    ],
    [
      "a commit tag against a tag from another unknown: still possible",
      job("debian-container", { builds: [`push:${REGISTRY}/ci/debian:«$CI_COMMIT_SHA»`] }),
      unknownTag(),
      [{ severity: "notice", possible: true }],
    ],
  ])("%s", (_what, a, b, expected) => {
    const head = revision("head", [
      [staging, pipeline(staging, [a])],
      [stable, pipeline(stable, [b])],
    ]);
    const found = hazards(revision("base", []), head).filter((h) => h.kind === "image-tag-collision");
    expect(found.map((h) => ({ severity: h.severity, ...(h.possible ? { possible: h.possible } : {}) }))).toEqual(expected);
  });

  it("flags an MR pipeline that pushes the tag the default branch pushes", () => {
    const head = revision("head", [
      [main, pipeline(main, [container("latest")])],
      [mr, pipeline(mr, [container("latest")])],
    ]);
    expect(hazards(revision("base", []), head).map(brief)).toEqual([
      { kind: "image-tag-collision", status: "introduced", severity: "error", contexts: ["main", "MR feature → main"] },
    ]);
  });
});

describe("contexts that share job results", () => {
  it("get the image hazards a run without shared results gets, with or without the analysis' parses", () => {
    const stable72 = context("staging-7.2", { origin: stable.origin });
    // `main`, `staging` and `staging-7.2` run the very same jobs (as the simulation shares them); `staging-8.0` its own.
    const shared = [container("latest"), build("latest"), job("other", { image: `${REGISTRY}/ci/fedora:latest` })];
    const own = [container("latest"), job("maybe", { builds: [`push:${REGISTRY}/ci/debian:«$TAG»`] }), build("staging-8-0")];
    const runs = (copy: (jobs: AnalysedJob[]) => AnalysedJob[]): Array<[BranchContext, ReturnType<typeof pipeline>]> => [
      [main, pipeline(main, copy(shared))],
      [staging, pipeline(staging, copy(shared))],
      [stable, pipeline(stable, copy(own))],
      [stable72, pipeline(stable72, copy(shared))],
    ];
    const sharing = hazards(revision("base", []), revision("head", runs((jobs) => jobs)));
    const apart = hazards(revision("base", []), revision("head", runs((jobs) => structuredClone(jobs))));
    const parsed = hazards(revision("base", []), revision("head", runs((jobs) => jobs), { imageRefs: new ImageRefs() }));
    expect(sharing.map((h) => h.kind)).toEqual(["image-tag-collision", "image-not-built", "image-not-built", "image-not-built", "image-tag-collision"]);
    expect(sharing).toEqual(apart);
    expect(parsed).toEqual(apart);
  });
});

describe("image-not-built", () => {
  it("warns when a branch runs jobs in a project image that no job of its pipeline builds", () => {
    const head = revision("head", [[stable, pipeline(stable, [container("latest"), build("staging-8-0")])]]);
    const [h] = hazards(revision("base", [[stable, pipeline(stable, [container("latest"), build("latest")])]]), head);
    expect(brief(h)).toEqual({ kind: "image-not-built", status: "introduced", severity: "warning", contexts: ["staging-8.0"] });
    expect(h.images).toEqual([`${REGISTRY}/ci/debian:staging-8-0`]);
    expect(h.jobs).toEqual(["build-debian"]);
  });

  it.each<[string, AnalysedJob[], Array<{ severity: string; possible?: true }>]>([
    ["a build with an unknown tag might be the image: nothing claimed", [job("b", { builds: [`push:${REGISTRY}/ci/debian:«$TAG»`] }), build("latest")], []],
    ["a build of another image does not hide it", [job("b", { builds: [`push:${REGISTRY}/ci/fedora:«$TAG»`] }), build("latest")], [{ severity: "warning" }]],
    ["the job that uses it only may run: possible, a notice", [{ ...build("latest"), certainty: "uncertain" }], [{ severity: "notice", possible: true }]],
  ])("%s", (_what, jobs, expected) => {
    const head = revision("head", [[main, pipeline(main, jobs)]]);
    const found = hazards(revision("base", []), head).filter((h) => h.kind === "image-not-built");
    expect(found.map((h) => ({ severity: h.severity, ...(h.possible ? { possible: h.possible } : {}) }))).toEqual(expected);
  });

  it("names a job once whatever missing images it runs in, and decides an image shared by contexts per pipeline", () => {
    const user = build("latest");
    const fedora = `${REGISTRY}/ci/fedora:latest`;
    const service = { ref: text(fedora), raw: fedora, pos: { file: ".gitlab-ci.yml", line: 6 } };
    const withService: AnalysedJob = { ...user, services: [service] };
    // The same job objects in both contexts; only `staging` builds debian:latest.
    const head = revision("head", [
      [main, pipeline(main, [withService, { ...withService }])],
      [staging, pipeline(staging, [container("latest"), withService])],
    ]);
    const found = hazards(revision("base", []), head).filter((h) => h.kind === "image-not-built");
    expect(found.map((h) => [h.contexts, h.images, h.jobs, h.publishedBy])).toEqual([
      [["main"], [`${REGISTRY}/ci/debian:latest`, `${REGISTRY}/ci/fedora:latest`], ["build-debian"], ["staging"]],
      [["staging"], [`${REGISTRY}/ci/fedora:latest`], ["build-debian"], undefined],
    ]);
  });

  it("ignores images from other registries", () => {
    const head = revision("head", [[main, pipeline(main, [job("lint", { image: "alpine:3.20" })])]]);
    expect(hazards(revision("base", []), head)).toEqual([]);
  });
});

describe("dockerfile-not-rebuilt", () => {
  it("names the contexts that run jobs but do not rebuild a changed recipe", () => {
    const runs: Array<[BranchContext, ReturnType<typeof pipeline>]> = [
      [staging, pipeline(staging, [container("latest"), build("latest")])],
      [main, pipeline(main, [job("docs", { image: "alpine:3.20" })])],
      [fork, pipeline(fork, "not-created")],
    ];
    const found = hazards(revision("base", runs), revision("head", runs), ["ci/debian.docker"]);
    expect(found.map(brief)).toEqual([
      { kind: "dockerfile-not-rebuilt", status: "introduced", severity: "warning", contexts: ["main"] },
    ]);
  });
});

describe("changes on watched branches", () => {
  const before = revision("base", [
    [main, pipeline(main, [job("unit"), job("lint"), job("deploy")])],
    [fork, pipeline(fork, [job("unit")])],
  ]);

  it.each([
    ["the default branch loses its pipeline", [pipeline(main, "not-created")], "pipeline-lost", "error"],
    ["the default branch loses a job", [pipeline(main, [job("unit"), job("lint")])], "jobs-lost", "warning"],
    ["a job turns manual", [pipeline(main, [job("unit"), job("lint"), job("deploy", { when: "manual" })])], "jobs-manual", "notice"],
    ["a job starts allowing failure", [pipeline(main, [job("unit"), job("lint", { allowFailure: true }), job("deploy")])], "allow-failure", "warning"],
  ])("%s", (_what, [after], kind, severity) => {
    const head = revision("head", [
      [main, after],
      [fork, pipeline(fork, "not-created")],
    ]);
    // The fork losing its pipeline is not reported: forks are not watched branches.
    expect(hazards(before, head).map(brief)).toEqual([{ kind, status: "introduced", severity, contexts: ["main"] }]);
  });

  it("answers as a cold run when asked again and when both sides share job results", () => {
    const unit = job("unit");
    const lint = job("lint", { allowFailure: true });
    const base = revision("base", [[main, pipeline(main, [unit, lint, job("deploy"), job("docs")])]]);
    const head = revision("head", [[main, pipeline(main, [unit, lint, job("deploy", { when: "manual" }), job("pages", { allowFailure: true })])]]);
    const cold = hazards(structuredClone(base), structuredClone(head));
    expect(cold.map((h) => [h.kind, h.jobs])).toEqual([
      ["jobs-lost", ["docs"]],
      ["jobs-manual", ["deploy"]],
    ]);
    expect(hazards(base, head)).toEqual(cold);
    expect(hazards(base, head)).toEqual(cold);
  });

  it("matches a name twice in one pipeline with the last job of that name, and loses it only when no job keeps the name", () => {
    const base = revision("base", [[main, pipeline(main, [job("unit", { when: "manual" }), job("unit"), job("lint"), job("lint"), job("docs")])]]);
    const head = revision("head", [[main, pipeline(main, [job("unit", { when: "manual" }), job("docs")])]]);
    const found = hazards(base, head);
    expect(found.map((h) => [h.kind, h.jobs])).toEqual([
      ["jobs-lost", ["lint", "lint"]],
      ["jobs-manual", ["unit"]],
    ]);
    // Another head for the same base: matched afresh.
    const other = revision("head", [[main, pipeline(main, [job("lint"), job("unit"), job("docs")])]]);
    expect(hazards(base, other)).toEqual([]);
    expect(hazards(base, head)).toEqual(found);
  });
});

describe("duplicate-pipelines", () => {
  const probe = (branchCreated: boolean) => ({
    branch: "feature",
    branchPush: pipeline(context("feature"), branchCreated ? [job("unit")] : "not-created"),
    mrPipeline: pipeline(mr, [job("unit")]),
  });
  it("is fixed when the branch push with an open MR no longer creates a pipeline", () => {
    const found = hazards(revision("base", [], { openMrProbe: probe(true) }), revision("head", [], { openMrProbe: probe(false) }));
    expect(found.map(brief)).toEqual([{ kind: "duplicate-pipelines", status: "fixed", severity: "warning", contexts: ["feature"] }]);
  });

  it("counts each pipeline's jobs in words: 1 job, 2 jobs", () => {
    const both = { branch: "feature", branchPush: pipeline(context("feature"), [job("unit")]), mrPipeline: pipeline(mr, [job("unit"), job("lint")]) };
    const found = hazards(revision("base", []), revision("head", [], { openMrProbe: both }));
    expect(found[0].message).toContain("a branch pipeline (1 job) and an MR pipeline (2 jobs)");
  });
});

describe("needs-missing", () => {
  it("reports a need the simulation found missing, once for all contexts it fails", () => {
    const failing = (c: BranchContext) => ({
      ...pipeline(c, "not-created"),
      notCreated: { reason: "needs-error" as const, message: "'test' job needs 'build' job" },
      errors: [{ code: "needs-missing" as const, severity: "error" as const, message: "'test' job needs 'build' job", pos: { file: ".gitlab-ci.yml", line: 7 } }],
    });
    const base = revision("base", [[main, pipeline(main, [job("build"), job("test")])], [staging, pipeline(staging, [job("build"), job("test")])]]);
    const head = revision("head", [[main, failing(main)], [staging, failing(staging)]]);
    // The lost pipelines are not reported a second time as pipeline-lost.
    expect(hazards(base, head).map(brief)).toEqual([
      { kind: "needs-missing", status: "introduced", severity: "error", contexts: ["main", "staging"] },
    ]);
  });
});

describe("config-error and not-analysed", () => {
  it("reports only the load error when head does not load", () => {
    const base = revision("base", [[main, pipeline(main, [job("unit")])]]);
    const head = revision("head", [[main, pipeline(main, "not-created")]], {
      loads: false,
      diagnostics: [{ code: "include-missing", severity: "error", message: "ci/missing.yml not found", pos: { file: ".gitlab-ci.yml", line: 3 } }],
    });
    const found = hazards(base, head);
    expect(found.map((h) => [h.kind, h.status, h.source])).toEqual([
      ["config-error", "introduced", { file: ".gitlab-ci.yml", line: 3 }],
    ]);
  });

  it("notes a remote include as not analysed, in both revisions", () => {
    const includes = [
      { kind: "remote" as const, location: "https://example.com/ci.yml", pos: { file: ".gitlab-ci.yml", line: 2 }, status: "not-analysed" as const, files: [] },
    ];
    const found = hazards(revision("base", [], { includes }), revision("head", [], { includes }));
    expect(found.map(brief)).toEqual([{ kind: "not-analysed", status: "unchanged", severity: "notice", contexts: [] }]);
  });

  it("lets settings turn a kind off or change its severity", () => {
    const includes = [
      { kind: "remote" as const, location: "https://example.com/ci.yml", pos: { file: ".gitlab-ci.yml", line: 2 }, status: "not-analysed" as const, files: [] },
    ];
    const base = revision("base", []);
    const head = revision("head", [], { includes });
    expect(findHazards(base, head, { changedRecipes: [] }, { "not-analysed": "off" })).toEqual([]);
    expect(findHazards(base, head, { changedRecipes: [] }, { "not-analysed": "warning" })[0].severity).toBe("warning");
  });
});

describe("sortedNames", () => {
  const names = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `job-${(i * 7919) % n}-${tag}`);
  it("answers as a cold sort for lists asked again, for other lists, and for lists that join alike", () => {
    const lists = [names(100, "a"), names(100, "b"), names(100, "a"), [...names(99, "a"), "x\0y"], [...names(99, "a"), "x", "y"], names(100, "a")];
    for (const list of lists) {
      const sorted = sortedNames(list);
      expect(sorted).toEqual([...list].sort());
      sorted.reverse(); // a caller may change its copy
    }
    expect(sortedNames(lists[0])).toEqual([...lists[0]].sort());
  });
});
