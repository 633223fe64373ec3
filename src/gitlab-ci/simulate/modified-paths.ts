import type { PipelineContext } from "../context.js";

/**
 * The files GitLab compares `changes:` against in this context (Ci::Pipeline#modified_paths):
 * - a push to a branch: the push's diff (previous tip → new tip);
 * - an MR pipeline: the MR's diff against its target; an external PR: the PR's diff;
 * - anything else (tags, schedules, web, API, triggers, parent/multi-project pipelines, …):
 *   no diff at all, and GitLab then treats `changes:` as satisfied.
 * The caller computes the diff and puts it in `context.changedFiles`; when it did not,
 * the answer is unknown — we do not guess.
 */
export type ModifiedPaths =
  | { kind: "files"; files: string[] }
  | { kind: "always" }
  | { kind: "unknown"; why: string };

export function modifiedPaths(context: PipelineContext): ModifiedPaths {
  const hasDiff =
    (context.source === "push" && context.ref.kind === "branch") ||
    context.source === "merge_request_event" ||
    context.source === "external_pull_request_event";
  if (!hasDiff) return { kind: "always" };
  if (context.changedFiles === undefined) {
    return { kind: "unknown", why: "the changed files of this push/MR are not known" };
  }
  return { kind: "files", files: context.changedFiles };
}

/**
 * `rules:changes:compare_to` (a branch, tag or SHA): GitLab diffs against that ref instead.
 * We only know that diff when it is the one the context already carries: the MR's target.
 */
export function modifiedPathsSince(context: PipelineContext, compareTo: string): ModifiedPaths {
  // The docs' own example is `compare_to: 'refs/heads/branch1'`: a full ref names the same branch.
  const branch = compareTo.replace(/^refs\/heads\//, "");
  if (context.ref.kind === "mr" && context.ref.target === branch && context.changedFiles !== undefined) {
    return { kind: "files", files: context.changedFiles };
  }
  return { kind: "unknown", why: `the files changed since "${compareTo}" are not known` };
}
