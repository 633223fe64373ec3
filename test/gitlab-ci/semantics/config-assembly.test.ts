import { describe, it } from "vitest";
import { branch, mr, tag } from "../simulate/build.js";
import { checkCase, type SemanticsCase } from "./harness.js";

describe("ci/yaml#extends and yaml_optimization", () => {
  it.each<SemanticsCase>([
    {
      name: "OPT#merge-details: rules from two parents — arrays are replaced, the last parent wins",
      files: ".a:\n  rules:\n    - if: $A\n.b:\n  rules:\n    - when: manual\nj:\n  extends: [.a, .b]\n  script: x\n",
      job: { j: { when: "manual", allowFailure: false } },
    },
    {
      name: "OPT#merge-details: variables hashes are deep-merged, the job wins",
      files: ".a:\n  variables:\n    X: a\n    Y: a\nj:\n  extends: .a\n  variables:\n    Y: j\n  script: x\n",
      job: { j: { vars: { X: "a", Y: "j" } } },
    },
    {
      name: "OPT#exclude-a-key: `image: null` in the child removes the inherited image",
      files: ".a:\n  image: alpine:3\nj:\n  extends: .a\n  image: null\n  script: x\n",
      job: { j: { image: undefined as unknown as string } },
    },
    {
      name: "Y#extends: a normal job can be a parent",
      files: "base:\n  script: x\n  variables:\n    V: base\nj:\n  extends: base\n",
      jobs: ["base", "j"],
      job: { j: { vars: { V: "base" } } },
    },
    {
      name: "Y#extends: across an include",
      files: { ".gitlab-ci.yml": "include: t.yml\nj:\n  extends: .t\n", "t.yml": ".t:\n  script: x\n  image: debian:12\n" },
      job: { j: { image: "debian:12" } },
    },
    {
      name: "OPT#reference-tags: !reference in rules is flattened",
      files: ".r:\n  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\nj:\n  script: x\n  rules:\n    - !reference [.r, rules]\n    - when: manual\n",
      ctx: { ref: tag("v1") },
      jobs: [],
      created: false,
    },
    {
      name: "OPT#reference-tags: !reference in rules, later rule matches",
      files: ".r:\n  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\nj:\n  script: x\n  rules:\n    - !reference [.r, rules]\n    - when: manual\n",
      job: { j: { when: "manual" } },
    },
    {
      name: "OPT#reference-tags: !reference as a whole variables hash",
      files: ".v:\n  variables:\n    A: one\nj:\n  script: x\n  variables: !reference [.v, variables]\n",
      job: { j: { vars: { A: "one" } } },
    },
    {
      name: "OPT#reference-tags: !reference to a single variable",
      files: ".v:\n  variables:\n    A: one\nj:\n  script: x\n  variables:\n    B: !reference [.v, variables, A]\n",
      job: { j: { vars: { B: "one" } } },
    },
    {
      name: "OPT#anchors: << merge, local keys win",
      files: ".t: &t\n  image: a:1\n  script: x\nj:\n  <<: *t\n  image: b:2\n",
      job: { j: { image: "b:2" } },
    },
    {
      name: "Y#default: the job's `before_script` replaces the default (image still inherited)",
      files: "default:\n  image: a:1\n  before_script: [echo]\nj:\n  before_script: [other]\n  script: x\n",
      job: { j: { image: "a:1" } },
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml/includes", () => {
  it.each<SemanticsCase>([
    {
      name: "INC#include-local: the later include wins, the main file wins last",
      files: { ".gitlab-ci.yml": "include: [a.yml, b.yml]\nvariables:\n  M: main\n", "a.yml": "variables:\n  V: a\n  M: a\nj:\n  script: x\n", "b.yml": "variables:\n  V: b\n" },
      job: { j: { vars: { V: "b", M: "main" } } },
    },
    {
      name: "INC#include-local: a file not ending in .yml or .yaml is an error",
      files: { ".gitlab-ci.yml": "include: ci/jobs.txt\n", "ci/jobs.txt": "j:\n  script: x\n" },
      error: "jobs.txt",
    },
    {
      name: "INC#use-rules-with-include: rules:if on a pre-pipeline variable",
      files: { ".gitlab-ci.yml": "include:\n  - local: mr.yml\n    rules:\n      - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\nb:\n  script: x\n", "mr.yml": "m:\n  script: x\n  rules:\n    - when: always\n" },
      ctx: { ref: branch("main") },
      jobs: ["b"],
    },
    {
      name: "INC#use-rules-with-include: the include is taken in an MR pipeline",
      files: { ".gitlab-ci.yml": "workflow:\n  rules:\n    - when: always\ninclude:\n  - local: mr.yml\n    rules:\n      - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\nb:\n  script: x\n", "mr.yml": "m:\n  script: x\n" },
      ctx: { ref: mr("f", "main") },
      // Included files merge first, so their jobs come first within a stage.
      jobs: ["m", "b"],
    },
    {
      name: "INC#include-with-rulesexists: included when the file exists",
      files: { ".gitlab-ci.yml": "include:\n  - local: docker.yml\n    rules:\n      - exists: [Dockerfile]\nb:\n  script: x\n", "docker.yml": "d:\n  script: x\n", Dockerfile: "FROM x\n" },
      jobs: ["d", "b"],
    },
    {
      name: "INC#include-with-rulesexists: skipped when the file does not exist",
      files: { ".gitlab-ci.yml": "include:\n  - local: docker.yml\n    rules:\n      - exists: [Containerfile]\nb:\n  script: x\n", "docker.yml": "d:\n  script: x\n" },
      jobs: ["b"],
    },
    {
      name: "INC#use-variables-with-include: YAML variables are not visible in include:rules",
      files: { ".gitlab-ci.yml": "variables:\n  WANT: \"yes\"\ninclude:\n  - local: x.yml\n    rules:\n      - if: $WANT == \"yes\"\nb:\n  script: x\n", "x.yml": "d:\n  script: x\n" },
      jobs: ["b"],
    },
    {
      name: "INC#wildcard: `*` in include:local matches one level",
      files: { ".gitlab-ci.yml": "include: 'ci/*.yml'\n", "ci/a.yml": "a:\n  script: x\n", "ci/sub/b.yml": "b:\n  script: x\n" },
      jobs: ["a"],
    },
    {
      name: "INC#wildcard: `**` in include:local matches recursively",
      files: { ".gitlab-ci.yml": "include: 'ci/**.yml'\n", "ci/a.yml": "a:\n  script: x\n", "ci/sub/b.yml": "b:\n  script: x\n" },
      jobs: ["a", "b"],
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});
