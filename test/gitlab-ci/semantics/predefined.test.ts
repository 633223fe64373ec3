import { describe, it } from "vitest";
import type { RefSpec } from "../../../src/gitlab-ci/context.js";
import { branch, tag } from "../simulate/build.js";
import { checkCase, type SemanticsCase } from "./harness.js";

const show = "j:\n  script: x\n  rules:\n    - when: on_success\n";
const mergedResult: RefSpec = { kind: "mr", source: "feature", target: "main", iid: 12, eventType: "merged_result" };

describe("ci/variables/predefined_variables", () => {
  it.each<SemanticsCase>([
    {
      name: "PRE#CI_COMMIT_REF_SLUG: lower case, non-alphanumerics become -, cut at 63, then trimmed",
      files: show,
      ctx: { ref: branch(`Feature/${"a".repeat(54)}-x-y`) },
      job: { j: { vars: { CI_COMMIT_REF_SLUG: `feature-${"a".repeat(54)}` } } },
    },
    { name: "PRE#CI_COMMIT_REF_SLUG: unicode letters become one - each", files: show, ctx: { ref: branch("fix/über") }, job: { j: { vars: { CI_COMMIT_REF_SLUG: "fix--ber" } } } },
    { name: "PRE#CI_COMMIT_REF_SLUG: of a tag", files: show, ctx: { ref: tag("v8.0.1") }, job: { j: { vars: { CI_COMMIT_REF_SLUG: "v8-0-1", CI_COMMIT_TAG: "v8.0.1", CI_COMMIT_BRANCH: null } } } },
    {
      name: "PRE#CI_REGISTRY_IMAGE: the project path in lower case",
      files: show,
      ctx: { project: { path: "QEMU-Project/QEMU", defaultBranch: "master" } },
      job: { j: { vars: { CI_REGISTRY_IMAGE: "registry.gitlab.com/qemu-project/qemu", CI_PROJECT_PATH: "QEMU-Project/QEMU", CI_PROJECT_NAMESPACE: "QEMU-Project" } } },
    },
    {
      name: "PRE#merge-request: a merged results pipeline has the MR variables and no CI_COMMIT_BRANCH",
      files: show,
      ctx: { ref: mergedResult },
      job: {
        j: {
          vars: {
            CI_MERGE_REQUEST_EVENT_TYPE: "merged_result",
            CI_MERGE_REQUEST_IID: "12",
            CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "feature",
            CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main",
            CI_COMMIT_REF_NAME: "feature",
            CI_COMMIT_BRANCH: null,
            CI_PIPELINE_SOURCE: "merge_request_event",
          },
        },
      },
    },
    {
      name: "PRE#CI_COMMIT_BEFORE_SHA: all zeros in an MR pipeline",
      files: show,
      ctx: { ref: mergedResult },
      job: { j: { vars: { CI_COMMIT_BEFORE_SHA: "0000000000000000000000000000000000000000" } } },
    },
    { name: "PRE#schedule: CI_COMMIT_BRANCH is set in a scheduled pipeline", files: show, ctx: { source: "schedule" }, job: { j: { vars: { CI_COMMIT_BRANCH: "main", CI_PIPELINE_SOURCE: "schedule" } } } },
    { name: "PRE#CI_JOB_NAME: a matrix job's full name", files: "j:\n  script: x\n  parallel:\n    matrix:\n      - A: [x]\n", job: { "j: [x]": { vars: { CI_JOB_NAME: "j: [x]", CI_NODE_INDEX: "1", CI_NODE_TOTAL: "1" } } } },
    { name: "PRE#CI_PIPELINE_TRIGGERED: set for trigger pipelines", files: show, ctx: { source: "trigger" }, job: { j: { vars: { CI_PIPELINE_TRIGGERED: "true" } } } },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});
