import { describe, expect, it } from "vitest";
import { withDefaultTag } from "../../../src/gitlab-ci/simulate/index.js";
import { branch, context, job, mr, names, simulateYaml, tag } from "./build.js";

describe("parallel", () => {
  it("parallel: N names jobs `job i/N` with CI_NODE_INDEX/CI_NODE_TOTAL", async () => {
    const p = await simulateYaml("test:\n  script: x\n  parallel: 3\n");
    expect(names(p)).toEqual(["test 1/3", "test 2/3", "test 3/3"]);
    expect(job(p, "test 2/3").variables.CI_NODE_INDEX?.value.text).toBe("2");
    expect(job(p, "test 2/3").variables.CI_NODE_TOTAL?.value.text).toBe("3");
  });

  it("parallel:matrix names jobs `job: [v1, v2]` and sets each permutation's variables", async () => {
    const yaml = `
build:
  script: x
  image: $DISTRO:$VERSION
  variables:
    DISTRO: default
  parallel:
    matrix:
      - DISTRO: [debian, fedora]
        VERSION: ["11", "12"]
      - DISTRO: alpine
`;
    const p = await simulateYaml(yaml);
    expect(names(p)).toEqual(["build: [debian, 11]", "build: [debian, 12]", "build: [fedora, 11]", "build: [fedora, 12]", "build: [alpine]"]);
    expect(job(p, "build: [fedora, 12]").variables.DISTRO).toMatchObject({ origin: "matrix", value: { text: "fedora" } });
    expect(job(p, "build: [fedora, 12]").image?.ref.text).toBe("fedora:12");
    expect(job(p, "build: [alpine]").image?.ref.text).toBe("alpine:«$VERSION»");
  });

  it("more than 200 permutations is a configuration error", async () => {
    const values = Array.from({ length: 15 }, (_, i) => `v${i}`).join(", ");
    const p = await simulateYaml(`t:\n  script: x\n  parallel:\n    matrix:\n      - A: [${values}]\n        B: [${values}]\n`);
    expect(p.created).toBe(false);
    expect(p.errors.map((e) => e.code)).toContain("matrix-limit");
  });

  it("needs on a matrix job means every instance, or the chosen ones with needs:parallel:matrix", async () => {
    const yaml = `
stages: [build, test]
build:
  stage: build
  script: x
  parallel:
    matrix:
      - ARCH: [amd64, arm64]
all:
  stage: test
  script: x
  needs: [build]
one:
  stage: test
  script: x
  needs:
    - job: build
      parallel:
        matrix:
          - ARCH: arm64
`;
    const p = await simulateYaml(yaml);
    expect(job(p, "all").needs).toEqual(["build: [amd64]", "build: [arm64]"]);
    expect(job(p, "one").needs).toEqual(["build: [arm64]"]);
  });
});

describe("variables", () => {
  it.each([
    ["nested references are expanded", "A: $B-x\n  B: ${C}y\n  C: c", "A", "cy-x", true],
    ["$$ is a literal dollar", "A: cost $$5", "A", "cost $5", true],
    ["expand: false keeps the text", "A:\n    value: $C\n    expand: false\n  C: c", "A", "$C", true],
    ["a variable defined nowhere is visibly unknown", "A: x-$NOWHERE", "A", "x-«$NOWHERE»", false],
    ["an unknown predefined value stays unknown", "A: $CI_COMMIT_MESSAGE", "A", "«$CI_COMMIT_MESSAGE»", false],
    ["predefined values expand", "A: $CI_COMMIT_REF_SLUG", "A", "staging-8-0", true],
    // A cycle of two or more fails the pipeline (variable-cycle.test.ts); a self-reference does not.
    ["a self-reference is cut, not followed", "A: a-$A", "A", "a-«$A»", false],
  ])("%s", async (_what, vars, name, text, known) => {
    const p = await simulateYaml(`variables:\n  ${vars}\njob:\n  script: x\n`, context({ ref: branch("staging-8.0") }));
    expect(job(p, "job").variables[name]?.value).toMatchObject({ text, known });
  });

  it("rules:if sees raw values, not expanded ones", async () => {
    const yaml = `variables:\n  A: $B\n  B: yes\njob:\n  script: x\n  rules:\n    - if: $A == "yes"\n    - if: $A == "$B"\n      when: manual\n`;
    const p = await simulateYaml(yaml);
    expect(job(p, "job").when).toBe("manual");
  });

  it("inherit:variables: false hides top-level variables", async () => {
    const p = await simulateYaml("variables:\n  TOP: t\njob:\n  script: x\n  inherit:\n    variables: false\n");
    expect(job(p, "job").variables.TOP).toBeUndefined();
  });

  it("CI_COMMIT_BRANCH is nil in MR and tag pipelines, so == comparisons are false there", async () => {
    const yaml = `job:\n  script: x\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n    - if: $CI_COMMIT_BRANCH == null\n      when: manual\n`;
    expect(job(await simulateYaml(yaml, context({ ref: branch("main") })), "job").when).toBe("on_success");
    expect(job(await simulateYaml(yaml, context({ ref: mr("main", "stable") })), "job").when).toBe("manual");
    expect(job(await simulateYaml(yaml, context({ ref: tag("v1") })), "job").when).toBe("manual");
  });
});

describe("images", () => {
  it.each([
    ["no tag means latest", "debian", "debian:latest"],
    ["a registry port is not a tag", "host:5000/img", "host:5000/img:latest"],
    ["a tag is kept", "host:5000/img:1.2", "host:5000/img:1.2"],
    ["a digest is kept", "img@sha256:abc", "img@sha256:abc"],
    ["an unknown last part may hold a tag", "reg/«$IMAGE»", "reg/«$IMAGE»"],
  ])("%s: %s → %s", (_what, name, ref) => {
    expect(withDefaultTag({ text: name, known: true, unknowns: [] }).text).toBe(ref);
  });

  it("expands image and services with the job's variables, as the runner does", async () => {
    const yaml = `variables:\n  REG: $CI_REGISTRY_IMAGE\njob:\n  script: x\n  image: \${REG}/ci/$NAME\n  services: [docker:dind, $REG/db]\n  variables:\n    NAME: builder\n`;
    const p = await simulateYaml(yaml);
    expect(job(p, "job").image?.ref.text).toBe("registry.gitlab.com/qemu-project/qemu/ci/builder:latest");
    expect(job(p, "job").services.map((s) => s.ref.text)).toEqual(["docker:dind", "registry.gitlab.com/qemu-project/qemu/db:latest"]);
  });
});

describe("rules:changes and rules:exists", () => {
  const yaml = `
job:
  script: x
  variables:
    DIR: docs
  rules:
    - changes: ['$DIR/**/*.rst']
    - exists: ['tests/docker/*.docker']
      when: manual
`;
  const files = { ".gitlab-ci.yml": yaml, "tests/docker/debian.docker": "FROM debian" };
  it.each([
    ["a push that changed a matching file", context({ ref: branch("main"), changedFiles: ["docs/a/b.rst"] }), "on_success", "certain"],
    ["a push that did not", context({ ref: branch("main"), changedFiles: ["src/x.c"] }), "manual", "certain"],
    ["a push with an unknown diff", context({ ref: branch("main") }), "manual", "uncertain"],
    ["a tag has no diff: changes holds", context({ ref: tag("v1") }), "on_success", "certain"],
    ["a schedule has no diff: changes holds", context({ ref: branch("main"), source: "schedule" }), "on_success", "certain"],
  ])("%s", async (_what, ctx, when, certainty) => {
    const p = await simulateYaml(files, ctx);
    expect(job(p, "job")).toMatchObject({ when, certainty });
  });

  it("exists looks at the revision's files", async () => {
    const p = await simulateYaml({ ".gitlab-ci.yml": yaml }, context({ ref: branch("main"), changedFiles: [] }));
    expect(p.excluded.map((e) => e.name)).toEqual(["job"]);
  });
});

describe("include:rules", () => {
  const files = {
    ".gitlab-ci.yml": `
variables:
  YAML_VAR: "yes"
include:
  - local: main-only.yml
    rules:
      - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  - local: yaml-var.yml
    rules:
      - if: $YAML_VAR == "yes"
base:
  script: x
`,
    "main-only.yml": "main-job:\n  script: x\n",
    "yaml-var.yml": "never-job:\n  script: x\n",
  };
  it.each([
    ["the default branch takes the include (included jobs come first)", branch("main"), ["main-job", "base"]],
    ["another branch does not", branch("dev"), ["base"]],
  ])("%s; YAML variables are not visible to include:rules", async (_what, ref, expected) => {
    const p = await simulateYaml(files, context({ ref }));
    expect(names(p)).toEqual(expected);
  });
});
