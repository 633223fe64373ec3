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
});

/** GET /projects/:id/repository/commits/:sha, as far as its parents. */
export const commitParentsSchema = z.object({ parent_ids: z.array(z.string()) });
