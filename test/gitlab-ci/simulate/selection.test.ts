import { describe, expect, it } from "vitest";
import type { RefSpec } from "../../../src/gitlab-ci/context.js";
import { branch, context, job, mr, names, simulateYaml, tag } from "./build.js";

describe("workflow:rules", () => {
  const yaml = `
workflow:
  rules:
    - if: '$CI_PIPELINE_SOURCE == "push" && $CI_OPEN_MERGE_REQUESTS'
      when: never
    - if: '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_TAG'
      when: never
    - if: '$CI_PIPELINE_SOURCE =~ /^(push|merge_request_event)$/'
      variables:
        DEPLOY: "from-workflow"
        SHARED: workflow
variables:
  DEPLOY: top
  SHARED: top
build:
  script: make
  variables:
    SHARED: job
`;
  it.each([
    ["a branch push", branch("main"), false, true, undefined],
    ["a branch push with an open MR", branch("main"), true, false, "workflow-never"],
    ["a tag push", tag("v1"), false, false, "workflow-never"],
    ["an MR pipeline", mr("feature", "main"), false, true, undefined],
  ] as Array<[string, RefSpec, boolean, boolean, string | undefined]>)("%s", async (_what, ref, openMr, created, reason) => {
    const p = await simulateYaml(yaml, context({ ref, hasOpenMergeRequest: openMr }));
    expect(p.created).toBe(created);
    expect(p.notCreated?.reason).toBe(reason);
  });

  it("a job without rules is in MR pipelines once workflow:rules exist", async () => {
    const p = await simulateYaml(yaml, context({ ref: mr("feature", "main") }));
    expect(names(p)).toEqual(["build"]);
    expect(job(p, "build").decidedBy.kind).toBe("default");
  });

  it("workflow variables override top-level ones; job variables override both", async () => {
    const p = await simulateYaml(yaml, context());
    expect(p.variables.DEPLOY?.value.text).toBe("from-workflow");
    expect(job(p, "build").variables.DEPLOY).toMatchObject({ origin: "workflow-rule", value: { text: "from-workflow" } });
    expect(job(p, "build").variables.SHARED).toMatchObject({ origin: "job", value: { text: "job" } });
  });

  it("no matching workflow rule means no pipeline", async () => {
    const p = await simulateYaml(yaml, context({ ref: branch("main"), source: "schedule" }));
    expect(p.notCreated?.reason).toBe("workflow-no-match");
    expect(p.workflow?.trace).toHaveLength(3);
  });

  it("an unknown workflow rule makes the decision uncertain, not silently decided", async () => {
    const p = await simulateYaml(yaml, { ...context(), hasOpenMergeRequest: undefined });
    expect(p.created).toBe(true);
    expect(p.certainty).toBe("uncertain");
    expect(p.workflow?.trace[0]?.result).toBe("unknown");
  });
});

describe("only/except", () => {
  const yaml = `
plain:
  script: x
only-master:
  script: x
  only: [master]
only-staging-regex:
  script: x
  only: ['/^staging-\\d+\\.\\d+$/']
except-tags:
  script: x
  except: [tags]
only-mrs:
  script: x
  only: [merge_requests]
only-schedules-and-branches:
  script: x
  only: [schedules]
only-upstream:
  script: x
  only: ['branches@qemu-project/qemu']
only-variables:
  script: x
  only:
    variables: ['$RELEASE == "yes"']
only-changes:
  script: x
  only:
    changes: ['docs/**/*']
except-changes:
  script: x
  except:
    changes: ['docs/**/*']
`;
  it.each([
    ["push to master", { ref: branch("master") }, ["plain", "only-master", "except-tags", "only-upstream", "except-changes"]],
    ["push to staging-8.0", { ref: branch("staging-8.0"), changedFiles: ["docs/a/b.rst"] }, ["plain", "only-staging-regex", "except-tags", "only-upstream", "only-changes"]],
    ["a tag (branches does not match; changes: always true there)", { ref: tag("v1") }, ["plain", "only-changes"]],
    ["an MR pipeline: only merge_requests", { ref: mr("feature", "master"), changedFiles: ["src/x.c"] }, ["only-mrs"]],
    ["a schedule matches schedules and branches", { ref: branch("master"), source: "schedule" }, ["plain", "only-master", "except-tags", "only-schedules-and-branches", "only-upstream", "only-changes"]],
    ["a fork does not match @qemu-project/qemu", { ref: branch("x"), project: { path: "alice/qemu", defaultBranch: "master" }, changedFiles: [] }, ["plain", "except-tags", "except-changes"]],
    ["only:variables", { ref: branch("x"), variables: { RELEASE: "yes" }, changedFiles: [] }, ["plain", "except-tags", "only-upstream", "only-variables", "except-changes"]],
  ] as Array<[string, Parameters<typeof context>[0], string[]]>)("%s", async (_what, over, expected) => {
    const ctx = context(over);
    if (!over?.changedFiles && ctx.ref.kind === "branch" && ctx.source === "push") ctx.changedFiles = ["src/main.c"];
    const p = await simulateYaml(yaml, ctx);
    expect(names(p).sort()).toEqual([...expected].sort());
  });

  it("an unknown diff leaves only:changes uncertain", async () => {
    const p = await simulateYaml(yaml, context({ ref: branch("master") }));
    const j = p.jobs.find((x) => x.name === "only-changes");
    expect(j).toMatchObject({ certainty: "uncertain", presence: "uncertain" });
  });
});

describe("when and allow_failure", () => {
  it.each([
    ["job-level when: manual defaults to allow_failure true", "  when: manual", "manual", true],
    ["rules: when: manual defaults to allow_failure false", "  rules:\n    - when: manual", "manual", false],
    ["job allow_failure with a manual rule keeps the job's value", "  allow_failure: true\n  rules:\n    - when: manual", "manual", true],
    ["job-level when: manual with a manual rule stays optional", "  when: manual\n  rules:\n    - when: manual", "manual", true],
    ["the rule's allow_failure wins", "  allow_failure: true\n  rules:\n    - when: manual\n      allow_failure: false", "manual", false],
    ["a rule without when uses the job's when", "  when: manual\n  rules:\n    - if: $CI_COMMIT_BRANCH", "manual", true],
    ["on_success by default", "  rules:\n    - if: $CI_COMMIT_BRANCH", "on_success", false],
    ["delayed with start_in", "  rules:\n    - when: delayed\n      start_in: 5 minutes", "delayed", false],
  ])("%s", async (_what, keys, when, allowFailure) => {
    const p = await simulateYaml(`job:\n  script: x\n${keys}\n`);
    expect(job(p, "job")).toMatchObject({ when, allowFailure });
  });

  it("when: never in a rule excludes the job and says which rule", async () => {
    const p = await simulateYaml("job:\n  script: x\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"main\"\n      when: never\n    - when: always\nother:\n  script: make\n");
    expect(names(p)).toEqual(["other"]);
    expect(p.excluded[0]?.decidedBy.rule).toMatchObject({ index: 0, when: "never", pos: { file: ".gitlab-ci.yml", line: 4 } });
  });
});

describe("pipelines that are not created", () => {
  it.each([
    ["no job at all passes its rules", "a:\n  script: x\n  rules:\n    - if: $NOPE\n", "no-jobs"],
    ["only .pre and .post jobs", "a:\n  stage: .pre\n  script: x\nb:\n  stage: .post\n  script: x\n", "only-pre-post"],
    ["a needed job is not in the pipeline", "stages: [build, test]\na:\n  stage: build\n  script: x\n  rules:\n    - if: $NOPE\nb:\n  stage: test\n  script: x\n  needs: [a]\n", "needs-error"],
    ["a need on a later stage", "stages: [build, test]\na:\n  stage: test\n  script: x\nb:\n  stage: build\n  script: x\n  needs: [a]\n", "config-error"],
    ["an invalid if: expression", "a:\n  script: x\n  rules:\n    - if: $A == \"x\" &&\n", "config-error"],
  ])("%s", async (_what, yaml, reason) => {
    const p = await simulateYaml(yaml);
    expect(p.created).toBe(false);
    expect(p.notCreated?.reason).toBe(reason);
    expect(p.jobs).toEqual([]);
  });

  it("reports an invalid if: at its line", async () => {
    const p = await simulateYaml("a:\n  script: x\n  rules:\n    - if: $A == \"x\" &&\n");
    expect(p.errors[0]).toMatchObject({ code: "expression-syntax", pos: { file: ".gitlab-ci.yml", line: 4 } });
  });

  it("an optional need on an absent job is dropped, not an error", async () => {
    const p = await simulateYaml("stages: [build, test]\na:\n  stage: build\n  script: x\n  rules:\n    - if: $NOPE\nb:\n  stage: test\n  script: x\n  needs:\n    - job: a\n      optional: true\n");
    expect(p.created).toBe(true);
    expect(job(p, "b").needs).toEqual([]);
  });

  it("a need may name one matrix instance directly", async () => {
    const p = await simulateYaml('b:\n  script: x\n  parallel:\n    matrix:\n      - OS: ["alpine ubuntu"]\nc:\n  script: x\n  needs: ["b: [alpine ubuntu]"]\n');
    expect(p.errors).toEqual([]);
    expect(job(p, "c").needs).toEqual(["b: [alpine ubuntu]"]);
  });

  it.each([
    ["a job key with a colon and a value with +", "t_fedora:42", "NM: [meson+gcc+docs+valgrind, tarball]", "t_fedora:42: [meson+gcc+docs+valgrind]"],
    ["a value with a colon", "t", "IMG: ['fedora:42', 'alpine:3']", "t: [fedora:42]"],
    // An unquoted 3.10 is a Float, which GitLab rejects in a matrix; quoted, it is named as written.
    ["a quoted version number", "py", "V: ['3.10', '3.12']", "py: [3.10]"],
    ["two variables", "b", "OS: [a]\n        ARCH: [x86, arm]", "b: [a, arm]"],
  ])("a need on one matrix instance: %s", async (_what, base, matrix, needed) => {
    const yaml =
      `stages: [test, deploy]\n"${base}":\n  stage: test\n  script: x\n  parallel:\n    matrix:\n      - ${matrix}\n` +
      `pages:\n  stage: deploy\n  script: x\n  dependencies: ["${needed}"]\n  needs: ["${needed}"]\n`;
    const p = await simulateYaml(yaml);
    expect(p.errors).toEqual([]);
    expect(p.created).toBe(true);
    expect(job(p, "pages").needs).toEqual([needed]);
  });

  it("a need in the same stage is allowed", async () => {
    const p = await simulateYaml("a:\n  script: x\nb:\n  script: x\n  needs: [a]\n");
    expect(p.errors).toEqual([]);
    expect(job(p, "b").needs).toEqual(["a"]);
  });
});
