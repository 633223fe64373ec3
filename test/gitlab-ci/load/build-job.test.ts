import { describe, expect, it } from "vitest";
import { codes, findings, job, loadFiles } from "./load-memory.js";

// A trigger job may not have `script` (GitLab rejects it: Entry::Bridge allowed keys).
const one = (body: string) => loadFiles({ ".gitlab-ci.yml": `job:\n${body.includes("  trigger:") ? "" : "  script: x\n"}${body}` });

describe("stages and job names", () => {
  it("uses .pre build test deploy .post by default and puts jobs in test", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": "job:\n  script: x\n" });
    expect(result.config.stages.map((s) => s.value)).toEqual([".pre", "build", "test", "deploy", ".post"]);
    expect(job(result, "job").stage).toEqual({ value: "test", pos: { file: ".gitlab-ci.yml", line: 1, col: 1 } });
  });

  it.each([
    ["stages", "stages: [lint, .post, build]\n", [".pre", "lint", "build", ".post"]],
    ["the deprecated types", "types: [one]\n", [".pre", "one", ".post"]],
  ])("keeps .pre first and .post last with %s", async (_name, text, stages) => {
    const result = await loadFiles({ ".gitlab-ci.yml": text });
    expect(result.config.stages.map((s) => s.value)).toEqual(stages);
  });

  it("reports a job whose stage is not in stages, at the stage line", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": "stages: [build]\njob:\n  stage: deploy\n  script: x\n" });
    expect(findings(result)).toEqual([".gitlab-ci.yml:3:10: error: job job: chosen stage deploy does not exist; available stages are .pre, build, .post [stage-unknown]"]);
  });

  it("lists visible jobs only, in definition order; reserved keys are not jobs but pages is", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": [
        "stages: [test, deploy]",
        "variables: {A: a}",
        "workflow:\n  name: 'pipeline $A'\n  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\n    - when: always",
        "cache: {paths: [x]}",
        ".hidden:\n  script: x",
        "pages:\n  stage: deploy\n  script: x",
        "b:\n  script: x",
        "a:\n  script: x",
      ].join("\n"),
    });
    expect(findings(result)).toEqual([]);
    expect(result.config.jobs.map((j) => j.name)).toEqual(["pages", "b", "a"]);
    expect(result.config.workflow?.name?.value).toBe("pipeline $A");
    expect(result.config.workflow?.rules?.map((r) => r.when?.value)).toEqual(["never", "always"]);
  });
});

describe("job keywords in every form", () => {
  it.each([
    ["image as a string", "  image: alpine:3", (j: J) => j.image?.name.value, "alpine:3"],
    ["image as a hash", "  image:\n    name: alpine\n    entrypoint: ['']", (j: J) => [j.image?.name.value, j.image?.entrypoint], ["alpine", [""]]],
    ["services as strings and hashes", "  services:\n    - db\n    - name: cache\n      alias: c", (j: J) => j.services.map((s) => `${s.name.value}/${s.alias ?? ""}`), ["db/", "cache/c"]],
    ["variables stringified like GitLab", "  variables:\n    N: 1\n    F: 1.0\n    B: true\n    S: 'x'", (j: J) => j.variables.map((v) => v.value), ["1", "1.0", "true", "x"]],
    ["variables in the value form", "  variables:\n    V:\n      value: v\n      description: d\n      expand: false", (j: J) => j.variables[0], { name: "V", value: "v", expand: false, description: "d", pos: { file: ".gitlab-ci.yml", line: 4, col: 5 } }],
    ["when and start_in", "  when: delayed\n  start_in: 1 day", (j: J) => [j.when?.value, j.startIn?.value], ["delayed", "1 day"]],
    ["allow_failure: true", "  allow_failure: true", (j: J) => j.allowFailure?.value, { value: true }],
    ["allow_failure: exit_codes", "  allow_failure:\n    exit_codes: [1, 137]", (j: J) => j.allowFailure?.value, { value: false, exitCodes: [1, 137] }],
    ["needs as names and hashes", "  needs:\n    - a\n    - job: b\n      optional: true\n      artifacts: false", (j: J) => j.needs?.map((n) => `${n.job}:${n.optional}:${n.artifacts}`), ["a:false:true", "b:true:false"]],
    ["needs: [] (start at once)", "  needs: []", (j: J) => j.needs, []],
    ["a single need as a hash", "  needs:\n    job: a", (j: J) => j.needs?.map((n) => n.job), ["a"]],
    ["needs with parallel:matrix", "  needs:\n    - job: b\n      parallel:\n        matrix:\n          - ARCH: [x86, arm]", (j: J) => j.needs?.[0].matrix, [{ ARCH: ["x86", "arm"] }]],
    ["parallel: N", "  parallel: 3", (j: J) => j.parallel?.count, 3],
    ["parallel: matrix", "  parallel:\n    matrix:\n      - OS: linux\n        ARCH: [x86, arm]", (j: J) => j.parallel?.matrix, [[{ name: "OS", values: ["linux"] }, { name: "ARCH", values: ["x86", "arm"] }]]],
    ["trigger as a project", "  trigger: group/other", (j: J) => j.trigger && [j.trigger.kind, j.trigger.project], ["project", "group/other"]],
    ["trigger as a hash", "  trigger:\n    project: g/p\n    branch: main\n    strategy: depend\n    forward:\n      pipeline_variables: true", (j: J) => j.trigger && [j.trigger.branch, j.trigger.strategy, j.trigger.forwardPipelineVariables, j.trigger.forwardYamlVariables], ["main", "depend", true, true]],
    ["trigger:include (child pipeline)", "  trigger:\n    include:\n      - local: child.yml\n      - artifact: gen.yml\n        job: g", (j: J) => j.trigger && [j.trigger.kind, j.trigger.include], ["child", ["child.yml", "gen.yml"]]],
    ["environment as a string", "  environment: production", (j: J) => j.environment?.value, "production"],
    ["environment as a hash", "  environment:\n    name: review/$CI_COMMIT_REF_SLUG\n    url: https://x", (j: J) => j.environment?.value, "review/$CI_COMMIT_REF_SLUG"],
    ["resource_group, interruptible, dependencies", "  resource_group: prod\n  interruptible: false\n  dependencies: [a]", (j: J) => [j.resourceGroup?.value, j.interruptible?.value, j.dependencies?.map((d) => d.value)], ["prod", false, ["a"]]],
    ["only as a list (refs)", "  only: [main, /^release-/]", (j: J) => j.only?.refs?.map((r) => r.value), ["main", "/^release-/"]],
    ["except as a hash", "  except:\n    refs: [tags]\n    variables: [$SKIP]\n    changes: [docs/*]\n    kubernetes: active", (j: J) => j.except && [j.except.refs?.[0].value, j.except.variables?.[0].value, j.except.changes?.paths[0].value, j.except.kubernetes?.value], ["tags", "$SKIP", "docs/*", "active"]],
  ])("%s", async (_name, body, pick, expected) => {
    const result = await one(`${body}\n`);
    expect(findings(result)).toEqual([]);
    expect(pick(job(result, "job"))).toEqual(expected);
  });

  it("builds every rule clause with its line", async () => {
    const result = await one(
      [
        "  rules:",
        "    - if: $A == 'x'",
        "      changes: [src/**/*]",
        "      exists: [Dockerfile]",
        "      when: manual",
        "      allow_failure: true",
        "      variables: {TAG: t}",
        "      needs: [a]",
        "      interruptible: true",
        "    - changes:",
        "        paths: [b]",
        "        compare_to: main",
        "      exists:",
        "        paths: [c]",
        "        project: g/p",
        "        ref: v1",
        "      when: delayed",
        "      start_in: 5 minutes",
        "",
      ].join("\n"),
    );
    expect(findings(result)).toEqual([]);
    const [r0, r1] = job(result, "job").rules ?? [];
    expect(r0.pos).toEqual({ file: ".gitlab-ci.yml", line: 4, col: 7 });
    expect(r0.if?.value).toBe("$A == 'x'");
    expect(r0.changes?.paths.map((p) => p.value)).toEqual(["src/**/*"]);
    expect(r0.exists?.paths.map((p) => p.value)).toEqual(["Dockerfile"]);
    expect([r0.when?.value, r0.allowFailure?.value.value, r0.variables[0].name, r0.needs?.[0].job, r0.interruptible?.value]).toEqual(["manual", true, "TAG", "a", true]);
    expect(r1.changes?.compareTo?.value).toBe("main");
    expect([r1.exists?.project, r1.exists?.ref, r1.startIn?.value]).toEqual(["g/p", "v1", "5 minutes"]);
  });
});

type J = import("../../../src/gitlab-ci/model.js").JobDef;

describe("wrong types are errors at the key's line", () => {
  it.each([
    ["script: 3", "job:\n  script: 3\n", "error:invalid-type@.gitlab-ci.yml:2"],
    ["a script line that is a number", "job:\n  script:\n    - 3\n", "error:invalid-type@.gitlab-ci.yml:3"],
    ["rules: \"x\"", "job:\n  script: x\n  rules: 'x'\n", "error:invalid-type@.gitlab-ci.yml:3"],
    ["a rule that is not a hash", "job:\n  script: x\n  rules:\n    - x\n", "error:invalid-type@.gitlab-ci.yml:4"],
    ["an unknown rule key", "job:\n  script: x\n  rules:\n    - iff: $A\n", "error:unknown-keyword@.gitlab-ci.yml:4"],
    ["when: sometimes", "job:\n  script: x\n  when: sometimes\n", "error:invalid-value@.gitlab-ci.yml:3"],
    ["when: never outside rules", "job:\n  script: x\n  when: never\n", "error:invalid-value@.gitlab-ci.yml:3"],
    ["workflow rule when: manual", "workflow:\n  rules:\n    - when: manual\njob:\n  script: x\n", "error:invalid-value@.gitlab-ci.yml:3"],
    ["when: delayed without start_in", "job:\n  script: x\n  when: delayed\n", "error:invalid-value@.gitlab-ci.yml:3"],
    ["stage: 1", "job:\n  script: x\n  stage: 1\n", "error:invalid-type@.gitlab-ci.yml:3"],
    ["image: [a]", "job:\n  script: x\n  image: [a]\n", "error:invalid-type@.gitlab-ci.yml:3"],
    ["tags: a", "job:\n  script: x\n  tags: a\n", "error:invalid-type@.gitlab-ci.yml:3"],
    ["interruptible: 'yes please'", "job:\n  script: x\n  interruptible: 'yes please'\n", "error:invalid-type@.gitlab-ci.yml:3"],
    ["allow_failure: maybe", "job:\n  script: x\n  allow_failure: maybe\n", "error:invalid-type@.gitlab-ci.yml:3"],
    ["parallel: 500", "job:\n  script: x\n  parallel: 500\n", "error:invalid-value@.gitlab-ci.yml:3"],
    ["variables: a list", "job:\n  script: x\n  variables: [a]\n", "error:invalid-type@.gitlab-ci.yml:3"],
    ["a variable holding a list", "job:\n  script: x\n  variables:\n    A: [1]\n", "error:invalid-type@.gitlab-ci.yml:4"],
    ["expand: false in rules:variables", "job:\n  script: x\n  rules:\n    - variables:\n        A: {value: a, expand: false}\n", "error:invalid-value@.gitlab-ci.yml:5"],
    ["a job that is not a hash", "job: [1]\n", "error:invalid-type@.gitlab-ci.yml:1"],
    ["a job without script or trigger", "job:\n  stage: test\n", "error:script-missing@.gitlab-ci.yml:1"],
    ["rules with only", "job:\n  script: x\n  rules: [{when: always}]\n  only: [main]\n", "error:config-invalid@.gitlab-ci.yml:3"],
    ["only: a string", "job:\n  script: x\n  only: main\n", "error:invalid-type@.gitlab-ci.yml:3"],
    // GitLab: "jobs:job config contains unknown keys: scirpt" — the whole configuration is refused.
    ["an unknown job keyword (an error, as GitLab refuses it)", "job:\n  script: x\n  scirpt: y\n", "error:unknown-keyword@.gitlab-ci.yml:3"],
    ["stages: a string", "stages: build\n", "error:invalid-type@.gitlab-ci.yml:1"],
  ])("%s", async (_name, text, expected) => {
    const result = await loadFiles({ ".gitlab-ci.yml": text });
    expect(codes(result)).toContain(expected);
  });

  it("keeps reporting after the first wrong type, in every job", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": "a:\n  script: 3\nb:\n  script: x\n  when: sometimes\nc:\n  script: ok\n" });
    expect(codes(result)).toEqual(["error:invalid-type@.gitlab-ci.yml:2", "error:script-missing@.gitlab-ci.yml:1", "error:invalid-value@.gitlab-ci.yml:5"]);
    expect(result.config.jobs.map((j) => j.name)).toEqual(["a", "b", "c"]);
  });
});

describe("a mistake in a template", () => {
  it("is reported once, at its line, however many jobs use it", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": ".t:\n  when: sometimes\n  script: x\na:\n  extends: .t\nb:\n  extends: .t\n" });
    expect(codes(result)).toEqual(["error:invalid-value@.gitlab-ci.yml:2"]);
  });
});
