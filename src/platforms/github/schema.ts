import { z } from "zod";

/**
 * The parts of GitHub webhook payloads and API replies the app relies on, validated at the edge.
 * Objects are loose (`z.object` strips unknown keys): GitHub adds fields all the time.
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */

const repository = z.object({
  name: z.string(),
  full_name: z.string(),
  owner: z.object({ login: z.string() }),
  html_url: z.string().optional(),
  default_branch: z.string().optional(),
});
export type Repository = z.infer<typeof repository>;

const account = z.object({
  login: z.string(),
  type: z.string(),
});

/** A pull request's end: `repo` is null when the fork was deleted. */
const prEnd = z.object({
  sha: z.string(),
  ref: z.string(),
  repo: repository.nullable(),
});

export const pullRequestSchema = z.object({
  number: z.number().int(),
  state: z.string(),
  draft: z.boolean().optional(),
  /** How many files the PR changes (webhook and pulls API); the files API lists at most 3,000 of them. */
  changed_files: z.number().int().optional(),
  head: prEnd,
  base: prEnd,
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

const installation = z.object({ id: z.number().int() });

export const pullRequestEventSchema = z.object({
  action: z.string(),
  number: z.number().int(),
  pull_request: pullRequestSchema,
  repository,
  installation: installation.optional(),
  sender: account,
  /** Only on `edited`: what changed. A changed base means a new comparison. */
  changes: z.object({ base: z.unknown().optional() }).optional(),
});
export type PullRequestEvent = z.infer<typeof pullRequestEventSchema>;

export const issueCommentEventSchema = z.object({
  action: z.string(),
  issue: z.object({
    number: z.number().int(),
    /** Present only when the issue is a pull request. */
    pull_request: z.object({ url: z.string().optional() }).optional(),
  }),
  comment: z.object({
    id: z.number().int(),
    body: z.string().nullable().transform((b) => b ?? ""),
    user: account,
    /** OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIMER, FIRST_TIME_CONTRIBUTOR, MANNEQUIN, NONE */
    author_association: z.string(),
  }),
  repository,
  installation: installation.optional(),
  sender: account,
});
export type IssueCommentEvent = z.infer<typeof issueCommentEventSchema>;

/**
 * The pull requests GitHub attaches to a check run or suite. For pull requests from forks
 * the list is empty (GitHub only lists PRs whose head is in the same repository).
 */
const attachedPullRequest = z.object({
  number: z.number().int(),
  head: z.object({ sha: z.string(), ref: z.string() }),
  base: z.object({ sha: z.string(), ref: z.string() }),
});

export const checkRunEventSchema = z.object({
  action: z.string(),
  check_run: z.object({
    name: z.string(),
    /** The app sets it to the PR number: fork PRs are not listed in `pull_requests`. */
    external_id: z.string().nullable().optional(),
    head_sha: z.string(),
    pull_requests: z.array(attachedPullRequest).default([]),
  }),
  repository,
  installation: installation.optional(),
  sender: account,
});
export type CheckRunEvent = z.infer<typeof checkRunEventSchema>;

export const checkSuiteEventSchema = z.object({
  action: z.string(),
  check_suite: z.object({
    head_sha: z.string(),
    pull_requests: z.array(attachedPullRequest).default([]),
  }),
  repository,
  installation: installation.optional(),
  sender: account,
});
export type CheckSuiteEvent = z.infer<typeof checkSuiteEventSchema>;

/**
 * `merge_group` (merge queue): `checks_requested` asks for the required checks of the group's
 * head commit; `destroyed` (merged, dequeued, invalidated) needs no answer.
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#merge_group
 */
export const mergeGroupEventSchema = z.object({
  action: z.string(),
  merge_group: z.object({
    head_sha: z.string(),
    /** `refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>` */
    head_ref: z.string(),
    base_sha: z.string(),
    /** `refs/heads/<base>` */
    base_ref: z.string(),
  }),
  repository,
  installation: installation.optional(),
});
export type MergeGroupEvent = z.infer<typeof mergeGroupEventSchema>;

/** `GET /repos/{owner}/{repo}/git/trees/{sha}?recursive=1` */
export const gitTreeSchema = z.object({
  sha: z.string(),
  truncated: z.boolean().default(false),
  tree: z.array(
    z.object({
      path: z.string(),
      type: z.string(),
      sha: z.string(),
      size: z.number().optional(),
    }),
  ),
});

/** `GET /repos/{owner}/{repo}/git/blobs/{sha}` */
export const gitBlobSchema = z.object({
  content: z.string(),
  encoding: z.string(),
});

/** `GET /repos/{owner}/{repo}/contents/{path}`: a file, or a directory listing. */
export const contentsSchema = z.union([
  z.object({ type: z.literal("file"), path: z.string(), sha: z.string(), content: z.string().optional(), encoding: z.string().optional() }),
  z.array(z.object({ type: z.string(), path: z.string(), sha: z.string() })),
  z.object({ type: z.string(), path: z.string(), sha: z.string() }),
]);

/** An issue comment as listed by the API: enough to find the bot's sticky comment. */
export const issueCommentSchema = z.object({
  id: z.number().int(),
  body: z.string().nullable().optional(),
  user: account.nullable(),
});
export type IssueComment = z.infer<typeof issueCommentSchema>;

/** `GET /repos/{owner}/{repo}/pulls/{n}/files`: renamed files also name their old path. */
export const pullRequestFileSchema = z.object({
  filename: z.string(),
  status: z.string(),
  previous_filename: z.string().optional(),
});

/** True for GitHub Apps and bot accounts: `type: "Bot"`, or a login such as `renovate[bot]`. */
export function isBotAccount(user: { login: string; type: string } | null | undefined): boolean {
  return !!user && (user.type === "Bot" || user.login.endsWith("[bot]"));
}

/** The compare API's reply, as far as the app reads it: the merge base of base and head. */
export const compareSchema = z.object({
  merge_base_commit: z.object({ sha: z.string() }),
  /** The files the comparison changes (at most 300): `sha` is the new blob; a rename names its old path. */
  files: z.array(z.object({ filename: z.string(), status: z.string(), sha: z.string().nullish(), previous_filename: z.string().optional() })).optional(),
});

/** A workflow run (`GET /repos/{owner}/{repo}/actions/runs`, the `workflow_run` webhook). */
export const workflowRunSchema = z.object({
  id: z.number().int(),
  /** The workflow's name (its file path when it has no `name:`); `display_title` is the run's. */
  name: z.string().nullish(),
  path: z.string().optional(),
  head_branch: z.string().nullish(),
  head_sha: z.string(),
  event: z.string(),
  status: z.string().nullish(),
  conclusion: z.string().nullish(),
  run_attempt: z.number().int().optional(),
  html_url: z.string().optional(),
  check_suite_id: z.number().int().optional(),
  /** Empty for a pull request from a fork. */
  pull_requests: z.array(attachedPullRequest).default([]),
});
export type WorkflowRun = z.infer<typeof workflowRunSchema>;

/** A job of a workflow run (`GET .../actions/runs/{run_id}/jobs`). */
export const workflowJobSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullish(),
  html_url: z.string().nullish(),
});

/** `workflow_run` webhook, `completed`. */
export const workflowRunEventSchema = z.object({
  action: z.string(),
  workflow_run: workflowRunSchema,
  repository,
  installation: installation.optional(),
});

/** `check_suite` webhook, `completed`: which app's suite (GitHub Actions' is `github-actions`). */
export const checkSuiteCompletedSchema = z.object({
  action: z.string(),
  check_suite: z.object({ id: z.number().int(), head_sha: z.string(), app: z.object({ slug: z.string().optional() }).nullish() }),
  repository,
  installation: installation.optional(),
});

/** A branch or tag with its commit (`repos.listBranches`, `repos.listTags`). */
export const namedCommitSchema = z.object({ name: z.string(), commit: z.object({ sha: z.string() }) });
