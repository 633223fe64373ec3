import { CHECK_NAME } from "../../report/check.js";
import { STATUS_DESCRIPTION_LIMIT } from "../../report/status.js";
import type { CommentOutcome } from "../review-flow.js";
import type { GitLabApi, StatusState } from "./gitlab-api.js";
import { noteSchema, pipelineSchema, type Note } from "./schema.js";

/** GitLab refuses notes over 1,000,000 characters; the report keeps far below. */
export const NOTE_LIMIT = 1_000_000;

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
  private pipelineId?: number | null;

  constructor(
    private readonly api: GitLabApi,
    private readonly mr: MergeRequestTarget,
    private readonly botUserId: number,
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

  async reply(body: string): Promise<void> {
    await this.api.createNote(this.mr.project, this.mr.iid, clip(body));
  }

  async award(noteId: number, name: "eyes" | "confused"): Promise<void> {
    await this.api.awardNoteEmoji(this.mr.project, this.mr.iid, noteId, name);
  }

  /**
   * Set the `ci-explain` status on the head SHA. It names the MR's latest pipeline for that
   * SHA (`pipeline_id`): without one GitLab looks for the newest pipeline of SHA and ref,
   * and when it finds none it creates an "external" pipeline just for this status — a
   * stray pipeline in projects that run MR pipelines (Renovate #41241, Atlantis #2489).
   */
  async setStatus(state: StatusState, description: string): Promise<void> {
    this.pipelineId ??= await this.latestPipelineId();
    await this.api.setStatus(this.mr.project, this.mr.headSha, {
      state,
      name: CHECK_NAME,
      description: description.length > STATUS_DESCRIPTION_LIMIT ? `${description.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…` : description,
      ...(this.noteUrl ? { targetUrl: this.noteUrl } : this.mr.webUrl ? { targetUrl: this.mr.webUrl } : {}),
      ...(this.pipelineId !== null ? { pipelineId: this.pipelineId } : {}),
    });
  }

  /** The newest MR pipeline of the head SHA, or null when there is none (yet). */
  private async latestPipelineId(): Promise<number | null> {
    const pipelines = (await this.api.mergeRequestPipelines(this.mr.project, this.mr.iid)).map((p) => pipelineSchema.parse(p));
    return pipelines.find((p) => p.sha === this.mr.headSha)?.id ?? null;
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
