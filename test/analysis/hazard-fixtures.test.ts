import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis/analyze.js";
import type { HazardKind } from "../../src/analysis/model.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";

/** Each hazard kind shown end to end: two revisions in memory, through the real engine. */

const CONTAINER = `
debian-container:
  stage: build
  image: docker:27
  script:
    - docker build -t "$CI_REGISTRY_IMAGE/ci/debian:latest" -f ci/debian.docker .
    - docker push "$CI_REGISTRY_IMAGE/ci/debian:latest"
`;
const TEST_IN_DEBIAN = (tag: string) => `
unit:
  stage: test
  image: $CI_REGISTRY_IMAGE/ci/debian:${tag}
  script: [make check]
`;
const SIMPLE = `
build:
  stage: build
  script: [make]
lint:
  stage: test
  script: [make lint]
deploy:
  stage: deploy
  script: [make deploy]
`;
const DOCKERFILES = { "ci/debian.docker": "FROM debian:12\n", "ci/alpine.docker": "FROM alpine:3.20\n" };

interface Case {
  base: Record<string, string>;
  head: Record<string, string>;
  kind: HazardKind;
  status: "introduced" | "fixed";
  contexts?: string[];
  conclusion: "success" | "neutral" | "failure";
}

const cases: Record<string, Case> = {
  "config-error: the head includes a file that does not exist": {
    base: { ".gitlab-ci.yml": SIMPLE },
    head: { ".gitlab-ci.yml": `include: ci/missing.yml\n${SIMPLE}` },
    kind: "config-error",
    status: "introduced",
    conclusion: "failure",
  },
  "image-not-built: tests move to a tag no job builds": {
    base: { ".gitlab-ci.yml": CONTAINER + TEST_IN_DEBIAN("latest"), ...DOCKERFILES },
    head: { ".gitlab-ci.yml": CONTAINER + TEST_IN_DEBIAN("v2"), ...DOCKERFILES },
    kind: "image-not-built",
    status: "introduced",
    contexts: ["main"],
    conclusion: "neutral",
  },
  "dockerfile-not-rebuilt: a recipe changes that no job builds": {
    base: { ".gitlab-ci.yml": CONTAINER + TEST_IN_DEBIAN("latest"), ...DOCKERFILES },
    head: { ".gitlab-ci.yml": CONTAINER + TEST_IN_DEBIAN("latest"), ...DOCKERFILES, "ci/alpine.docker": "FROM alpine:3.21\n" },
    kind: "dockerfile-not-rebuilt",
    status: "introduced",
    conclusion: "neutral",
  },
  "pipeline-lost: workflow rules stop pipelines on the default branch": {
    base: { ".gitlab-ci.yml": SIMPLE },
    head: { ".gitlab-ci.yml": `workflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n      when: never\n    - when: always\n${SIMPLE}` },
    kind: "pipeline-lost",
    status: "introduced",
    contexts: ["main"],
    conclusion: "failure",
  },
  "jobs-lost: a job stops running on the default branch": {
    base: { ".gitlab-ci.yml": SIMPLE },
    head: { ".gitlab-ci.yml": `${SIMPLE}  rules:\n    - if: $CI_COMMIT_TAG\n` },
    kind: "jobs-lost",
    status: "introduced",
    contexts: ["main"],
    conclusion: "neutral",
  },
  "jobs-manual: a job waits to be started by hand": {
    base: { ".gitlab-ci.yml": SIMPLE },
    head: { ".gitlab-ci.yml": `${SIMPLE}  when: manual\n` },
    kind: "jobs-manual",
    status: "introduced",
    contexts: ["main"],
    // A job-level `when: manual` also allows failure (GitLab's default), a warning of its own.
    conclusion: "neutral",
  },
  "allow-failure: a failing lint no longer fails the pipeline": {
    base: { ".gitlab-ci.yml": SIMPLE },
    head: { ".gitlab-ci.yml": SIMPLE.replace("script: [make lint]", "script: [make lint]\n  allow_failure: true") },
    kind: "allow-failure",
    status: "introduced",
    contexts: ["main"],
    conclusion: "neutral",
  },
  "duplicate-pipelines: the workflow rule that kept branch pipelines away from open MRs is removed": {
    base: {
      ".gitlab-ci.yml": `workflow:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n    - if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS\n      when: never\n    - if: $CI_COMMIT_BRANCH\n${SIMPLE}`.replace(/script: \[make\]/, "script: [make]\n  rules: [{ when: always }]"),
    },
    head: {
      ".gitlab-ci.yml": `workflow:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n    - if: $CI_COMMIT_BRANCH\n${SIMPLE}`.replace(/script: \[make\]/, "script: [make]\n  rules: [{ when: always }]"),
    },
    kind: "duplicate-pipelines",
    status: "introduced",
    conclusion: "neutral",
  },
  "needs-missing: a job needs one that only runs for tags": {
    base: { ".gitlab-ci.yml": SIMPLE },
    head: {
      ".gitlab-ci.yml": SIMPLE.replace("script: [make]", "script: [make]\n  rules: [{ if: $CI_COMMIT_TAG }]").replace(
        "script: [make deploy]",
        "script: [make deploy]\n  needs: [build]",
      ),
    },
    kind: "needs-missing",
    status: "introduced",
    conclusion: "failure",
  },
  "not-analysed: a remote include": {
    base: { ".gitlab-ci.yml": SIMPLE },
    head: { ".gitlab-ci.yml": `include:\n  - remote: https://example.com/ci/templates.yml\n${SIMPLE}` },
    kind: "not-analysed",
    status: "introduced",
    conclusion: "success",
  },
};

describe("hazards found end to end", () => {
  it.each(Object.entries(cases))("%s", async (_name, c) => {
    const settings = { ...defaultSettings(), project: "acme/widget", defaultBranch: "main" };
    const a = await analyze({ base: new MemorySource(c.base, "base"), head: new MemorySource(c.head, "head"), settings });
    const found = a.hazards.filter((h) => h.kind === c.kind);
    expect(found.map((h) => h.status)).toContain(c.status);
    if (c.contexts) expect(found.find((h) => h.status === c.status)?.contexts).toEqual(c.contexts);
    expect(a.verdict.conclusion).toBe(c.conclusion);
    expect(a.ciRelevant).toBe(true);
  });

  it("says there is no CI change when only other files change", async () => {
    const settings = { ...defaultSettings(), project: "acme/widget", defaultBranch: "main" };
    const a = await analyze({
      base: new MemorySource({ ".gitlab-ci.yml": SIMPLE, "README.md": "a" }),
      head: new MemorySource({ ".gitlab-ci.yml": SIMPLE, "README.md": "b" }),
      settings,
    });
    expect(a.changedFiles).toEqual(["README.md"]);
    expect(a.ciRelevant).toBe(false);
    expect(a.hazards).toEqual([]);
    expect(a.verdict).toMatchObject({ conclusion: "success", title: "no CI change" });
  });
});
