import { CHECK_NAME } from "../../report/check.js";
import { clipPhrases } from "../../report/markdown-escape.js";
import { STATUS_DESCRIPTION_LIMIT } from "../../report/status.js";
import type { CommentOutcome } from "../review-flow.js";
import type { GitLabApi, StatusState } from "./gitlab-api.js";
import { commitParentsSchema, mergeRequestHeadSchema, noteSchema, type Note } from "./schema.js";

/** GitLab refuses notes over 1,000,000 characters; the report keeps far below. */
export const NOTE_LIMIT = 1_000_000;

/**
 * GitLab refuses a commit status whose `target_url` is longer than 255 characters (400,
 * gitlab-org/gitlab#321685); `name` and `description` are kept within 255 too. The name
 * is CHECK_NAME, far below.
 */
export const STATUS_URL_LIMIT = 255;

/** Where the status goes: a commit, and the pipeline it joins when there is one. */
interface StatusTarget {
  sha: string;
  pipelineId?: number;
}

/** The verdict as a GitLab commit status. GitLab has no "neutral": it is a success. */
export interface StatusVerdict {
  state: Extract<StatusState, "success" | "failed">;
  description: string;
}

export interface MergeRequestTarget {
  project: number | string;
  iid: number;
  /** The MR's web URL; the note's URL is `<url>#note_<id>`. */
  webUrl?: string;
  headSha: string;
}

/**
 * Everything the bot writes to one GitLab merge request: the sticky note (found by its
 * hidden marker among the bot user's own notes, edited in place, never rewritten when
 * unchanged), replies, award emoji, and the `ci-explain` commit status on the head SHA.
 */
export class GitLabPublisher {
  private noteUrl?: string;
  private target?: StatusTarget;

  constructor(
    private readonly api: GitLabApi,
    private readonly mr: MergeRequestTarget,
    private readonly botUserId: number,
    /** The MR API's reply, when the review has read it already. */
    private readonly details: () => Promise<unknown> = () => api.mergeRequest(mr.project, mr.iid),
  ) {}

  /** The bot's note carrying `marker`, over every page of the MR's notes. */
  async findStickyNote(marker: string): Promise<Note | undefined> {
    const notes = await this.api.notes(this.mr.project, this.mr.iid);
    for (const raw of notes) {
      const note = noteSchema.parse(raw);
      // Only the bot's own notes: a person quoting the marker must not have their note overwritten.
      if (note.author.id === this.botUserId && !note.system && note.body.includes(marker)) return note;
    }
    return undefined;
  }

  async upsertStickyNote(marker: string, body: string, options: { create: boolean }): Promise<CommentOutcome> {
    const text = clip(body);
    const existing = await this.findStickyNote(marker);
    if (existing) {
      this.rememberUrl(existing.id);
      if (existing.body === text) return "unchanged";
      await this.api.editNote(this.mr.project, this.mr.iid, existing.id, text);
      return "updated";
    }
    if (!options.create) return "absent";
    const created = noteSchema.pick({ id: true }).parse(await this.api.createNote(this.mr.project, this.mr.iid, text));
    this.rememberUrl(created.id);
    return "created";
  }

  /** Rewrite the sticky note with `amend` (when there is one, and it changes it); never creates one. */
  async amendStickyNote(marker: string, amend: (body: string) => string): Promise<CommentOutcome> {
    const existing = await this.findStickyNote(marker);
    if (!existing) return "absent";
    const text = clip(amend(existing.body));
    if (text === existing.body) return "unchanged";
    await this.api.editNote(this.mr.project, this.mr.iid, existing.id, text);
    return "updated";
  }

  async reply(body: string): Promise<void> {
    await this.api.createNote(this.mr.project, this.mr.iid, clip(body));
  }

  async award(noteId: number, name: "eyes" | "confused"): Promise<void> {
    await this.api.awardNoteEmoji(this.mr.project, this.mr.iid, noteId, name);
  }

  /**
   * Set the `ci-explain` status, in the MR's head pipeline when it has one for the head
   * SHA (`pipeline_id`): without one GitLab looks for the newest pipeline of SHA and ref,
   * and when it finds none it creates an "external" pipeline just for this status — a
   * stray pipeline in projects that run MR pipelines (Renovate #41241, Atlantis #2489).
   * Every field is kept within GitLab's limits: a link too long is shortened to the MR's,
   * or left out, never a rejected status.
   */
  async setStatus(state: StatusState, description: string): Promise<void> {
    this.target ??= await this.statusTarget();
    const targetUrl = [this.noteUrl, this.mr.webUrl].find((url) => url !== undefined && url.length <= STATUS_URL_LIMIT);
    await this.api.setStatus(this.mr.project, this.target.sha, {
      state,
      name: CHECK_NAME,
      description: clipPhrases(description, STATUS_DESCRIPTION_LIMIT),
      ...(targetUrl ? { targetUrl } : {}),
      ...(this.target.pipelineId !== undefined ? { pipelineId: this.target.pipelineId } : {}),
    });
  }

  /**
   * The MR's head pipeline (`head_pipeline` of the MR API) when it is this head SHA's. A
   * merged-results pipeline (or a merge train's) runs on a merge commit of the target
   * branch and the head, so its SHA is not the head's: the status goes on that merge commit,
   * in that pipeline, once the commit's parents show it merges this very head. Otherwise
   * the status goes on the head SHA with no pipeline named.
   * https://docs.gitlab.com/ci/pipelines/merged_results_pipelines/
   */
  private async statusTarget(): Promise<StatusTarget> {
    const head: StatusTarget = { sha: this.mr.headSha };
    const mr = mergeRequestHeadSchema.parse(await this.details());
    const pipeline = mr.head_pipeline;
    if (!pipeline || mr.sha !== this.mr.headSha) return head;
    if (pipeline.sha === this.mr.headSha) return { ...head, pipelineId: pipeline.id };
    // Any other ref (the branch, `refs/merge-requests/<iid>/head`) runs on the head itself: a different SHA is an older head's pipeline.
    if (!/^refs\/merge-requests\/\d+\/(merge|train)$/.test(pipeline.ref ?? "")) return head;
    const merge = commitParentsSchema.parse(await this.api.commit(this.mr.project, pipeline.sha));
    return merge.parent_ids.includes(this.mr.headSha) ? { sha: pipeline.sha, pipelineId: pipeline.id } : head;
  }

  private rememberUrl(noteId: number): void {
    if (this.mr.webUrl) this.noteUrl = `${this.mr.webUrl}#note_${noteId}`;
  }
}

const CLIPPED_NOTE = "\n\n… (cut to fit GitLab's size limit)";

/** Last line of defence: the report keeps within its budget, so this only fires on a bug. */
function clip(text: string): string {
  if (text.length <= NOTE_LIMIT) return text;
  const room = NOTE_LIMIT - CLIPPED_NOTE.length;
  const cut = text.lastIndexOf("\n", room);
  return text.slice(0, cut > 0 ? cut : room) + CLIPPED_NOTE;
}
