import { describe, expect, it } from "vitest";
import { MemorySource } from "../../src/core/memory-source.js";
import { loadWorkflows, simulateActions } from "../../src/github-actions/index.js";
import { actionsContext } from "./actions-context.js";

const main = actionsContext({ kind: "branch", name: "main" }, "push");

async function jobsOn(files: Record<string, string>) {
  const set = await loadWorkflows(new MemorySource(files));
  expect(set.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return simulateActions(set, main).pipeline.jobs;
}

const matrixCi = `name: CI
on: push
jobs:
  test:
    name: test (\${{ matrix.os }}, node \${{ matrix.node }})
    runs-on: \${{ matrix.os }}
    continue-on-error: \${{ matrix.experimental == true }}
    strategy:
      matrix:
        os: [ubuntu-latest]
        node: [20]
        include:
          - os: ubuntu-latest
            node: 23
            experimental: true
    steps:
      - run: npm test
  lint:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: npm run lint
  build:
    runs-on: ubuntu-latest
    continue-on-error: false
    steps:
      - run: make
`;

describe("continue-on-error is the job's allow_failure (its failure does not fail the run)", () => {
  it.each<[string, boolean]>([
    ["CI / test (ubuntu-latest, node 23)", true],
    ["CI / test (ubuntu-latest, node 20)", false],
    ["CI / lint", true],
    ["CI / build", false],
  ])("%s → allow_failure %s", async (name, expected) => {
    const jobs = await jobsOn({ ".github/workflows/ci.yml": matrixCi });
    expect(jobs.find((j) => j.name === name)?.allowFailure).toBe(expected);
  });
});

const reusable = `name: Build
on:
  workflow_call:
    inputs:
      environment: { type: string, required: true }
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - run: make
`;
const release = `name: Release
on: push
jobs:
  build:
    uses: ./.github/workflows/build.yml
    with:
      environment: staging
  notify:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo done
`;

describe("a reusable workflow's jobs belong to the caller's run, not to a run of their own", () => {
  it.each<[string, string]>([
    ["Release / build / image", "Release"],
    ["Release / notify", "Release"],
  ])("%s is in the stage (workflow run) %s", async (name, stage) => {
    const jobs = await jobsOn({ ".github/workflows/build.yml": reusable, ".github/workflows/release.yml": release });
    expect(jobs.find((j) => j.name === name)?.stage).toBe(stage);
    expect(new Set(jobs.map((j) => j.stage))).toEqual(new Set(["Release"]));
  });
});
