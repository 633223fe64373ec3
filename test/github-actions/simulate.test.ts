import { describe, expect, it } from "vitest";
import type { BranchContext } from "../../src/analysis/model.js";
import { MemorySource } from "../../src/core/memory-source.js";
import type { RefSpec } from "../../src/gitlab-ci/context.js";
import { loadWorkflows, simulateActions } from "../../src/github-actions/index.js";
import { actionsContext } from "./actions-context.js";

const ctx = (ref: RefSpec, event: string, changedFiles?: string[], variables: Record<string, string> = {}): BranchContext =>
  actionsContext(ref, event, { changedFiles, variables });

const main = ctx({ kind: "branch", name: "main" }, "push", ["src/a.ts"]);
const feature = ctx({ kind: "branch", name: "feature/x" }, "push", ["docs/readme.md"]);
const tag = ctx({ kind: "tag", name: "v1.2.3" }, "push", ["docs/readme.md"]);
const pr = ctx({ kind: "mr", source: "feature/x", target: "main", iid: 7 }, "pull_request", ["src/a.ts"]);
const prToRelease = ctx({ kind: "mr", source: "feature/x", target: "release/1", iid: 7 }, "pull_request", ["src/a.ts"]);
const unknownFiles = ctx({ kind: "branch", name: "main" }, "push", undefined);

async function run(workflow: string, context: BranchContext, extra: Record<string, string> = {}) {
  const set = await loadWorkflows(new MemorySource({ ".github/workflows/ci.yml": `name: CI\n${workflow}`, ...extra }));
  expect(set.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return simulateActions(set, context);
}

const job = "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";

describe("which workflows a context triggers", () => {
  it.each<[string, string, BranchContext, boolean | "unknown"]>([
    ["on: push runs for a branch", "on: push\n", main, true],
    ["on: push runs for a tag", "on: push\n", tag, true],
    ["branches filter selects main", "on:\n  push:\n    branches: [main]\n", main, true],
    ["branches filter rejects feature/x", "on:\n  push:\n    branches: [main]\n", feature, false],
    ["branches filter alone does not run tag pushes", "on:\n  push:\n    branches: ['**']\n", tag, false],
    ["tags filter alone does not run branch pushes", "on:\n  push:\n    tags: ['v*']\n", main, false],
    ["tags filter selects v1.2.3", "on:\n  push:\n    tags: ['v*']\n", tag, true],
    ["branches-ignore", "on:\n  push:\n    branches-ignore: ['feature/**']\n", feature, false],
    ["a negation after an include", "on:\n  push:\n    branches: ['**', '!feature/**']\n", feature, false],
    ["paths selects a changed file", "on:\n  push:\n    paths: ['src/**']\n", main, true],
    ["paths selects no changed file", "on:\n  push:\n    paths: ['src/**']\n", feature, false],
    ["paths-ignore ignores every changed file", "on:\n  push:\n    paths-ignore: ['docs/**']\n", feature, false],
    ["path filters do not apply to tag pushes", "on:\n  push:\n    paths: ['src/**']\n", tag, true],
    ["paths with unknown changed files", "on:\n  push:\n    paths: ['src/**']\n", unknownFiles, "unknown"],
    ["pull_request branches test the target", "on:\n  pull_request:\n    branches: [main]\n", pr, true],
    ["pull_request to another target", "on:\n  pull_request:\n    branches: [main]\n", prToRelease, false],
    ["pull_request types without synchronize", "on:\n  pull_request:\n    types: [closed]\n", pr, false],
    ["a push workflow does not run for a PR", "on: push\n", pr, false],
    ["a list of events", "on: [push, pull_request]\n", pr, true],
  ])("%s", async (_name, on, context, expected) => {
    const r = await run(`${on}${job}`, context);
    expect(r.workflows[0].decision.triggered).toBe(expected);
    expect(r.pipeline.created).toBe(expected !== false);
    if (expected === "unknown") expect(r.pipeline.jobs[0].certainty).toBe("uncertain");
  });
});

describe("which jobs run", () => {
  const wf = `on: [push, pull_request]
jobs:
  lint:
    runs-on: ubuntu-latest
    steps: [{ run: make lint }]
  deploy:
    if: github.ref == 'refs/heads/main'
    needs: lint
    runs-on: ubuntu-latest
    steps: [{ run: make deploy }]
  notify:
    needs: deploy
    runs-on: ubuntu-latest
    steps: [{ run: echo }]
  report:
    needs: deploy
    if: \${{ always() }}
    runs-on: ubuntu-latest
    steps: [{ run: echo }]
  by-actor:
    if: github.actor == 'octocat'
    runs-on: ubuntu-latest
    steps: [{ run: echo }]
  by-var:
    if: vars.DEPLOY == 'yes'
    runs-on: ubuntu-latest
    steps: [{ run: echo }]
`;
  it.each<[string, BranchContext, string[], string[], string[]]>([
    ["main push", main, ["CI / lint", "CI / deploy", "CI / notify", "CI / report", "CI / by-actor"], ["CI / by-actor"], ["CI / by-var"]],
    // deploy's if is false, so notify (a plain need) is skipped, but report (always()) runs.
    ["pull request", pr, ["CI / lint", "CI / report", "CI / by-actor"], ["CI / by-actor"], ["CI / deploy", "CI / notify", "CI / by-var"]],
    ["main push with vars.DEPLOY", { ...main, variables: { DEPLOY: "yes" } }, ["CI / lint", "CI / deploy", "CI / notify", "CI / report", "CI / by-actor", "CI / by-var"], ["CI / by-actor"], []],
  ])("%s", async (_name, context, runs, uncertain, skipped) => {
    const r = await run(wf, context);
    expect(r.pipeline.jobs.map((j) => j.name)).toEqual(runs);
    expect(r.pipeline.jobs.filter((j) => j.certainty === "uncertain").map((j) => j.name)).toEqual(uncertain);
    expect(r.pipeline.excluded.map((j) => j.name)).toEqual(skipped);
  });

  it("the deciding if: and what it read are kept", async () => {
    const r = await run(wf, pr);
    const deploy = r.pipeline.excluded.find((j) => j.name === "CI / deploy")!;
    expect(deploy.decidedBy.rule).toMatchObject({ if: "github.ref == 'refs/heads/main'", when: "never", pos: { file: ".github/workflows/ci.yml", line: 8 } });
    expect(deploy.decidedBy.trace[0].reads["github.ref"]).toBe("refs/pull/7/merge");
  });
});

describe("matrix, containers and reusable workflows", () => {
  it("expands a matrix into named jobs with per-combination container images", async () => {
    const r = await run(
      `on: push
jobs:
  test:
    strategy:
      matrix:
        distro: [debian, alpine]
        include:
          - distro: alpine
            tag: '3.20'
    runs-on: ubuntu-latest
    container: ghcr.io/acme/\${{ matrix.distro }}:\${{ matrix.tag || 'latest' }}
    steps: [{ run: make }]
`,
      main,
    );
    expect(r.pipeline.jobs.map((j) => [j.name, j.image?.ref.text])).toEqual([
      ["CI / test (debian)", "ghcr.io/acme/debian:latest"],
      ["CI / test (alpine, 3.20)", "ghcr.io/acme/alpine:3.20"],
    ]);
  });

  it("runs a local reusable workflow's jobs under the caller's name, with its inputs", async () => {
    const r = await run(
      `on: push
jobs:
  images:
    uses: ./.github/workflows/build.yml
    with:
      flavour: \${{ github.ref_name }}-slim
`,
      main,
      {
        ".github/workflows/build.yml": `on:
  workflow_call:
    inputs:
      flavour: { type: string, default: plain }
jobs:
  build:
    runs-on: ubuntu-latest
    container: ghcr.io/acme/builder:\${{ inputs.flavour }}
    steps: [{ run: make }]
`,
      },
    );
    expect(r.pipeline.jobs.map((j) => [j.name, j.image?.ref.text])).toEqual([["CI / images / build", "ghcr.io/acme/builder:main-slim"]]);
  });

  it("finds docker build/push in run: steps, with ${{ }} substituted first", async () => {
    const r = await run(
      `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    env:
      IMAGE: ghcr.io/acme/tool
    steps:
      - run: |
          docker build -t "$IMAGE:\${{ github.ref_name }}" -f tools/Dockerfile tools
          docker push "$IMAGE:\${{ github.ref_name }}"
          docker build -t "$IMAGE:\${{ github.sha }}" tools
`,
      main,
    );
    const builds = r.pipeline.jobs[0].builds.map((b) => [b.image.text, b.image.known, b.push, b.pos.line]);
    expect(builds[0]).toEqual(["ghcr.io/acme/tool:main", true, true, 10]);
    expect(builds.some((b) => b[1] === false && String(b[0]).includes("github.sha"))).toBe(true);
  });

  it("records concurrency groups with ${{ }} evaluated", async () => {
    const r = await run(
      `on: push
concurrency:
  group: deploy-\${{ github.ref_name }}
  cancel-in-progress: true
${job}`,
      feature,
    );
    expect(r.concurrency).toEqual([expect.objectContaining({ workflow: "CI", cancelInProgress: true, group: expect.objectContaining({ text: "deploy-feature/x", known: true }) })]);
  });
});

describe("workflow files", () => {
  it.each<[string, string, string]>([
    ["missing on:", "jobs: {}\n", "missing `on:`"],
    ["both branches and branches-ignore", "on:\n  push:\n    branches: [a]\n    branches-ignore: [b]\njobs: {}\n", "cannot both be used"],
    ["a step with uses and run", "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: a/b@v1\n        run: echo\n", "either `uses:` or `run:`"],
  ])("%s is an error with a position", async (_name, text, message) => {
    const set = await loadWorkflows(new MemorySource({ ".github/workflows/ci.yml": text }));
    const d = set.diagnostics.find((x) => x.message.includes(message));
    expect(d?.pos?.file).toBe(".github/workflows/ci.yml");
  });

  it("reads only .yml/.yaml files directly in .github/workflows", async () => {
    const set = await loadWorkflows(new MemorySource({ ".github/workflows/a.yaml": `on: push\n${job}`, ".github/workflows/sub/b.yml": `on: push\n${job}`, ".github/workflows/c.txt": "x" }));
    expect(set.files).toEqual([".github/workflows/a.yaml"]);
  });
});
