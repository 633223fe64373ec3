import { describe, it } from "vitest";
import { branch, mr, tag } from "../simulate/build.js";
import { checkCase, type SemanticsCase } from "./harness.js";

const changesJob = `
docs:
  script: make docs
  rules:
    - changes: ["docs/**/*"]
build:
  script: make
`;

describe("ci/yaml#ruleschanges", () => {
  it.each<SemanticsCase>([
    { name: "Y#ruleschanges: a tag pipeline has no diff, so changes is true", files: changesJob, ctx: { ref: tag("v1.0") }, jobs: ["docs", "build"] },
    { name: "Y#ruleschanges: a scheduled pipeline has no diff, so changes is true", files: changesJob, ctx: { source: "schedule" }, jobs: ["docs", "build"] },
    { name: "Y#ruleschanges: a web (Run pipeline) pipeline counts as changed", files: changesJob, ctx: { source: "web" }, jobs: ["docs", "build"] },
    { name: "Y#ruleschanges: an API pipeline counts as changed", files: changesJob, ctx: { source: "api" }, jobs: ["docs", "build"] },
    { name: "Y#ruleschanges: a branch push that changes no matching file", files: changesJob, ctx: { changedFiles: ["src/main.c"] }, jobs: ["build"] },
    { name: "Y#ruleschanges: a branch push that changes a nested doc", files: changesJob, ctx: { changedFiles: ["docs/a/b.md"] }, jobs: ["docs", "build"] },
    {
      name: "Y#ruleschanges: an MR pipeline diffs against the target branch",
      files: "docs:\n  script: x\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n      changes: [docs/*]\n",
      ctx: { ref: mr("feature", "main"), changedFiles: ["docs/x.md"] },
      jobs: ["docs"],
    },
    {
      name: "Y#ruleschangescompare_to: compare_to the MR target is the MR diff",
      files: "docs:\n  script: x\n  rules:\n    - changes:\n        paths: [docs/*]\n        compare_to: refs/heads/main\n      when: manual\n    - when: on_success\n",
      ctx: { ref: mr("feature", "main"), changedFiles: ["docs/x.md"] },
      job: { docs: { when: "manual" } },
    },
    {
      name: "Y#ruleschanges: `**` matches zero directories too (File.fnmatch PATHNAME)",
      files: "c:\n  script: x\n  rules:\n    - changes: [\"src/**/*.c\"]\n",
      ctx: { changedFiles: ["src/main.c"] },
      jobs: ["c"],
    },
    {
      name: "Y#ruleschanges: `*` does not cross a slash",
      files: "c:\n  script: x\n  rules:\n    - changes: [\"*.c\"]\nother:\n  script: x\n",
      ctx: { changedFiles: ["src/main.c"] },
      jobs: ["other"],
    },
    {
      name: "Y#ruleschanges: a variable in a path is expanded with the job's variables",
      files: "c:\n  script: x\n  variables:\n    DIR: src\n  rules:\n    - changes: [\"$DIR/*.c\"]\n",
      ctx: { changedFiles: ["src/main.c"] },
      jobs: ["c"],
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml#rulesexists", () => {
  const files = { "src/a/b.c": "", "Dockerfile": "", ".hidden/conf.yml": "" };
  const withYaml = (yaml: string) => ({ ".gitlab-ci.yml": yaml, ...files });
  it.each<SemanticsCase>([
    { name: "Y#rulesexists: a file at the root", files: withYaml("j:\n  script: x\n  rules:\n    - exists: [Dockerfile]\n"), jobs: ["j"] },
    { name: "Y#rulesexists: `**` globs recursively", files: withYaml("j:\n  script: x\n  rules:\n    - exists: [\"**/*.c\"]\n"), jobs: ["j"] },
    { name: "Y#rulesexists: `*` stays in one directory", files: withYaml("j:\n  script: x\n  rules:\n    - exists: [\"*.c\"]\nk:\n  script: x\n"), jobs: ["k"] },
    { name: "Y#rulesexists: a variable in the glob (expanded)", files: withYaml("j:\n  script: x\n  variables:\n    SRC: src\n  rules:\n    - exists: [\"$SRC/**/*.c\"]\n"), jobs: ["j"] },
    { name: "Y#rulesexists: a list is an OR", files: withYaml("j:\n  script: x\n  rules:\n    - exists: [missing.txt, Dockerfile]\n"), jobs: ["j"] },
    { name: "Y#rulesexists: dot files match (DOTMATCH)", files: withYaml("j:\n  script: x\n  rules:\n    - exists: [\"**/conf.yml\"]\n"), jobs: ["j"] },
    { name: "Y#rulesexists: no match, no job", files: withYaml("j:\n  script: x\n  rules:\n    - exists: [\"*.rb\"]\nk:\n  script: x\n"), jobs: ["k"] },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml#rules: when, allow_failure, start_in", () => {
  const job = (keys: string) => `job:\n  script: x\n${keys}\n`;
  it.each<SemanticsCase>([
    { name: "Y#when: job-level manual is optional (allow_failure true)", files: job("  when: manual"), job: { job: { when: "manual", allowFailure: true } } },
    { name: "Y#ruleswhen: rules manual is blocking (allow_failure false)", files: job("  rules:\n    - when: manual"), job: { job: { when: "manual", allowFailure: false } } },
    { name: "Y#rules: a rule without when takes the job's when: manual", files: job("  when: manual\n  rules:\n    - if: $CI_COMMIT_BRANCH"), job: { job: { when: "manual", allowFailure: true } } },
    { name: "Y#rulesallow_failure: the rule's allow_failure", files: job("  rules:\n    - when: manual\n      allow_failure: true"), job: { job: { when: "manual", allowFailure: true } } },
    { name: "Y#ruleswhen: delayed with start_in", files: job("  rules:\n    - when: delayed\n      start_in: 30 minutes"), job: { job: { when: "delayed", startIn: "30 minutes" } } },
    { name: "Y#allow_failure: exit_codes means false for other codes", files: job("  allow_failure:\n    exit_codes: [137]"), job: { job: { allowFailure: false } } },
    { name: "Y#ruleswhen: always", files: job("  rules:\n    - when: always"), job: { job: { when: "always", allowFailure: false } } },
    { name: "Y#rules: no rule matches, job not added", files: job("  rules:\n    - if: $NOPE") + "other:\n  script: x\n", jobs: ["other"] },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml#rulesif", () => {
  it.each<SemanticsCase>([
    {
      name: "Y#rulesif: CI_COMMIT_BRANCH is nil in an MR pipeline, so == $CI_DEFAULT_BRANCH is false",
      files: "deploy:\n  script: x\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\nmr:\n  script: x\n  rules:\n    - if: $CI_MERGE_REQUEST_IID\n",
      ctx: { ref: mr("main", "stable") },
      jobs: ["mr"],
    },
    {
      name: "Y#rulesif: CI_COMMIT_REF_NAME is the source branch in an MR pipeline",
      files: "j:\n  script: x\n  rules:\n    - if: $CI_COMMIT_REF_NAME == $CI_DEFAULT_BRANCH\n",
      ctx: { ref: mr("main", "stable") },
      jobs: ["j"],
    },
    {
      name: "Y#rulesif: =~ with a variable holding /regex/ compiles it",
      files: "variables:\n  PAT: /^stable-\\d+$/\nj:\n  script: x\n  rules:\n    - if: $CI_COMMIT_BRANCH =~ $PAT\n",
      ctx: { ref: branch("stable-8") },
      jobs: ["j"],
    },
    {
      name: "Y#rulesif: =~ with a plain string variable is a substring test (left in right)",
      files: "variables:\n  NAMES: main-and-stable\nj:\n  script: x\n  rules:\n    - if: $CI_COMMIT_BRANCH =~ $NAMES\n",
      ctx: { ref: branch("main") },
      jobs: ["j"],
    },
    {
      name: "Y#rulesif: variables are not expanded in if (raw $B, not its value)",
      files: "variables:\n  B: x\n  A: $B\nj:\n  script: x\n  rules:\n    - if: $A == \"x\"\nk:\n  script: x\n",
      jobs: ["k"],
    },
    {
      name: "Y#rulesif: a variable referenced only by image and defined nowhere is nil in if",
      files: "j:\n  image: $BUILD_IMAGE\n  script: x\n  rules:\n    - if: $BUILD_IMAGE\n      when: never\n    - when: on_success\n",
      job: { j: { image: "«$BUILD_IMAGE»" } },
    },
    {
      name: "Y#rulesif: a job variable is visible in its own rules",
      files: "j:\n  variables:\n    RUN: \"yes\"\n  script: x\n  rules:\n    - if: $RUN == \"yes\"\n",
      jobs: ["j"],
    },
    {
      name: "Y#rulesif: an empty string is truthy in && but not a match on its own",
      files: "variables:\n  EMPTY: \"\"\na:\n  script: x\n  rules:\n    - if: $EMPTY && \"x\"\nb:\n  script: x\n  rules:\n    - if: $EMPTY\nc:\n  script: x\n",
      jobs: ["a", "c"],
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml#rulesvariables and rules:needs", () => {
  it.each<SemanticsCase>([
    {
      name: "Y#rulesvariables: the matched rule's variables override the job's",
      files: "variables:\n  V: top\nj:\n  variables:\n    V: job\n  script: x\n  rules:\n    - if: $CI_COMMIT_BRANCH\n      variables:\n        V: rule\n",
      job: { j: { vars: { V: "rule" } } },
    },
    {
      name: "Y#rulesvariables: a rule variable can refer to a job variable",
      files: "j:\n  variables:\n    BASE: img\n  script: x\n  rules:\n    - variables:\n        TAG: $BASE-1\n",
      job: { j: { vars: { TAG: "img-1" } } },
    },
    {
      name: "Y#rulesneeds: rules:needs replaces the job's needs",
      files: "a:\n  stage: build\n  script: x\nb:\n  stage: build\n  script: x\nc:\n  needs: [a]\n  script: x\n  rules:\n    - needs: [b]\n",
      job: { c: { needs: ["b"] } },
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});
