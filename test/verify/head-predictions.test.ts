import { describe, expect, it } from "vitest";
import { analyzeRepository } from "../../src/analysis/analyze-repository.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";

/**
 * A review keeps what the head commit itself gets: the MR (PR) pipeline and the source branch's
 * push while the MR is open, so that the bot can compare them with what the platform runs.
 */

const CI = `workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS
      when: never
    - if: $CI_COMMIT_BRANCH
build:
  script: make
mr-only:
  script: make check
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
`;

const WORKFLOW = `name: CI
on:
  push:
  pull_request:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  pr-only:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - run: make check
`;

const settings = { ...defaultSettings(), project: "acme/demo", defaultBranch: "main" };
const files = { ".gitlab-ci.yml": CI, ".github/workflows/ci.yml": WORKFLOW, "README.md": "a" };
const head = { ...files, "README.md": "b", ".gitlab-ci.yml": `${CI}# changed\n`, ".github/workflows/ci.yml": `${WORKFLOW}# changed\n` };

describe("the predictions a review keeps for its head commit", () => {
  it("has the MR pipeline and the source branch push with its MR open (GitLab's duplicate-pipeline rule)", async () => {
    const [gitlab] = await analyzeRepository({
      base: new MemorySource(files),
      head: new MemorySource(head),
      headSha: "head1",
      settings,
      mr: { source: "feature", target: "main", sourceProject: "acme/demo", iid: 4 },
      dialect: "gitlab-ci",
    });
    const [mrRun, push] = gitlab.predictions ?? [];
    expect(mrRun).toMatchObject({ ref: { kind: "mr", source: "feature", target: "main", iid: 4 }, source: "merge_request_event", created: true });
    expect(mrRun.jobs.map((j) => j.name)).toEqual(["build", "mr-only"]);
    // With the MR open, the workflow's second rule (when: never) leaves the branch push out.
    expect(push).toMatchObject({ ref: { kind: "branch", name: "feature" }, source: "push", created: false, creation: "certain" });
  });

  it("keeps no push prediction for a fork's branch (its pushes run in the fork)", async () => {
    const [gitlab] = await analyzeRepository({
      base: new MemorySource(files),
      head: new MemorySource(head),
      headSha: "head1",
      settings,
      mr: { source: "feature", target: "main", sourceProject: "someone/demo", iid: 4 },
      dialect: "gitlab-ci",
    });
    expect(gitlab.predictions?.map((p) => p.source)).toEqual(["merge_request_event"]);
  });

  it("has the pull_request runs and the branch's push runs for GitHub Actions", async () => {
    const [actions] = await analyzeRepository({
      base: new MemorySource(files),
      head: new MemorySource(head),
      headSha: "head1",
      settings,
      mr: { source: "feature", target: "main", iid: 4 },
      dialect: "github-actions",
    });
    const [pull, push] = actions.predictions ?? [];
    expect(pull).toMatchObject({ event: "pull_request" });
    expect(pull.jobs.map((j) => j.name)).toEqual(["CI / build", "CI / pr-only"]);
    expect(push).toMatchObject({ event: "push", ref: { kind: "branch", name: "feature" } });
    expect(push.jobs.map((j) => j.name)).toEqual(["CI / build"]);
    expect(push.excluded.map((j) => j.name)).toEqual(["CI / pr-only"]);
  });

  it("keeps none without a head commit (a local diff)", async () => {
    const [gitlab] = await analyzeRepository({ base: new MemorySource(files), head: new MemorySource(head), settings, dialect: "gitlab-ci" });
    expect(gitlab.predictions).toBeUndefined();
  });
});
