import { describe, expect, it } from "vitest";
import type { PipelineContext, RefSpec } from "../../../src/gitlab-ci/context.js";
import { branch, context, simulateYaml, tag } from "../simulate/build.js";
import { checkCase, type SemanticsCase } from "./harness.js";

const show = "j:\n  script: x\n  rules:\n    - when: on_success\n";
const mrOf = (eventType: "detached" | "merged_result" | "merge_train", sourceProject?: string): RefSpec => ({
  kind: "mr",
  source: "feature",
  target: "stable",
  iid: 3,
  eventType,
  ...(sourceProject ? { sourceProject } : {}),
});
const ZEROS = "0000000000000000000000000000000000000000";

describe("ci/variables/predefined_variables per pipeline source", () => {
  it.each<SemanticsCase>([
    { name: "PRE: branch push — branch set, no tag, no MR variables", files: show, ctx: { ref: branch("dev") }, job: { j: { vars: { CI_COMMIT_BRANCH: "dev", CI_COMMIT_REF_NAME: "dev", CI_COMMIT_TAG: null, CI_MERGE_REQUEST_IID: null, CI_PIPELINE_SOURCE: "push", CI_DEFAULT_BRANCH: "main" } } } },
    { name: "PRE: tag push — tag set, no branch, ref name is the tag", files: show, ctx: { ref: tag("v2.1") }, job: { j: { vars: { CI_COMMIT_TAG: "v2.1", CI_COMMIT_REF_NAME: "v2.1", CI_COMMIT_BRANCH: null, CI_COMMIT_BEFORE_SHA: ZEROS } } } },
    { name: "PRE: MR detached — event type, empty source/target SHAs", files: show, ctx: { ref: mrOf("detached") }, job: { j: { vars: { CI_MERGE_REQUEST_EVENT_TYPE: "detached", CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: "", CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "stable", CI_COMMIT_BRANCH: null, CI_COMMIT_TAG: null } } } },
    { name: "PRE: MR merge train — event type merge_train", files: show, ctx: { ref: mrOf("merge_train") }, job: { j: { vars: { CI_MERGE_REQUEST_EVENT_TYPE: "merge_train", CI_PIPELINE_SOURCE: "merge_request_event", CI_COMMIT_REF_NAME: "feature" } } } },
    { name: "PRE: MR from a fork — source project path is the fork, project path is the target", files: show, ctx: { ref: mrOf("detached", "contributor/qemu") }, job: { j: { vars: { CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: "contributor/qemu", CI_MERGE_REQUEST_PROJECT_PATH: "qemu-project/qemu" } } } },
    { name: "PRE: MR — CI_OPEN_MERGE_REQUESTS names this MR", files: show, ctx: { ref: mrOf("detached") }, job: { j: { vars: { CI_OPEN_MERGE_REQUESTS: "qemu-project/qemu!3" } } } },
    { name: "PRE: schedule on a branch — branch set, blank before-SHA", files: show, ctx: { source: "schedule" }, job: { j: { vars: { CI_COMMIT_BRANCH: "main", CI_COMMIT_BEFORE_SHA: ZEROS, CI_PIPELINE_SOURCE: "schedule" } } } },
    { name: "PRE: schedule on a tag — tag set, no branch", files: show, ctx: { source: "schedule", ref: tag("v1") }, job: { j: { vars: { CI_COMMIT_TAG: "v1", CI_COMMIT_BRANCH: null } } } },
    ...(["web", "api", "trigger", "pipeline", "parent_pipeline"] as const).map((source): SemanticsCase => ({
      name: `PRE: ${source} on a branch — branch variables, source ${source}`,
      files: show,
      ctx: { source, ref: branch("dev") },
      job: { j: { vars: { CI_COMMIT_BRANCH: "dev", CI_PIPELINE_SOURCE: source, CI_MERGE_REQUEST_IID: null, CI_COMMIT_BEFORE_SHA: ZEROS } } },
    })),
    { name: "PRE: CI_CONFIG_PATH is the root file", files: show, job: { j: { vars: { CI_CONFIG_PATH: ".gitlab-ci.yml" } } } },
    { name: "PRE: CI_PROJECT_NAME / NAMESPACE / ROOT_NAMESPACE of a subgroup project", files: show, ctx: { project: { path: "org/sub/app", defaultBranch: "main" } }, job: { j: { vars: { CI_PROJECT_NAME: "app", CI_PROJECT_NAMESPACE: "org/sub", CI_PROJECT_ROOT_NAMESPACE: "org", CI_PROJECT_PATH_SLUG: "org-sub-app" } } } },
    { name: "PRE: CI_PIPELINE_NAME is not set without workflow:name", files: show, job: { j: { vars: { CI_PIPELINE_NAME: null } } } },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/variables/predefined_variables whose values are not known statically", () => {
  const ruleOn = (cond: string) => `j:\n  script: x\n  rules:\n    - if: ${cond}\n`;
  it.each<[string, string, Partial<PipelineContext>]>([
    ["CI_COMMIT_REF_PROTECTED (a project setting)", '$CI_COMMIT_REF_PROTECTED == "true"', {}],
    ["CI_MERGE_REQUEST_TARGET_BRANCH_PROTECTED", '$CI_MERGE_REQUEST_TARGET_BRANCH_PROTECTED == "true"', { ref: mrOf("detached") }],
    ["CI_PROJECT_VISIBILITY", '$CI_PROJECT_VISIBILITY == "public"', {}],
    ["CI_SERVER_VERSION", '$CI_SERVER_VERSION =~ /^17\\./', {}],
    ["CI_COMMIT_TIMESTAMP", "$CI_COMMIT_TIMESTAMP =~ /^2024-/", {}],
    ["CI_COMMIT_MESSAGE", '$CI_COMMIT_MESSAGE =~ /skip-tests/', {}],
    ["CI_MERGE_REQUEST_LABELS", '$CI_MERGE_REQUEST_LABELS =~ /docs/', { ref: mrOf("detached") }],
  ])("%s is unknown: the job is uncertain, never guessed", async (_name, cond, ctx) => {
    const p = await simulateYaml(ruleOn(cond), context(ctx));
    expect(p.certainty).toBe("uncertain");
  });

  // GitLab always sets these in the pipelines named, never empty (predefined_variables.md): a
  // rule that tests only that they are set holds, whatever their value.
  it.each<[string, string, Partial<PipelineContext>]>([
    ["CI_COMMIT_TIMESTAMP", "$CI_COMMIT_TIMESTAMP", {}],
    ["CI_PIPELINE_IID", "$CI_PIPELINE_IID", {}],
    ["CI_COMMIT_SHA (no commit given)", "$CI_COMMIT_SHA", {}],
    ["CI_MERGE_REQUEST_IID (no MR number given)", "$CI_MERGE_REQUEST_IID", { ref: { kind: "mr", source: "feature", target: "main" } }],
    ["CI_MERGE_REQUEST_TITLE", "$CI_MERGE_REQUEST_TITLE && $CI_MERGE_REQUEST_DIFF_BASE_SHA", { ref: mrOf("detached") }],
    ["CI_OPEN_MERGE_REQUESTS in an MR pipeline", "$CI_OPEN_MERGE_REQUESTS", { ref: { kind: "mr", source: "feature", target: "main" } }],
    ["GITLAB_USER_LOGIN", '$GITLAB_USER_LOGIN != ""', {}],
  ])("%s is always set and never empty: `if:` on it holds for sure", async (_name, cond, ctx) => {
    const p = await simulateYaml(ruleOn(cond), context(ctx));
    expect(p.jobs.map((j) => [j.name, j.certainty])).toEqual([["j", "certain"]]);
    expect(p.certainty).toBe("certain");
  });

  it.each<[string, string, Partial<PipelineContext>]>([
    ["CI_MERGE_REQUEST_LABELS (set only when the MR has labels)", "$CI_MERGE_REQUEST_LABELS", { ref: mrOf("detached") }],
    ["CI_MERGE_REQUEST_ASSIGNEES", "$CI_MERGE_REQUEST_ASSIGNEES != null", { ref: mrOf("detached") }],
    ["CI_COMMIT_TAG_MESSAGE (annotated tags only)", "$CI_COMMIT_TAG_MESSAGE", { ref: tag("v1") }],
    ["CI_COMMIT_MESSAGE (possibly empty)", "$CI_COMMIT_MESSAGE", {}],
  ])("%s may be unset or empty: `if:` on it is uncertain", async (_name, cond, ctx) => {
    const p = await simulateYaml(ruleOn(cond), context(ctx));
    expect(p.certainty).toBe("uncertain");
  });

  it("CI_SERVER_VERSION in an image is shown as unknown", async () => {
    await checkCase({ name: "", files: "j:\n  image: gitlab/runner:$CI_SERVER_VERSION\n  script: x\n", job: { j: { image: "gitlab/runner:«$CI_SERVER_VERSION»" } } });
  });
});
