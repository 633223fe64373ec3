import { describe, expect, it } from "vitest";
import { checkCase, type SemanticsCase } from "./harness.js";

describe("ci/yaml#trigger", () => {
  it.each<SemanticsCase>([
    { name: "Y#triggerinclude: a child pipeline trigger job", files: "t:\n  trigger:\n    include: ci/child.yml\n    strategy: depend\n", jobs: ["t"] },
    { name: "Y#triggerproject: project, branch and strategy: depend", files: "t:\n  stage: deploy\n  trigger:\n    project: group/other\n    branch: stable\n    strategy: depend\n", job: { t: { stage: "deploy", when: "on_success" } } },
    { name: "Y#triggerforward: forward yaml_variables / pipeline_variables", files: "t:\n  variables:\n    A: a\n  trigger:\n    project: group/other\n    forward:\n      yaml_variables: false\n      pipeline_variables: true\n", job: { t: { vars: { A: "a" } } } },
    { name: "Y#trigger: allowed keywords (needs, rules, environment, resource_group, inherit, parallel)", files: "a:\n  stage: build\n  script: x\nt:\n  needs: [a]\n  rules:\n    - when: always\n  environment: production\n  resource_group: prod\n  inherit:\n    variables: false\n  trigger:\n    include: child.yml\n", jobs: ["a", "t"] },
    { name: "Y#trigger: a trigger job cannot have a script", files: "t:\n  trigger: group/other\n  script: echo\n", error: "script" },
    { name: "Y#trigger: a trigger job cannot have an image", files: "t:\n  trigger: group/other\n  image: alpine:3\n", error: "image" },
    { name: "Y#trigger: a trigger job cannot be delayed", files: "t:\n  trigger: group/other\n  when: delayed\n  start_in: 1 hour\n", error: "when" },
    { name: "Y#trigger: default: keywords (image, before_script) do not make a trigger job invalid", files: "default:\n  image: alpine:3\n  before_script: [echo]\n  tags: [x]\nt:\n  trigger: group/other\n", jobs: ["t"] },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml#default and deprecated top-level keywords", () => {
  it.each<SemanticsCase>([
    { name: "Y#default: top-level `image` and `default:image` both set is an error", files: "image: a:1\ndefault:\n  image: b:2\nj:\n  script: x\n", error: "image is defined in top-level and `default:` entry" },
    { name: "Y#default: top-level `before_script` and `default:before_script` both set is an error", files: "before_script: [a]\ndefault:\n  before_script: [b]\nj:\n  script: x\n", error: "before_script is defined in top-level and `default:` entry" },
    { name: "Y#default: top-level `cache` with default:image is fine", files: "cache:\n  paths: [x]\ndefault:\n  image: b:2\nj:\n  script: x\n", job: { j: { image: "b:2" } } },
    { name: "Y#inheritdefault: a list that does not name image drops the default image", files: "default:\n  image: alpine:3\n  retry: 2\nj:\n  script: x\n  inherit:\n    default: [retry]\n", job: { j: { image: undefined as unknown as string } } },
    { name: "Y#image: the object form with entrypoint, docker:platform and pull_policy", files: "j:\n  image:\n    name: debian:12\n    entrypoint: [\"\"]\n    docker:\n      platform: arm64/v8\n      user: dave\n    pull_policy: [always, if-not-present]\n  script: x\n", job: { j: { image: "debian:12" } } },
    { name: "Y#services: alias, variables, command, entrypoint", files: "j:\n  services:\n    - name: postgres:16\n      alias: db\n      variables:\n        POSTGRES_PASSWORD: x\n      command: [\"postgres\"]\n      entrypoint: [\"docker-entrypoint.sh\"]\n      pull_policy: always\n    - redis:7\n  script: x\n", jobs: ["j"] },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml: job keywords that must load without false errors", () => {
  it.each<SemanticsCase>([
    { name: "Y#hooks: pre_get_sources_script (also from default:)", files: "default:\n  hooks:\n    pre_get_sources_script: [git config --global x y]\nj:\n  hooks:\n    pre_get_sources_script: echo\n  script: x\n", jobs: ["j"] },
    { name: "Y#id_tokens and secrets", files: "j:\n  id_tokens:\n    VAULT_ID_TOKEN:\n      aud: https://vault.example.com\n  secrets:\n    DATABASE_PASSWORD:\n      vault: production/db/password@ops\n      token: $VAULT_ID_TOKEN\n  script: x\n", jobs: ["j"] },
    { name: "Y#pages: a job named pages with publish", files: "pages:\n  stage: deploy\n  script: make html\n  publish: public\n", jobs: ["pages"] },
    { name: "Y#pages: pages: true on another job", files: "docs:\n  stage: deploy\n  script: make html\n  pages: true\n", jobs: ["docs"] },
    { name: "Y#pages: pages:publish and path_prefix", files: "docs:\n  script: make html\n  pages:\n    publish: site\n    path_prefix: $CI_COMMIT_REF_SLUG\n", jobs: ["docs"] },
    { name: "Y#coverage, retry (number and hash), timeout, interruptible", files: "j:\n  script: x\n  coverage: '/Total: \\d+%/'\n  retry:\n    max: 2\n    when: [runner_system_failure]\n    exit_codes: [137]\n  timeout: 1h 30m\n  interruptible: true\nk:\n  script: x\n  retry: 1\n", jobs: ["j", "k"] },
    { name: "Y#environmenton_stop: the stop job is manual and both are created", files: "deploy:\n  stage: deploy\n  script: x\n  environment:\n    name: review/$CI_COMMIT_REF_SLUG\n    url: https://$CI_COMMIT_REF_SLUG.example.com\n    on_stop: stop\n    auto_stop_in: 1 week\nstop:\n  stage: deploy\n  script: x\n  when: manual\n  environment:\n    name: review/$CI_COMMIT_REF_SLUG\n    action: stop\n", jobs: ["deploy", "stop"], job: { stop: { when: "manual", allowFailure: true } } },
    { name: "Y#environmenton_stop: an on_stop job that is not defined is an error", files: "deploy:\n  script: x\n  environment:\n    name: review\n    on_stop: stop_review\n", error: "on_stop job stop_review is not defined" },
    { name: "Y#environmenton_stop: the on_stop job must have action: stop", files: "deploy:\n  script: x\n  environment:\n    name: review\n    on_stop: stop\nstop:\n  script: x\n  when: manual\n  environment:\n    name: review\n", error: "needs to have action stop defined" },
    { name: "Y#release, artifacts:reports, dependencies, cache:key:files", files: "b:\n  stage: build\n  script: x\n  artifacts:\n    paths: [out]\n    reports:\n      junit: report.xml\n  cache:\n    key:\n      files: [Gemfile.lock]\n    paths: [vendor]\nr:\n  stage: deploy\n  script: x\n  dependencies: [b]\n  release:\n    tag_name: $CI_COMMIT_TAG\n    description: x\n", jobs: ["b", "r"] },
  ])("$name", async (c) => {
    const p = await checkCase(c);
    if (c.error === undefined) expect(p.warnings.filter((w) => w.code === "unknown-keyword").map((w) => w.message)).toEqual([]);
  });
});

// What GitLab refuses when it reads the configuration (YamlProcessor, Config::Entry::Jobs): the
// whole configuration, in every pipeline.
describe("configurations GitLab rejects", () => {
  it.each<SemanticsCase>([
    { name: "Y#job keywords: a misspelt keyword", files: "build:\n  script: make\n  rulse: [{when: always}]\n", error: "jobs:build config contains unknown keys: rulse" },
    { name: "Y#dependencies: a job that does not exist", files: "test:\n  script: x\n  dependencies: [build]\n", error: "test job: undefined dependency: build" },
    {
      name: "Y#dependencies: a job of the same stage",
      files: "build:\n  stage: test\n  script: x\ntest:\n  script: x\n  dependencies: [build]\n",
      error: "test job: dependency build is not defined in current or prior stages",
    },
    { name: "Y#jobs: only hidden jobs", files: ".template:\n  script: x\n", error: "jobs config should contain at least one visible job" },
  ])("$name", async (c) => {
    await checkCase(c);
  });

  it.each<SemanticsCase>([
    { name: "Y#dependencies: an earlier stage's parallel job (every instance)", files: "build:\n  stage: build\n  parallel: 2\n  script: x\ntest:\n  script: x\n  dependencies: [build]\n", jobs: ["build 1/2", "build 2/2", "test"] },
  ])("$name loads", async (c) => {
    await checkCase(c);
  });
});

// ci/yaml/matrix_expressions.md: expressions take the needing job's own matrix values, and may
// be mixed with fixed values (a subset of the upstream jobs).
describe("ci/yaml#needsparallelmatrix with matrix expressions", () => {
  const build = "build:\n  stage: build\n  script: x\n  parallel:\n    matrix:\n      - OS: [linux, mac]\n        ENV: [dev, prod]\n";
  it.each<SemanticsCase>([
    {
      name: "an expression and a fixed value: each instance needs the prod build of its own OS",
      files: `${build}release:\n  script: x\n  parallel:\n    matrix:\n      - OS: [linux, mac]\n  needs:\n    - job: build\n      parallel:\n        matrix:\n          - OS: $[[ matrix.OS ]]\n            ENV: prod\n`,
      job: { "release: [linux]": { needs: ["build: [linux, prod]"] }, "release: [mac]": { needs: ["build: [mac, prod]"] } },
    },
    {
      name: "an identifier the needing job's matrix does not have is an error",
      files: `${build}release:\n  script: x\n  parallel:\n    matrix:\n      - OS: [linux, mac]\n  needs:\n    - job: build\n      parallel:\n        matrix:\n          - OS: $[[ matrix.PLATFORM ]]\n            ENV: prod\n`,
      error: "$[[ matrix.PLATFORM ]] in needs:parallel:matrix: the job's parallel:matrix has no such identifier",
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});
