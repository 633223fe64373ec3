import { describe, expect, it } from "vitest";
import type { PipelineContext } from "../../../src/gitlab-ci/context.js";
import { pipelinePhaseVariables, prePipelineVariables } from "../../../src/gitlab-ci/simulate/index.js";
import { branch, context, mr, tag } from "./build.js";

/** name → value, "?" for a variable GitLab sets but whose value is not known statically. */
function vars(ctx: PipelineContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of [...prePipelineVariables(ctx), ...pipelinePhaseVariables(ctx)]) out[e.name] = e.unknown !== undefined ? "?" : e.raw;
  return out;
}

describe("predefined variables per pipeline source", () => {
  it.each([
    ["branch push", context({ ref: branch("staging-8.0") }), { CI_COMMIT_BRANCH: "staging-8.0", CI_COMMIT_REF_NAME: "staging-8.0", CI_COMMIT_REF_SLUG: "staging-8-0", CI_PIPELINE_SOURCE: "push", CI_COMMIT_BEFORE_SHA: "?" }, ["CI_COMMIT_TAG", "CI_MERGE_REQUEST_IID", "CI_OPEN_MERGE_REQUESTS", "CI_PIPELINE_TRIGGERED"]],
    ["tag push", context({ ref: tag("v8.0.2") }), { CI_COMMIT_TAG: "v8.0.2", CI_COMMIT_REF_NAME: "v8.0.2", CI_COMMIT_REF_SLUG: "v8-0-2" }, ["CI_COMMIT_BRANCH", "CI_MERGE_REQUEST_IID"]],
    [
      "merge request",
      context({ ref: mr("fix/Thing", "master") }),
      {
        CI_PIPELINE_SOURCE: "merge_request_event",
        CI_COMMIT_REF_NAME: "fix/Thing",
        CI_COMMIT_REF_SLUG: "fix-thing",
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "fix/Thing",
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "master",
        CI_MERGE_REQUEST_IID: "7",
        CI_MERGE_REQUEST_EVENT_TYPE: "detached",
        CI_MERGE_REQUEST_PROJECT_PATH: "qemu-project/qemu",
        CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: "qemu-project/qemu",
        CI_MERGE_REQUEST_LABELS: "?",
        CI_MERGE_REQUEST_TITLE: "?",
        CI_OPEN_MERGE_REQUESTS: "qemu-project/qemu!7",
        CI_COMMIT_BEFORE_SHA: "0000000000000000000000000000000000000000",
      },
      ["CI_COMMIT_BRANCH", "CI_COMMIT_TAG"],
    ],
    ["schedule on a branch", context({ ref: branch("main"), source: "schedule" }), { CI_COMMIT_BRANCH: "main", CI_PIPELINE_SOURCE: "schedule" }, ["CI_COMMIT_TAG"]],
    ["trigger on a tag", context({ ref: tag("v1"), source: "trigger" }), { CI_COMMIT_TAG: "v1", CI_PIPELINE_TRIGGERED: "true" }, ["CI_COMMIT_BRANCH"]],
    ["branch with an open MR", context({ ref: branch("wip"), hasOpenMergeRequest: true }), { CI_OPEN_MERGE_REQUESTS: "?" }, []],
  ])("%s", (_what, ctx, defined, absent) => {
    const v = vars(ctx);
    expect(v).toMatchObject(defined);
    for (const name of absent) expect(v, name).not.toHaveProperty(name);
  });

  it("derives project, server and registry variables from the context", () => {
    const v = vars(
      context({
        project: { path: "Alice/sub/QEMU", defaultBranch: "master" },
        server: { url: "https://gitlab.example.com:8443/", registry: "registry.example.com:5050" },
        commitSha: "0123456789abcdef0123456789abcdef01234567",
      }),
    );
    expect(v).toMatchObject({
      CI_PROJECT_PATH: "Alice/sub/QEMU",
      CI_PROJECT_NAMESPACE: "Alice/sub",
      CI_PROJECT_ROOT_NAMESPACE: "Alice",
      CI_PROJECT_NAME: "QEMU",
      CI_PROJECT_PATH_SLUG: "alice-sub-qemu",
      CI_PROJECT_URL: "https://gitlab.example.com:8443/Alice/sub/QEMU",
      CI_DEFAULT_BRANCH: "master",
      CI_SERVER_HOST: "gitlab.example.com",
      CI_SERVER_PORT: "8443",
      CI_SERVER_FQDN: "gitlab.example.com:8443",
      CI_SERVER_PROTOCOL: "https",
      CI_API_V4_URL: "https://gitlab.example.com:8443/api/v4",
      CI_REGISTRY: "registry.example.com:5050",
      CI_REGISTRY_IMAGE: "registry.example.com:5050/alice/sub/qemu",
      CI_COMMIT_SHA: "0123456789abcdef0123456789abcdef01234567",
      CI_COMMIT_SHORT_SHA: "01234567",
      CI_COMMIT_MESSAGE: "?",
      CI_COMMIT_REF_PROTECTED: "?",
      CI_PIPELINE_IID: "?",
      CI: "true",
      GITLAB_CI: "true",
    });
  });

  it("leaves job-only variables out of rule evaluation", () => {
    const v = vars(context());
    for (const name of ["CI_JOB_ID", "CI_JOB_TOKEN", "CI_PIPELINE_ID", "CI_REGISTRY_PASSWORD"]) expect(v).not.toHaveProperty(name);
  });
});
