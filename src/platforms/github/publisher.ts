import { ANNOTATIONS_PER_CHECK, type CheckAnnotation } from "../../report/annotations.js";
import { CHECK_NAME } from "../../report/check.js";
import { CHECK_OUTPUT_LIMIT } from "../../report/options.js";
import type { GitHubApi, RepoRef } from "./github-api.js";
import { issueCommentSchema, type IssueComment } from "./schema.js";

/** GitHub refuses comment bodies over 65,536 characters (the API's error text says so). */
export const COMMENT_LIMIT = 65_536;

/** `cancelled`: the commit was superseded by a newer push before its analysis finished. */
export type CheckConclusion = "success" | "neutral" | "failure" | "cancelled";

export type { CheckAnnotation };

/** What a completed check says: the report's `CheckOutput` fits, as do the app's own verdicts. */
export interface CheckResult {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
}

export type CommentOutcome = "created" | "updated" | "unchanged" | "absent";

/** How the sticky comment is known: its hidden marker, written by the App's own bot user. */
export interface StickyComment {
  marker: string;
  author: string;
}

export type Reaction = "+1" | "-1" | "eyes" | "confused" | "rocket";

/**
 * Everything the app writes to GitHub for one repository: the check run, the sticky
 * comment, replies and reactions. Idempotent verbs, as Renovate's `ensureComment`:
 * the sticky comment is found by its hidden marker (also after a restart) and edited,
 * never duplicated, and not written at all when its body is unchanged.
 */
export class GitHubPublisher {
  constructor(
    private readonly api: GitHubApi,
    private readonly repo: RepoRef,
  ) {}

  async startCheck(headSha: string, externalId?: string): Promise<number> {
    const response = await this.api.rest.checks.create({
      ...this.repo,
      name: CHECK_NAME,
      head_sha: headSha,
      status: "in_progress",
      ...(externalId ? { external_id: externalId } : {}),
    });
    return response.data.id;
  }

  /** A check that is finished as it is created: one request where in-progress-then-complete takes two. */
  async createCompletedCheck(headSha: string, result: CheckResult, externalId?: string): Promise<void> {
    await this.api.rest.checks.create({
      ...this.repo,
      name: CHECK_NAME,
      head_sha: headSha,
      status: "completed",
      conclusion: result.conclusion,
      ...(externalId ? { external_id: externalId } : {}),
      output: checkOutput(result),
    });
  }

  /** Complete the check: conclusion, output and annotations in one write. */
  async completeCheck(checkRunId: number, result: CheckResult): Promise<void> {
    await this.api.rest.checks.update({ ...this.repo, check_run_id: checkRunId, status: "completed", conclusion: result.conclusion, output: checkOutput(result) });
  }


  /**
   * The comment by `sticky.author` (the App's bot user, `<slug>[bot]`) carrying `sticky.marker`,
   * searched over every page of the conversation.
   */
  async findStickyComment(issueNumber: number, sticky: StickyComment): Promise<IssueComment | undefined> {
    const comments = await this.api.paginate(this.api.rest.issues.listComments, {
      ...this.repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    for (const raw of comments) {
      const comment = issueCommentSchema.parse(raw);
      // Only this App's own comments: a person, or another bot (github-actions[bot]), quoting the marker must not have their comment overwritten.
      if (comment.user?.login === sticky.author && comment.body?.includes(sticky.marker)) return comment;
    }
    return undefined;
  }

  /**
   * Create or edit the one comment carrying `marker`. With `create: false` an existing
   * comment is edited but none is created (e.g. "no longer changes CI").
   */
  async upsertStickyComment(issueNumber: number, sticky: StickyComment, body: string, options: { create: boolean }): Promise<CommentOutcome> {
    const text = clip(body, COMMENT_LIMIT);
    const existing = await this.findStickyComment(issueNumber, sticky);
    if (existing) {
      if (existing.body === text) return "unchanged";
      await this.api.rest.issues.updateComment({ ...this.repo, comment_id: existing.id, body: text });
      return "updated";
    }
    if (!options.create) return "absent";
    await this.api.rest.issues.createComment({ ...this.repo, issue_number: issueNumber, body: text });
    return "created";
  }

  /** Rewrite the sticky comment with `amend` (when there is one, and it changes it); never creates one. */
  async amendStickyComment(issueNumber: number, sticky: StickyComment, amend: (body: string) => string): Promise<CommentOutcome> {
    const existing = await this.findStickyComment(issueNumber, sticky);
    if (!existing) return "absent";
    const before = existing.body ?? "";
    const text = clip(amend(before), COMMENT_LIMIT);
    if (text === before) return "unchanged";
    await this.api.rest.issues.updateComment({ ...this.repo, comment_id: existing.id, body: text });
    return "updated";
  }

  async reply(issueNumber: number, body: string): Promise<void> {
    await this.api.rest.issues.createComment({ ...this.repo, issue_number: issueNumber, body: clip(body, COMMENT_LIMIT) });
  }

  async react(commentId: number, content: Reaction): Promise<void> {
    await this.api.rest.reactions.createForIssueComment({ ...this.repo, comment_id: commentId, content });
  }
}

function checkOutput(result: CheckResult): { title: string; summary: string; text?: string; annotations?: CheckAnnotation[] } {
  // The report selects at most ANNOTATIONS_PER_CHECK and counts the rest; GitHub refuses more in one request.
  const annotations = (result.annotations ?? []).slice(0, ANNOTATIONS_PER_CHECK);
  return {
    title: result.title,
    summary: clip(result.summary, CHECK_OUTPUT_LIMIT),
    ...(result.text ? { text: clip(result.text, CHECK_OUTPUT_LIMIT) } : {}),
    ...(annotations.length > 0 ? { annotations } : {}),
  };
}

const CLIPPED_NOTE = "\n\n… (cut to fit GitHub's size limit)";

/**
 * Last line of defence: the report keeps within its budget by summarising, so this only
 * fires on a bug. GitHub would reject the whole request; a cut at a line end is better.
 */
function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const room = limit - CLIPPED_NOTE.length;
  const cut = text.lastIndexOf("\n", room);
  return text.slice(0, cut > 0 ? cut : room) + CLIPPED_NOTE;
}
