import { describe, expect, it } from "vitest";
import { branch, context, mr, simulateYaml, tag } from "../simulate/build.js";
import { checkCase, type SemanticsCase } from "./harness.js";

/** The docs' "Switch between branch pipelines and merge request pipelines" recipe. */
const switchRecipe = `workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS
      when: never
    - if: $CI_COMMIT_BRANCH
j:
  script: x
`;

describe("ci/yaml/workflow", () => {
  it.each<SemanticsCase>([
    { name: "WF#switch-between-branch-pipelines-and-merge-request-pipelines: a push with an open MR makes no branch pipeline", files: switchRecipe, ctx: { ref: branch("feature"), hasOpenMergeRequest: true }, created: false },
    { name: "WF#switch: a push without an MR makes a branch pipeline", files: switchRecipe, ctx: { ref: branch("feature"), hasOpenMergeRequest: false }, jobs: ["j"] },
    { name: "WF#switch: the MR pipeline is created", files: switchRecipe, ctx: { ref: mr("feature", "main") }, jobs: ["j"] },
    { name: "WF#switch: a tag pipeline is not created (no rule matches)", files: switchRecipe, ctx: { ref: tag("v1") }, created: false },
    {
      name: "WF#workflowrules: changes in workflow:rules",
      files: "workflow:\n  rules:\n    - changes: [src/**/*]\nj:\n  script: x\n",
      ctx: { changedFiles: ["README.md"] },
      created: false,
    },
    {
      name: "WF#workflowrules: changes in workflow:rules, a matching change",
      files: "workflow:\n  rules:\n    - changes: [src/**/*]\nj:\n  script: x\n",
      ctx: { changedFiles: ["src/a/b.c"] },
      jobs: ["j"],
    },
    {
      name: "WF#workflowrules: exists in workflow:rules",
      files: { ".gitlab-ci.yml": "workflow:\n  rules:\n    - exists: [Makefile]\nj:\n  script: x\n", Makefile: "all:\n" },
      jobs: ["j"],
    },
    {
      name: "WF#workflowrules: exists in workflow:rules, no such file",
      files: "workflow:\n  rules:\n    - exists: [Makefile]\nj:\n  script: x\n",
      created: false,
    },
    {
      name: "Y#workflowauto_cancel: workflow:auto_cancel and rules:auto_cancel load without errors",
      files: "workflow:\n  auto_cancel:\n    on_new_commit: interruptible\n    on_job_failure: all\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"main\"\n      auto_cancel:\n        on_new_commit: none\n    - when: always\nj:\n  script: x\n",
      jobs: ["j"],
    },
    {
      name: "Y#workflowrulesvariables: workflow variables are seen by job rules",
      files: "workflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"main\"\n      variables:\n        DEPLOY: \"yes\"\n    - when: always\nj:\n  script: x\n  rules:\n    - if: $DEPLOY == \"yes\"\n",
      jobs: ["j"],
    },
    {
      name: "Y#workflowrulesvariables: workflow variables are not seen on other branches",
      files: "workflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"main\"\n      variables:\n        DEPLOY: \"yes\"\n    - when: always\nj:\n  script: x\n  rules:\n    - if: $DEPLOY == \"yes\"\nk:\n  script: x\n",
      ctx: { ref: branch("dev") },
      jobs: ["k"],
    },
    {
      name: "Y#workflowname: CI_PIPELINE_NAME from workflow:name with a workflow rule variable",
      files: "workflow:\n  name: \"Build $PIPELINE_KIND\"\n  rules:\n    - variables:\n        PIPELINE_KIND: nightly\nj:\n  script: x\n",
      job: { j: { vars: { CI_PIPELINE_NAME: "Build nightly" } } },
    },
    {
      name: "WF#workflowrules: a workflow rule `when: manual` is an error (only always or never)",
      files: "workflow:\n  rules:\n    - when: manual\nj:\n  script: x\n",
      error: "when",
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });

  it("WF#switch: whether a branch has an open MR is unknown, so the branch pipeline is uncertain", async () => {
    const ctx = context({ ref: branch("feature") });
    delete ctx.hasOpenMergeRequest;
    const p = await simulateYaml(switchRecipe, ctx);
    expect(p.certainty).toBe("uncertain");
  });
});
