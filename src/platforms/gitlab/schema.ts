import { z } from "zod";

/**
 * The parts of GitLab's webhook payloads and API replies that ci-explain reads. Unknown
 * keys pass through untouched; a payload missing a required key is skipped with a log.
 */

const user = z.object({
  id: z.number(),
  username: z.string(),
  /** Present on newer GitLab versions for bot users (project/group access tokens, service accounts). */
  bot: z.boolean().optional(),
});

const project = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  web_url: z.string().optional(),
  default_branch: z.string().nullish(),
});

const mergeRequestAttributes = z.object({
  iid: z.number(),
  url: z.string().optional(),
  state: z.string().optional(),
  source_branch: z.string(),
  target_branch: z.string(),
  source_project_id: z.number().optional(),
  draft: z.boolean().optional(),
  /** The pre-16 name of `draft`. */
  work_in_progress: z.boolean().optional(),
  last_commit: z.object({ id: z.string() }).optional(),
});

/** "Merge Request Hook". */
export const mergeRequestHookSchema = z.object({
  object_kind: z.literal("merge_request"),
  user: user.optional(),
  project,
  object_attributes: mergeRequestAttributes.extend({
    action: z.string().optional(),
    /** Present only when the update pushed new commits. */
    oldrev: z.string().optional(),
    source: z.object({ path_with_namespace: z.string() }).optional(),
  }),
  changes: z.record(z.string(), z.unknown()).optional(),
});
export type MergeRequestHook = z.infer<typeof mergeRequestHookSchema>;

/** "Note Hook" on a merge request. */
export const noteHookSchema = z.object({
  object_kind: z.literal("note"),
  user,
  project,
  object_attributes: z.object({
    id: z.number(),
    note: z.string(),
    noteable_type: z.string(),
    action: z.string().optional(),
    author_id: z.number().optional(),
  }),
  merge_request: mergeRequestAttributes.extend({ source: z.object({ path_with_namespace: z.string() }).optional() }).optional(),
});
export type NoteHook = z.infer<typeof noteHookSchema>;

export const currentUserSchema = z.object({ id: z.number(), username: z.string() });

/** GET /projects/:id/merge_requests/:iid/versions: newest first. */
/** A project member (`GET /projects/:id/members/all/:user_id`): 30 Developer, 40 Maintainer, 50 Owner. */
export const memberSchema = z.object({ id: z.number(), access_level: z.number() });

export const diffVersionSchema = z.object({
  id: z.number(),
  head_commit_sha: z.string(),
  base_commit_sha: z.string(),
  start_commit_sha: z.string().optional(),
});

export const mergeRequestDiffSchema = z.object({
  old_path: z.string(),
  new_path: z.string(),
});

export const treeEntrySchema = z.object({
  id: z.string(),
  path: z.string(),
  type: z.string(),
});

export const branchSchema = z.object({ name: z.string() });

export const noteSchema = z.object({
  id: z.number(),
  body: z.string(),
  author: z.object({ id: z.number(), username: z.string().optional() }),
  system: z.boolean().optional(),
});
export type Note = z.infer<typeof noteSchema>;

/** GET /projects/:id/merge_requests/:iid, as far as the head SHA. */
export const mergeRequestShaSchema = z.object({ sha: z.string() });

/** GET /projects/:id/merge_requests/:iid: the head SHA and the MR's latest pipeline (null before the first). */
export const mergeRequestHeadSchema = mergeRequestShaSchema.extend({
  head_pipeline: z.object({ id: z.number(), sha: z.string(), ref: z.string().optional() }).nullish(),
  /** Files the diff changes, as a string: "1000+" when GitLab cut the diff at its limits; null while it is being prepared. */
  changes_count: z.string().nullish(),
});

/** GET /projects/:id/repository/commits/:sha, as far as its parents. */
export const commitParentsSchema = z.object({ parent_ids: z.array(z.string()) });

/** GET /version. */
export const versionSchema = z.object({ version: z.string() });

/** GET /projects/:id, as far as verify reads it. */
export const projectSchema = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  web_url: z.string().optional(),
  default_branch: z.string().nullish(),
  /** Empty or absent: `.gitlab-ci.yml`. `file@group/project` names a file in another project. */
  ci_config_path: z.string().nullish(),
});

/** One job of a CI Lint dry run (`Gitlab::Ci::Lint#dry_run_convert_to_jobs`): builds and bridges, stage by stage. */
export const lintJobSchema = z.object({
  name: z.string(),
  stage: z.string(),
  when: z.string().optional(),
  allow_failure: z.boolean().optional(),
});

/** The CI Lint API's answer (`API::Entities::Ci::Lint::Result`; `jobs` with `include_jobs`). */
export const lintResultSchema = z.object({
  valid: z.boolean(),
  errors: z.array(z.string()).default([]),
  warnings: z.array(z.string()).default([]),
  jobs: z.array(lintJobSchema).optional(),
});

/** GET /projects/:id/repository/tags and /branches: a name and its commit. */
export const refWithCommitSchema = z.object({ name: z.string(), commit: z.object({ id: z.string() }) });

/** `API::Entities::Ci::PipelineBasic`. */
export const pipelineSchema = z.object({
  id: z.number(),
  project_id: z.number().optional(),
  sha: z.string(),
  ref: z.string(),
  status: z.string(),
  source: z.string().optional(),
  web_url: z.string().optional(),
});
export type PipelineSummary = z.infer<typeof pipelineSchema>;

/** GET /projects/:id/pipelines/:pipeline_id adds the commit before the push. */
export const pipelineDetailSchema = pipelineSchema.extend({ before_sha: z.string().nullish(), tag: z.boolean().optional() });

/** `API::Entities::Ci::JobBasic` (and `Bridge`, which adds the downstream pipeline). */
export const jobSchema = z.object({
  id: z.number(),
  name: z.string(),
  stage: z.string(),
  status: z.string(),
  allow_failure: z.boolean().optional(),
  web_url: z.string().optional(),
  downstream_pipeline: pipelineSchema.nullish(),
});
export type JobRecord = z.infer<typeof jobSchema>;

/** A pipeline variable (`API::Entities::Ci::Variable`). */
export const pipelineVariableSchema = z.object({ key: z.string(), value: z.string().nullish() });

/** A pipeline schedule; with its id asked for, its variables and last pipeline. */
export const pipelineScheduleSchema = z.object({
  id: z.number(),
  ref: z.string().nullish(),
  last_pipeline: z.object({ id: z.number() }).nullish(),
  variables: z.array(pipelineVariableSchema).optional(),
});

/** A merge request in a list, as far as its pipelines' contexts need it. */
export const mergeRequestSummarySchema = z.object({
  iid: z.number(),
  source_branch: z.string(),
  target_branch: z.string(),
  source_project_id: z.number().optional(),
  target_project_id: z.number().optional(),
  web_url: z.string().optional(),
});

/** GET /projects/:id/repository/compare: the paths; a timed-out comparison lists none it can vouch for. */
export const compareSchema = z.object({
  diffs: z.array(mergeRequestDiffSchema).default([]),
  compare_timeout: z.boolean().optional(),
});

/** "Pipeline Hook": the pipeline, its merge request (MR pipelines) and its jobs (builds only, not bridges). */
export const pipelineHookSchema = z.object({
  object_kind: z.literal("pipeline"),
  project,
  object_attributes: z.object({
    id: z.number(),
    /** The branch or tag; for a merge request pipeline, the MR's source branch. */
    ref: z.string(),
    tag: z.boolean().optional(),
    sha: z.string(),
    source: z.string(),
    status: z.string(),
    url: z.string().optional(),
    variables: z.array(pipelineVariableSchema).optional(),
  }),
  merge_request: z
    .object({
      iid: z.number(),
      source_branch: z.string(),
      target_branch: z.string(),
      source_project_id: z.number().optional(),
      target_project_id: z.number().optional(),
      url: z.string().optional(),
    })
    .nullish(),
  builds: z
    .array(
      z.object({
        id: z.number(),
        name: z.string(),
        stage: z.string(),
        status: z.string(),
        when: z.string().optional(),
        allow_failure: z.boolean().optional(),
      }),
    )
    .default([]),
});
export type PipelineHook = z.infer<typeof pipelineHookSchema>;
