import { plural } from "../../core/plural.js";
import type { HazardCheck } from "./check.js";

/**
 * A push to a branch with an open MR creates both a branch pipeline and an MR pipeline for the
 * same commit: every job runs twice. GitLab's remedy is a workflow rule such as
 * `if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS` → `when: never` (workflow docs,
 * "Switch between branch pipelines and merge request pipelines").
 */
export const duplicatePipelines: HazardCheck = {
  kind: "duplicate-pipelines",
  severity: "warning",
  scope: "revision",
  check(revision) {
    const probe = revision.openMrProbe;
    if (!probe || !probe.branchPush.created || !probe.mrPipeline.created) return [];
    const possible = probe.branchPush.creation === "uncertain" || probe.mrPipeline.creation === "uncertain";
    return [
      {
        key: "branch-and-mr",
        message:
          `a push to \`${probe.branch}\` while its MR is open creates two pipelines, a branch pipeline ` +
          `(${plural(probe.branchPush.jobs.length, "job")}) and an MR pipeline (${plural(probe.mrPipeline.jobs.length, "job")}): ` +
          `the jobs run twice. Workflow rules can let only one of them through.`,
        contexts: [probe.branch],
        images: [],
        jobs: [],
        source: probe.branchPush.workflow?.rule?.pos ?? probe.mrPipeline.workflow?.rule?.pos,
        ...(possible ? { possible: true as const } : {}),
      },
    ];
  },
};
