import { describe, expect, it } from "vitest";
import type { BranchContext } from "../../src/analysis/model.js";
import { MemorySource } from "../../src/core/memory-source.js";
import type { RefSpec } from "../../src/gitlab-ci/context.js";
import { loadWorkflows, simulateActions } from "../../src/github-actions/index.js";
import { actionsContext } from "./actions-context.js";
import { findConcurrencyClashes } from "../../src/github-actions/concurrency.js";

/**
 * Rows that pin one documented GitHub behaviour each; the name says which page says so.
 */
const SHA = "90dd6032fac8bda1b6c4436a2e65de27961ed071";

const ctx = (ref: RefSpec, event: string, changedFiles?: string[], commitSha?: string): BranchContext =>
  actionsContext(ref, event, { changedFiles, commitSha });

async function simulate(files: Record<string, string>, context: BranchContext) {
  const set = await loadWorkflows(new MemorySource(files));
  return { set, run: simulateActions(set, context) };
}

const job = "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";
const many = (n: number, dir: string) => Array.from({ length: n }, (_, i) => `${dir}/f${i}.txt`);

describe("path filters and GitHub's 300-file diff limit (Workflow syntax: git diff comparisons)", () => {
  const push = (files: string[]) => ctx({ kind: "branch", name: "main" }, "push", files);
  it.each<[string, string, string[], boolean | "unknown"]>([
    ["paths: more than 300 changed files, none selected: no run whatever the order", "paths: ['src/**']", many(400, "docs"), false],
    ["paths: more than 300 changed files, one selected: GitHub may not read it", "paths: ['src/**']", [...many(400, "docs"), "src/a.ts"], "unknown"],
    ["paths-ignore: more than 300 changed files, all ignored: no run whatever the order", "paths-ignore: ['docs/**']", many(400, "docs"), false],
    ["paths-ignore: more than 300 changed files, one not ignored: depends on the order", "paths-ignore: ['docs/**']", [...many(400, "docs"), "src/a.ts"], "unknown"],
    ["paths: exactly 300 changed files are all read", "paths: ['src/**']", [...many(299, "docs"), "src/a.ts"], true],
  ])("%s", async (_name, filter, files, expected) => {
    const { run } = await simulate({ ".github/workflows/ci.yml": `on:\n  push:\n    ${filter}\n${job}` }, push(files));
    expect(run.workflows[0].decision.triggered).toBe(expected);
  });
});

describe("github.sha per event (Events that trigger workflows: GITHUB_SHA)", () => {
  const shaJob = "jobs:\n  build:\n    runs-on: ubuntu-latest\n    container: ghcr.io/acme/app:${{ github.sha }}\n    steps:\n      - run: make\n";
  it.each<[string, BranchContext, string, boolean]>([
    ["push: the pushed commit", ctx({ kind: "branch", name: "main" }, "push", [], SHA), `ghcr.io/acme/app:${SHA}`, true],
    [
      "pull_request: the last merge commit of refs/pull/N/merge, not the head commit",
      ctx({ kind: "mr", source: "feature", target: "main", iid: 7 }, "pull_request", [], SHA),
      "ghcr.io/acme/app:«github.sha»",
      false,
    ],
    [
      "pull_request_target: the last commit of the base branch, not the head commit",
      ctx({ kind: "mr", source: "feature", target: "main", iid: 7 }, "pull_request_target", [], SHA),
      "ghcr.io/acme/app:«github.sha»",
      false,
    ],
  ])("%s", async (_name, context, image, known) => {
    const { run } = await simulate({ ".github/workflows/ci.yml": `on: [push, pull_request, pull_request_target]\n${shaJob}` }, context);
    expect(run.pipeline.jobs.map((j) => [j.image?.ref.text, j.image?.ref.known])).toEqual([[image, known]]);
  });

  it("pull_request: docker/metadata-action's type=sha uses the merge commit, so it is not known", async () => {
    const wf = `on: pull_request
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: ghcr.io/acme/app
          tags: type=sha
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: \${{ steps.meta.outputs.tags }}
`;
    const { run } = await simulate({ ".github/workflows/ci.yml": wf }, ctx({ kind: "mr", source: "feature", target: "main", iid: 7 }, "pull_request", [], SHA));
    const builds = run.pipeline.jobs[0].builds.map((b) => [b.image.text, b.image.known]);
    expect(builds).toHaveLength(1);
    expect(builds[0][1]).toBe(false);
    expect(String(builds[0][0])).not.toContain(SHA.slice(0, 7));
  });
});

describe("reusable workflows nest at most four levels (Reusing workflows: nesting reusable workflows)", () => {
  /** caller → w1 → w2 → ... → w<n>: `levels` workflows in all. */
  function chain(levels: number): Record<string, string> {
    const files: Record<string, string> = {};
    const call = (to: number) => `jobs:\n  next:\n    uses: ./.github/workflows/w${to}.yml\n`;
    files[".github/workflows/ci.yml"] = `name: CI\non: push\n${call(1)}`;
    for (let i = 1; i < levels; i++) {
      files[`.github/workflows/w${i}.yml`] = `on: workflow_call\n${i + 1 < levels ? call(i + 1) : job}`;
    }
    return files;
  }
  it.each<[string, number, boolean]>([
    ["the caller and three levels of reusable workflows are allowed", 4, true],
    ["a fourth level of reusable workflows (five in all) is an error", 5, false],
  ])("%s", async (_name, levels, ok) => {
    const { run } = await simulate(chain(levels), ctx({ kind: "branch", name: "main" }, "push", []));
    const nestErrors = run.pipeline.errors.filter((e) => e.message.includes("nest"));
    expect(nestErrors.length === 0).toBe(ok);
    expect(run.pipeline.jobs.some((j) => j.name.endsWith("/ build"))).toBe(ok);
  });
});

describe("negated branch patterns need a positive one (Workflow syntax: on.push.branches)", () => {
  it.each<[string, string, boolean]>([
    ["only `!` patterns: a warning that points to branches-ignore", "branches: ['!main']", true],
    ["a `!` pattern after a positive one is fine", "branches: ['**', '!main']", false],
    ["tags: only `!` patterns", "tags: ['!v1*']", true],
  ])("%s", async (_name, filter, warns) => {
    const set = await loadWorkflows(new MemorySource({ ".github/workflows/ci.yml": `on:\n  push:\n    ${filter}\n${job}` }));
    const d = set.diagnostics.filter((x) => x.message.includes("without the `!`"));
    expect(d.length > 0).toBe(warns);
    if (warns) expect(d[0].pos?.line).toBe(3);
  });
});

describe("concurrency group names are case insensitive (Control the concurrency of workflows and jobs)", () => {
  const use = (workflow: string, group: string) => ({ workflow, group: { text: group, known: true, unknowns: [] }, cancelInProgress: true as const, pos: { file: ".github/workflows/ci.yml", line: 3, col: 3 } });
  it.each<[string, string, string, number]>([
    ["`Deploy` and `deploy` are one group", "Deploy", "deploy", 1],
    ["`deploy-a` and `deploy-b` are two groups", "deploy-a", "deploy-b", 0],
  ])("%s", (_name, a, b, clashes) => {
    const runs = [
      { context: ctx({ kind: "branch", name: "main" }, "push"), uses: [use("A", a)] },
      { context: ctx({ kind: "branch", name: "release/1" }, "push"), uses: [use("B", b)] },
    ];
    expect(findConcurrencyClashes(runs)).toHaveLength(clashes);
  });
});
