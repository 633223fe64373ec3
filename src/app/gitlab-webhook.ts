import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { z } from "zod";
import { analyze } from "../analysis/analyze.js";
import { analyzeRepository } from "../analysis/analyze-repository.js";
import { applyCommand } from "../commands/apply-command.js";
import { COMMAND_USAGE, isExplainCommand, parseCommand } from "../commands/parse-command.js";
import { DEFAULT_COMMAND_RATE_LIMIT, SlidingWindowLimiter, type CommandRateLimiter } from "../commands/rate-limit.js";
import { loadSettings } from "../config/load-settings.js";
import { isOwnReport } from "../report/marker.js";
import { LruBlobCache } from "../platforms/blob-cache.js";
import { describeFailure } from "../platforms/describe-failure.js";
import type { GitLabApi } from "../platforms/gitlab/gitlab-api.js";
import { createGitLabReport } from "../platforms/gitlab/gitlab-report.js";
import { answerMergeRequest, mergeRequestReader, reviewMergeRequest, type GitLabReviewDeps, type MergeRequestRef } from "../platforms/gitlab/merge-request.js";
import { GitLabPublisher } from "../platforms/gitlab/publisher.js";
import { httpStatusOf } from "../platforms/gitlab/gitlab-source.js";
import { currentUserSchema, memberSchema, mergeRequestHookSchema, mergeRequestShaSchema, noteHookSchema, type MergeRequestHook, type NoteHook } from "../platforms/gitlab/schema.js";
import { isValidGitLabToken } from "../platforms/gitlab/webhook-auth.js";
import type { CommentPolicy } from "../platforms/review-flow.js";
import { runWithWriteGuard, SupersededError } from "../platforms/write-guard.js";
import { MemoryDeliveryDedupe, type DeliveryDedupe } from "./delivery-dedupe.js";
import type { BotMetrics } from "./observability/metrics.js";
import type { JobRouter } from "./queue/job-router.js";
import { writeGuard, type JobControl, type JobOutcome, type WorkJob } from "./queue/work-queue.js";
import { KeyedSerializer } from "./serialize-per-key.js";

import { GITLAB_WEBHOOK_PATH } from "./webhook-path.js";

export { GITLAB_WEBHOOK_PATH };

/** Webhook bodies above this are refused (GitLab MR payloads are far smaller). */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface GitLabAppDeps extends GitLabReviewDeps {
  api: GitLabApi;
  /** The webhook's secret token (X-Gitlab-Token). */
  secret: string;
  deliveries: DeliveryDedupe;
  commandLimiter: CommandRateLimiter;
  serializer: KeyedSerializer;
  log: Logger;
  /** The token's user (asked once): its notes are the bot's own. */
  bot(): Promise<{ id: number; username: string }>;
  now(): number;
  /**
   * Runs an event's work after the HTTP answer. GitLab waits at most 10 s for an answer and
   * disables a hook that keeps timing out, so the answer never waits for the analysis.
   */
  schedule(work: () => Promise<void>): void;
  /**
   * With a queue the webhook only enqueues (as the GitHub App does) and a worker registered
   * as `gitlab` runs the event; without one the event runs through `schedule`.
   */
  jobs?: JobRouter;
  metrics?: BotMetrics;
}

export function defaultGitLabAppDeps(options: { api: GitLabApi; secret: string; log: Logger }): GitLabAppDeps {
  return {
    ...options,
    bot: memoizedBotUser(options.api),
    analyze,
    analyzeRepository,
    loadSettings: (source) => loadSettings(source),
    report: createGitLabReport(),
    blobCache: new LruBlobCache(),
    deliveries: new MemoryDeliveryDedupe(),
    commandLimiter: new SlidingWindowLimiter(DEFAULT_COMMAND_RATE_LIMIT),
    serializer: new KeyedSerializer(),
    now: () => Date.now(),
    schedule: (work) => void work(),
  };
}

export interface GitLabWebhook {
  /** Answers POST /api/gitlab/webhooks; false for any other request. */
  route(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Resolves when every accepted event's work has finished (tests, graceful shutdown). */
  idle(): Promise<void>;
}

/** The work one accepted webhook asks for; a queue can carry it as it is. */
export interface GitLabEvent {
  name: string;
  payload: unknown;
  /** Idempotency-Key, else X-Gitlab-Event-UUID; undefined when GitLab sent neither. */
  delivery?: string;
}

export function createGitLabWebhook(deps: GitLabAppDeps): GitLabWebhook {
  const { jobs } = deps;
  if (jobs) jobs.register("gitlab", gitLabWorker(deps));
  const running = new Set<Promise<void>>();
  const schedule = (work: () => Promise<void>) =>
    deps.schedule(() => {
      const task = work();
      running.add(task);
      void task.finally(() => running.delete(task));
      return task;
    });
  return {
    idle: async () => {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    route: async (req, res) => {
      if (req.url?.split("?")[0] !== GITLAB_WEBHOOK_PATH) return false;
      if (req.method !== "POST") return answer(res, 405, { error: "use POST" });
      if (!isValidGitLabToken(req.headers["x-gitlab-token"], deps.secret)) {
        req.resume();
        deps.log.warn({ reason: "missing or wrong X-Gitlab-Token" }, "ci-explain refused a GitLab webhook");
        return answer(res, 401, { error: "invalid X-Gitlab-Token" });
      }
      const body = await readBody(req);
      if (body === undefined) return answer(res, 413, { error: "body too large" });
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        return answer(res, 400, { error: "the body is not JSON" });
      }
      // Every GitLab webhook body is a JSON object; `null` or a list would fail later, far from here.
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
        return answer(res, 400, { error: "the body is not a JSON object" });
      }
      const event: GitLabEvent = { name: String(req.headers["x-gitlab-event"] ?? ""), payload, delivery: deliveryId(req) };
      deps.metrics?.webhooksReceived.inc({ platform: "gitlab", event: event.name });
      const key = event.delivery ? deliveryKey(event.delivery) : undefined;
      if (key && !(await deps.deliveries.claim(key))) {
        deps.metrics?.webhooksRejected.inc({ platform: "gitlab", reason: "duplicate" });
        deps.log.info({ delivery: event.delivery, reason: "redelivery of an event handled already" }, "ci-explain skipped");
        return answer(res, 200, { status: "duplicate" });
      }
      if (jobs) return enqueueGitLabEvent(deps, jobs, event, key, res);
      answer(res, 202, { status: "accepted" });
      schedule(async () => {
        const ok = await handleGitLabEvent(deps, event).catch((err: unknown) => {
          deps.log.error({ event: event.name, delivery: event.delivery, reason: describeFailure(err) }, "ci-explain handler failed");
          return false;
        });
        // A failed run forgets its delivery, so that GitLab's retry (same Idempotency-Key) tries again.
        if (!ok && key) await deps.deliveries.release(key);
      });
      return true;
    },
  };
}

/** The de-duplication key of a delivery (Idempotency-Key / X-Gitlab-Event-UUID). */
function deliveryKey(delivery: string): string {
  return `gitlab:${delivery}`;
}

/**
 * The job for one GitLab event, read loosely (the worker validates it fully): a merge
 * request event is the automatic review of its head SHA (same SHA collapses, a newer SHA
 * supersedes), a note on a merge request is a command and its own job. One key per MR,
 * `gitlab:<project>#<iid>`, so work for one MR never runs twice at once.
 */
export function gitLabJobFor(event: GitLabEvent): WorkJob<GitLabEvent> | undefined {
  const payload = event.payload as {
    project?: { path_with_namespace?: string };
    object_attributes?: { iid?: number; last_commit?: { id?: string } };
    merge_request?: { iid?: number };
  };
  const project = payload.project?.path_with_namespace;
  if (!project) return undefined;
  const base = { deliveryId: event.delivery ?? `gitlab-${randomUUID()}`, payload: event };
  const mr = payload.object_attributes;
  if (event.name === "Merge Request Hook" && mr?.iid !== undefined) {
    return { ...base, key: `gitlab:${project}#${mr.iid}`, sha: mr.last_commit?.id || undefined, kind: "review", supersedes: mr.last_commit?.id !== undefined };
  }
  if (event.name === "Note Hook" && payload.merge_request?.iid !== undefined) {
    return { ...base, key: `gitlab:${project}#${payload.merge_request.iid}`, kind: "command", supersedes: false };
  }
  return undefined;
}

async function enqueueGitLabEvent(deps: GitLabAppDeps, jobs: JobRouter, event: GitLabEvent, key: string | undefined, res: ServerResponse): Promise<true> {
  const job = gitLabJobFor(event);
  if (!job) {
    deps.metrics?.webhooksRejected.inc({ platform: "gitlab", reason: "not-work" });
    deps.log.debug({ event: event.name, delivery: event.delivery, reason: "the event is no merge request work" }, "ci-explain skipped");
    return answer(res, 202, { status: "ignored" });
  }
  try {
    await jobs.enqueue(job);
  } catch (err) {
    // The queue is unreachable: forget the delivery and let GitLab retry it.
    if (key) await deps.deliveries.release(key);
    deps.log.error({ delivery: event.delivery, reason: describeFailure(err) }, "ci-explain could not enqueue a GitLab event");
    return answer(res, 503, { error: "could not queue the event" });
  }
  return answer(res, 202, { status: "accepted" });
}

/**
 * The worker for `gitlab:` jobs: the event runs with the job's write guard (the API client's
 * `beforeWrite` consults it), so a superseded review never writes; a failure forgets the
 * delivery so GitLab's retry of it runs again.
 */
export function gitLabWorker(deps: GitLabAppDeps) {
  return async (job: WorkJob, control: JobControl): Promise<JobOutcome> => {
    const event = job.payload as GitLabEvent;
    const ok = await runWithWriteGuard(writeGuard(job, control), () => handleGitLabEvent(deps, event)).catch((err: unknown) => {
      if (!(err instanceof SupersededError)) deps.log.error({ event: event.name, delivery: event.delivery, reason: describeFailure(err) }, "ci-explain handler failed");
      return false;
    });
    if (control.signal.aborted || !(await control.isCurrent())) return "superseded";
    if (ok) return "done";
    if (event.delivery) await deps.deliveries.release(deliveryKey(event.delivery));
    return "failed";
  };
}

/** Handle one event; false when the work failed and a redelivery should retry it. */
export async function handleGitLabEvent(deps: GitLabAppDeps, event: GitLabEvent): Promise<boolean> {
  if (event.name === "Merge Request Hook") return onMergeRequest(deps, event);
  if (event.name === "Note Hook") return onNote(deps, event);
  skip(deps, event, `event "${event.name}" is not one ci-explain handles`, "debug");
  return true;
}

async function onMergeRequest(deps: GitLabAppDeps, event: GitLabEvent): Promise<boolean> {
  const hook = parsePayload(deps, event, mergeRequestHookSchema);
  if (!hook) return true;
  const why = ignoredBecause(hook);
  if (why) return skip(deps, event, why, "debug");
  const botUser = await deps.bot();
  return runReview(deps, event, toMergeRequestRef(hook.project, hook.object_attributes), "auto", botUser.id);
}

/** Why a merge request event does not change what the report must say, or undefined. */
function ignoredBecause(hook: MergeRequestHook): string | undefined {
  const { action, oldrev, state } = hook.object_attributes;
  if (state !== undefined && state !== "opened") return `merge request is ${state}`;
  if (action === "open" || action === "reopen") return undefined;
  if (action === "update" && oldrev) return undefined;
  if (action === "update" && hook.changes && "target_branch" in hook.changes) return undefined;
  return `merge request action "${action ?? "none"}" changes neither the commits nor the target branch`;
}

async function onNote(deps: GitLabAppDeps, event: GitLabEvent): Promise<boolean> {
  const hook = parsePayload(deps, event, noteHookSchema);
  if (!hook) return true;
  const note = hook.object_attributes;
  if (note.noteable_type !== "MergeRequest" || !hook.merge_request) return skip(deps, event, "note is not on a merge request", "debug");
  const botUser = await deps.bot();
  if (hook.user.id === botUser.id || hook.user.username === botUser.username || hook.user.bot || isOwnReport(note.note)) {
    return skip(deps, event, "note written by a bot", "debug");
  }
  const parsed = parseCommand(note.note);
  if (parsed.kind === "none") return skip(deps, event, "note is not a /ci-explain command", "debug");
  const mr = toMergeRequestRef(hook.project, hook.merge_request);
  // Older GitLab versions leave `last_commit` out of the Note Hook's merge request: ask.
  if (!mr.head.sha) mr.head.sha = mergeRequestShaSchema.parse(await deps.api.mergeRequest(mr.projectId, mr.iid)).sha;
  const publisher = new GitLabPublisher(deps.api, { project: mr.projectId, iid: mr.iid, webUrl: mr.webUrl, headSha: mr.head.sha }, botUser.id);
  if (!deps.commandLimiter.tryAcquire(`${mr.projectPath}!${mr.iid}`, deps.now())) {
    await publisher.award(note.id, "confused");
    return skip(deps, event, `more than the allowed /ci-explain commands on !${mr.iid} recently`);
  }
  const reader = mergeRequestReader(deps, deps.api, mr);
  await reader.prepare();
  const settings = await reader.settings(reader.revisions().base);
  if (settings.settings.comment.commandsFrom === "collaborators" && !(await isCollaborator(deps.api, mr.projectId, hook.user.id))) {
    await publisher.award(note.id, "confused");
    return skip(deps, event, `${hook.user.username} is not a collaborator (Developer or higher) of ${mr.projectPath}`);
  }
  await publisher.award(note.id, "eyes");
  if (parsed.kind === "help") return reply(publisher, COMMAND_USAGE);
  if (parsed.kind === "usage-error") return reply(publisher, `\`/ci-explain\`: ${parsed.message}\n\n${COMMAND_USAGE}`);
  if (!isExplainCommand(parsed.command)) return runReview(deps, event, reader.mr(), "force", botUser.id);
  const command = parsed.command;
  const asked = { ...settings, settings: applyCommand(settings.settings, command) };
  const body = await deps.serializer.run(mrKey(mr), () =>
    answerMergeRequest(deps, deps.api, reader.mr(), asked, (analyses, resolved) => deps.report.explain(analyses, command, resolved)),
  );
  return reply(publisher, body);
}

/** GitLab's Developer role: it may push, so it counts as a collaborator (GitHub's write access). */
export const DEVELOPER_ACCESS = 30;

/**
 * Is the note's author a collaborator? The Note Hook does not say the author's role, so one
 * request asks for their membership, direct or inherited from a group; not a member (404) is no.
 */
async function isCollaborator(api: GitLabApi, project: number, userId: number): Promise<boolean> {
  try {
    return memberSchema.parse(await api.projectMember(project, userId)).access_level >= DEVELOPER_ACCESS;
  } catch (err) {
    if (httpStatusOf(err) === 404) return false;
    throw err;
  }
}

/** Review one MR, one at a time per MR. */
async function runReview(deps: GitLabAppDeps, event: GitLabEvent, mr: MergeRequestRef, policy: CommentPolicy, botUserId: number): Promise<boolean> {
  const outcome = await deps.serializer
    .run(mrKey(mr), () => reviewMergeRequest(deps, deps.api, mr, policy, botUserId))
    .catch((err: unknown) => {
      // A newer push took over: not a failure to retry (the review closed its status as superseded).
      if (err instanceof SupersededError) throw err;
      return { kind: "failed" as const, reason: describeFailure(err) };
    });
  if (outcome.kind === "failed") {
    deps.log.warn({ mr: mr.iid, sha: mr.head.sha, delivery: event.delivery, reason: outcome.reason }, "ci-explain could not analyse");
    return false;
  }
  deps.log.info({ mr: mr.iid, sha: mr.head.sha, outcome }, "ci-explain reviewed");
  return true;
}

type HookProject = MergeRequestHook["project"];
type HookMergeRequest = MergeRequestHook["object_attributes"] | NonNullable<NoteHook["merge_request"]>;

export function toMergeRequestRef(project: HookProject, mr: HookMergeRequest): MergeRequestRef {
  const sourcePath = mr.source?.path_with_namespace;
  return {
    projectId: project.id,
    projectPath: project.path_with_namespace,
    projectWebUrl: project.web_url,
    defaultBranch: project.default_branch ?? undefined,
    iid: mr.iid,
    webUrl: mr.url,
    draft: mr.draft ?? mr.work_in_progress ?? false,
    sourceProjectPath: sourcePath && sourcePath !== project.path_with_namespace ? sourcePath : undefined,
    head: { sha: mr.last_commit?.id ?? "", ref: mr.source_branch },
    base: { ref: mr.target_branch },
  };
}

async function reply(publisher: GitLabPublisher, body: string): Promise<boolean> {
  await publisher.reply(body);
  return true;
}

function mrKey(mr: MergeRequestRef): string {
  return `${mr.projectPath}!${mr.iid}`;
}

function parsePayload<S extends z.ZodType>(deps: GitLabAppDeps, event: GitLabEvent, schema: S): z.infer<S> | undefined {
  const result = schema.safeParse(event.payload);
  if (result.success) return result.data;
  skip(deps, event, `unexpected payload: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, "warn");
  return undefined;
}

/** Log why an event was not acted on; it was handled (true), so no redelivery is wanted. */
function skip(deps: GitLabAppDeps, event: GitLabEvent, reason: string, level: "debug" | "info" | "warn" = "info"): boolean {
  deps.log[level]({ event: event.name, delivery: event.delivery, reason }, "ci-explain skipped");
  return true;
}

function deliveryId(req: IncomingMessage): string | undefined {
  for (const name of ["idempotency-key", "x-gitlab-event-uuid"]) {
    const value = req.headers[name];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

function answer(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  return true;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The token's user, asked once per process: its notes are the bot's, its commands are ignored. */
export function memoizedBotUser(api: GitLabApi): () => Promise<{ id: number; username: string }> {
  let user: Promise<{ id: number; username: string }> | undefined;
  return () => {
    user ??= api.currentUser().then((raw) => currentUserSchema.parse(raw));
    user.catch(() => (user = undefined));
    return user;
  };
}
