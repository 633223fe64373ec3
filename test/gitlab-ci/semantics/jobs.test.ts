import { describe, it } from "vitest";
import { checkCase, type SemanticsCase } from "./harness.js";

describe("ci/yaml#needs", () => {
  it.each<SemanticsCase>([
    { name: "Y#needs: needs: [] starts at once, even in a later stage", files: "a:\n  stage: build\n  script: x\nb:\n  stage: deploy\n  needs: []\n  script: x\n", job: { b: { needs: [] }, a: { needs: null } } },
    { name: "Y#needsoptional: an optional need that is absent is dropped", files: "a:\n  stage: build\n  script: x\n  rules:\n    - if: $NOPE\nb:\n  needs:\n    - job: a\n      optional: true\n  script: x\n", jobs: ["b"], job: { b: { needs: [] } } },
    { name: "Y#needsoptional: an optional need on an undefined job is fine", files: "b:\n  needs:\n    - job: nowhere\n      optional: true\n  script: x\n", jobs: ["b"] },
    { name: "Y#needs: a needed job excluded by rules fails the pipeline", files: "a:\n  stage: build\n  script: x\n  rules:\n    - if: $NOPE\nb:\n  needs: [a]\n  script: x\n", error: "'b' job needs 'a' job, but 'a' does not exist in the pipeline" },
    { name: "Y#needs: a need on an undefined job is a config error", files: "b:\n  needs: [zzz]\n  script: x\n", error: "undefined need: zzz" },
    { name: "Y#needs: a need in a later stage is an error", files: "a:\n  stage: deploy\n  script: x\nb:\n  stage: build\n  needs: [a]\n  script: x\n", error: "need a is not defined in current or prior stages" },
    { name: "Y#extends: a hidden job's needs are not checked", files: ".tpl:\n  needs: [zzz]\n  script: x\nb:\n  script: x\n", jobs: ["b"] },
    { name: "Y#needs: a need on a parallel job means every instance", files: "a:\n  stage: build\n  parallel: 2\n  script: x\nb:\n  needs: [a]\n  script: x\n", job: { b: { needs: ["a 1/2", "a 2/2"] } } },
    { name: "Y#needsparallelmatrix: one permutation", files: "a:\n  stage: build\n  parallel:\n    matrix:\n      - OS: [x, y]\n  script: x\nb:\n  needs:\n    - job: a\n      parallel:\n        matrix:\n          - OS: y\n  script: x\n", job: { b: { needs: ["a: [y]"] } } },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml#parallel", () => {
  it.each<SemanticsCase>([
    { name: "Y#parallel: parallel: 1 gives one job named `j 1/1`", files: "j:\n  parallel: 1\n  script: x\n", jobs: ["j 1/1"] },
    { name: "Y#parallel: parallel: 3", files: "j:\n  parallel: 3\n  script: x\n", jobs: ["j 1/3", "j 2/3", "j 3/3"] },
    { name: "Y#parallelmatrix: a scalar value is a one-value list", files: "j:\n  parallel:\n    matrix:\n      - OS: linux\n  script: x\n", jobs: ["j: [linux]"] },
    { name: "Y#parallelmatrix: names join values with a comma and a space", files: "j:\n  parallel:\n    matrix:\n      - OS: [linux, bsd]\n        ARCH: amd64\n  script: x\n", jobs: ["j: [linux, amd64]", "j: [bsd, amd64]"] },
    { name: "Y#parallelmatrix: an integer value", files: "j:\n  parallel:\n    matrix:\n      - PY: [3, 4]\n  script: x\n", jobs: ["j: [3]", "j: [4]"] },
    { name: "Y#parallelmatrix: a float value is rejected (only strings and integers)", files: "j:\n  parallel:\n    matrix:\n      - PY: [3.10, \"3.9\"]\n  script: x\n", error: "matrix" },
    { name: "Y#parallelmatrix: a quoted version is kept as written", files: "j:\n  parallel:\n    matrix:\n      - PY: [\"3.10\"]\n  script: x\n", jobs: ["j: [3.10]"], job: { "j: [3.10]": { vars: { PY: "3.10" } } } },
    { name: "Y#parallel: more than 200 is an error", files: "j:\n  parallel: 201\n  script: x\n", error: "200" },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml#stages", () => {
  it.each<SemanticsCase>([
    { name: "Y#stages: a job without stage is in test", files: "j:\n  script: x\n", job: { j: { stage: "test" } } },
    { name: "Y#stages: jobs are ordered by stage", files: "d:\n  stage: deploy\n  script: x\nb:\n  stage: build\n  script: x\n", jobs: ["b", "d"] },
    { name: "Y#stages: a stage that is not declared is an error", files: "stages: [build]\nj:\n  stage: test\n  script: x\n", error: "chosen stage test does not exist" },
    { name: "Y#stages: a pipeline with only .pre jobs is not created", files: "p:\n  stage: .pre\n  script: x\nj:\n  script: x\n  rules:\n    - if: $NOPE\n", created: false },
    { name: "Y#stages: .pre runs first even if not declared", files: "stages: [build]\nb:\n  stage: build\n  script: x\np:\n  stage: .pre\n  script: x\n", jobs: ["p", "b"] },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml#trigger", () => {
  it.each<SemanticsCase>([
    { name: "Y#trigger: a manual trigger job is optional (allow_failure true)", files: "t:\n  trigger: group/other\n  when: manual\n", job: { t: { when: "manual", allowFailure: true } } },
    { name: "Y#trigger: a trigger job takes no default image", files: "default:\n  image: alpine:3\nt:\n  trigger:\n    include: child.yml\n", job: { t: { image: undefined as unknown as string } } },
    { name: "Y#trigger: rules manual on a trigger is blocking", files: "t:\n  trigger: group/other\n  rules:\n    - when: manual\n", job: { t: { when: "manual", allowFailure: false } } },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});
