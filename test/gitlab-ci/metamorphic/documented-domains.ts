import type { PipelineContext } from "../../../src/gitlab-ci/context.js";

/**
 * What GitLab's predefined-variables reference (ci/variables/predefined_variables.md) says about
 * the predefined variables whose value cannot be known before a pipeline exists: whether GitLab
 * always sets them in a pipeline of that kind, and whether a value it sets can be empty. Written
 * from the documentation, not from the code: the metamorphic check tries only values GitLab can
 * give, and the engine's own table is checked against this one.
 */
export interface DocumentedDomain {
  /** GitLab may leave it unset in this pipeline. */
  maybeAbsent: boolean;
  /** A value GitLab sets is never empty. */
  nonEmpty: boolean;
}

const SET_NON_EMPTY: DocumentedDomain = { maybeAbsent: false, nonEmpty: true };
const SET_MAYBE_EMPTY: DocumentedDomain = { maybeAbsent: false, nonEmpty: false };
const ONLY_WHEN_NON_EMPTY: DocumentedDomain = { maybeAbsent: true, nonEmpty: true };

/** Every pipeline: the pipeline, its commit, the user who started it, the project and the server. */
const EVERY_PIPELINE: Record<string, DocumentedDomain> = {
  CI_PIPELINE_IID: SET_NON_EMPTY,
  CI_PIPELINE_CREATED_AT: SET_NON_EMPTY,
  GITLAB_USER_LOGIN: SET_NON_EMPTY,
  GITLAB_USER_NAME: SET_NON_EMPTY,
  GITLAB_USER_EMAIL: SET_NON_EMPTY,
  GITLAB_USER_ID: SET_NON_EMPTY,
  CI_COMMIT_SHA: SET_NON_EMPTY,
  CI_COMMIT_SHORT_SHA: SET_NON_EMPTY,
  CI_COMMIT_MESSAGE: SET_MAYBE_EMPTY,
  CI_COMMIT_TITLE: SET_MAYBE_EMPTY,
  CI_COMMIT_DESCRIPTION: SET_MAYBE_EMPTY,
  CI_COMMIT_AUTHOR: SET_NON_EMPTY,
  CI_COMMIT_TIMESTAMP: SET_NON_EMPTY,
  CI_COMMIT_REF_PROTECTED: SET_NON_EMPTY,
  CI_PROJECT_ID: SET_NON_EMPTY,
  CI_PROJECT_NAMESPACE_ID: SET_NON_EMPTY,
  CI_PROJECT_TITLE: SET_NON_EMPTY,
  CI_PROJECT_VISIBILITY: SET_NON_EMPTY,
  CI_PROJECT_DESCRIPTION: SET_MAYBE_EMPTY,
  CI_PROJECT_REPOSITORY_LANGUAGES: SET_MAYBE_EMPTY,
  CI_PROJECT_CLASSIFICATION_LABEL: SET_MAYBE_EMPTY,
  GITLAB_FEATURES: SET_MAYBE_EMPTY,
  CI_SERVER_VERSION: SET_NON_EMPTY,
  CI_SERVER_VERSION_MAJOR: SET_NON_EMPTY,
  CI_SERVER_VERSION_MINOR: SET_NON_EMPTY,
  CI_SERVER_VERSION_PATCH: SET_NON_EMPTY,
  CI_SERVER_REVISION: SET_NON_EMPTY,
  CI_SERVER_SHELL_SSH_HOST: SET_NON_EMPTY,
  CI_SERVER_SHELL_SSH_PORT: SET_NON_EMPTY,
};

/** Merge request pipelines (the "Predefined variables for merge request pipelines" table). */
const MERGE_REQUEST: Record<string, DocumentedDomain> = {
  CI_MERGE_REQUEST_IID: SET_NON_EMPTY,
  CI_MERGE_REQUEST_ID: SET_NON_EMPTY,
  CI_MERGE_REQUEST_REF_PATH: SET_NON_EMPTY,
  CI_MERGE_REQUEST_PROJECT_ID: SET_NON_EMPTY,
  CI_MERGE_REQUEST_SOURCE_PROJECT_ID: SET_NON_EMPTY,
  CI_MERGE_REQUEST_TITLE: SET_NON_EMPTY,
  CI_MERGE_REQUEST_DESCRIPTION: SET_MAYBE_EMPTY,
  CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED: SET_NON_EMPTY,
  CI_MERGE_REQUEST_DRAFT: SET_NON_EMPTY,
  CI_MERGE_REQUEST_DIFF_ID: SET_NON_EMPTY,
  CI_MERGE_REQUEST_DIFF_BASE_SHA: SET_NON_EMPTY,
  CI_MERGE_REQUEST_SOURCE_BRANCH_PROTECTED: SET_NON_EMPTY,
  CI_MERGE_REQUEST_TARGET_BRANCH_PROTECTED: SET_NON_EMPTY,
  CI_MERGE_REQUEST_SQUASH_ON_MERGE: SET_NON_EMPTY,
  CI_MERGE_REQUEST_LABELS: ONLY_WHEN_NON_EMPTY,
  CI_MERGE_REQUEST_ASSIGNEES: ONLY_WHEN_NON_EMPTY,
  CI_MERGE_REQUEST_MILESTONE: ONLY_WHEN_NON_EMPTY,
  CI_MERGE_REQUEST_APPROVED: ONLY_WHEN_NON_EMPTY,
  CI_OPEN_MERGE_REQUESTS: SET_NON_EMPTY,
  CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: SET_NON_EMPTY,
  CI_MERGE_REQUEST_TARGET_BRANCH_SHA: SET_NON_EMPTY,
};

/** The documented domain of a predefined variable in one context; undefined when it is not predefined there. */
export function documentedDomain(name: string, context: PipelineContext): DocumentedDomain | undefined {
  const ref = context.ref;
  if (ref.kind === "mr" && MERGE_REQUEST[name]) return MERGE_REQUEST[name];
  if (ref.kind === "branch" && context.source === "push" && name === "CI_COMMIT_BEFORE_SHA") return SET_NON_EMPTY;
  // Set only when the branch is an open merge request's source.
  if (ref.kind === "branch" && name === "CI_OPEN_MERGE_REQUESTS" && context.hasOpenMergeRequest === undefined) return ONLY_WHEN_NON_EMPTY;
  if (ref.kind === "tag" && (name === "CI_COMMIT_TAG_MESSAGE" || name === "CI_RELEASE_DESCRIPTION")) return ONLY_WHEN_NON_EMPTY;
  if (context.source === "schedule" && name === "CI_PIPELINE_SCHEDULE_DESCRIPTION") return SET_NON_EMPTY;
  return EVERY_PIPELINE[name];
}
