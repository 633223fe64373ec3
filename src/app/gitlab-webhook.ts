import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { z } from "zod";
import { analyze } from "../analysis/analyze.js";
import { analyzeRepository } from "../analysis/analyze-repository.js";
import { DEFAULT_COMMAND_RATE_LIMIT, SlidingWindowLimiter } from "../commands/rate-limit.js";
import { loadSettings } from "../config/load-settings.js";
import { once } from "../core/once.js";
import { isOwnReport } from "../report/marker.js";
import { LruBlobCache } from "../platforms/blob-cache.js";
import { describeFailure } from "../platforms/describe-failure.js";
import type { GitLabApi } from "../platforms/gitlab/gitlab-api.js";
import { createGitLabReport } from "../platforms/gitlab/gitlab-report.js";
import { answerMergeRequest, mergeRequestReader, reviewMergeRequest, type GitLabReviewDeps } from "../platforms/gitlab/merge-request.js";
import type { MergeRequestRef } from "../platforms/gitlab/merge-request-ref.js";
import { GitLabPublisher } from "../platforms/gitlab/publisher.js";
import { httpStatusOf } from "../platforms/gitlab/gitlab-api.js";
import { currentUserSchema, memberSchema, mergeRequestHookSchema, mergeRequestShaSchema, noteHookSchema, pipelineHookSchema, type MergeRequestHook, type NoteHook } from "../platforms/gitlab/schema.js";
import { hookJobs, pipelineRun, pipelineSource } from "../platforms/gitlab/gitlab-runs.js";
import { withPredictionMiss } from "../report/prediction-miss.js";
import { checkPrediction } from "./prediction-check.js";
import { isValidGitLabToken } from "../platforms/gitlab/webhook-auth.js";
import type { RepositoryAnalyzer } from "../platforms/review-flow.js";
import { runWithWriteGuard } from "../platforms/write-guard.js";
import { claimDelivery, enqueueClaimed, finishDelivery, runCommand, runReview, skip, type ChangeHandle, type FlowDeps } from "./change-flow.js";
import { MemoryDeliveryDedupe } from "./delivery-dedupe.js";
import type { BotMetrics } from "./observability/metrics.js";
import type { JobRouter } from "./queue/job-router.js";
import { jobOutcome, writeGuard, type JobControl, type JobOutcome, type WorkJob } from "./queue/work-queue.js";
import { KeyedSerializer } from "./serialize-per-key.js";
import { readWebhookBody, refuseOversizedBody } from "./webhook-body.js";
import { GITLAB_WEBHOOK_PATH } from "./webhook-path.js";

export { GITLAB_WEBHOOK_PATH };

export interface GitLabAppDeps extends GitLabReviewDeps, FlowDeps {
  api: GitLabApi;
  /** The webhook's secret token (X-Gitlab-Token). */
  secret: string;
  log: Logger;
  /** The token's user (asked once): its notes are the bot's own. */
  bot(): Promise<{ id: number; username: string }>;
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

export function defaultGitLabAppDeps(options: { api: GitLabApi; secret: string; log: Logger; analyzers?: RepositoryAnalyzer }): GitLabAppDeps {
  const { analyzers = { analyze, analyzeRepository }, ...rest } = options;
  return {
    ...rest,
    bot: memoizedBotUser(options.api),
    analyze: analyzers.analyze,
    analyzeRepository: analyzers.analyzeRepository,
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
      const body = await readWebhookBody(req);
      if (body === undefined) return refuseOversizedBody(res);
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
      const log = eventLog(deps, event);
      if (!(await claimDelivery(deps, log, key))) {
        deps.metrics?.webhooksRejected.inc({ platform: "gitlab", reason: "duplicate" });
        return answer(res, 200, { status: "duplicate" });
      }
      if (jobs) return enqueueGitLabEvent(deps, jobs, event, key, res);
      answer(res, 202, { status: "accepted" });
      schedule(async () => {
        await finishDelivery(deps, log, key, () => handleGitLabEvent(deps, event)).catch(() => undefined);
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
  const pipeline = (payload.object_attributes ?? {}) as { id?: number; sha?: string };
  if (event.name === "Pipeline Hook" && pipeline.id !== undefined && pipeline.sha) {
    return { ...base, key: `gitlab:${project}@${pipeline.sha}`, sha: pipeline.sha, kind: "outcome", supersedes: false };
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
    await enqueueClaimed(deps, key, () => jobs.enqueue(job));
  } catch (err) {
    // The queue is unreachable: the delivery was released, GitLab retries it.
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
    const delivery = event.delivery ? deliveryKey(event.delivery) : undefined;
    const ok = await runWithWriteGuard(writeGuard(job, control), () => finishDelivery(deps, eventLog(deps, event), delivery, () => handleGitLabEvent(deps, event)));
    return jobOutcome(control, ok);
  };
}

/** Handle one event; false when the work failed and a redelivery should retry it. */
export async function handleGitLabEvent(deps: GitLabAppDeps, event: GitLabEvent): Promise<boolean> {
  if (event.name === "Merge Request Hook") return onMergeRequest(deps, event);
  if (event.name === "Note Hook") return onNote(deps, event);
  if (event.name === "Pipeline Hook") return onPipeline(deps, event);
  return skip(eventLog(deps, event), `event "${event.name}" is not one ci-explain handles`, "debug");
}

async function onMergeRequest(deps: GitLabAppDeps, event: GitLabEvent): Promise<boolean> {
  const log = eventLog(deps, event);
  const hook = parsePayload(deps, event, mergeRequestHookSchema);
  if (!hook) return true;
  const why = ignoredBecause(hook);
  if (why) return skip(log, why, "debug");
  const botUser = await deps.bot();
  return runReview(deps, log, mergeRequestChange(deps, toMergeRequestRef(hook.project, hook.object_attributes), botUser.id), "auto");
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
  const log = eventLog(deps, event);
  const hook = parsePayload(deps, event, noteHookSchema);
  if (!hook) return true;
  const note = hook.object_attributes;
  if (note.noteable_type !== "MergeRequest" || !hook.merge_request) return skip(log, "note is not on a merge request", "debug");
  // GitLab 16.11+ also sends the hook when a note is edited (`action: update`); only a new note is a command, as on GitHub.
  if (note.action !== undefined && note.action !== "create") return skip(log, `note ${note.action}d, not created`, "debug");
  const botUser = await deps.bot();
  if (hook.user.id === botUser.id || hook.user.username === botUser.username || hook.user.bot || isOwnReport(note.note)) {
    return skip(log, "note written by a bot", "debug");
  }
  const hookMr = toMergeRequestRef(hook.project, hook.merge_request);
  const target = (mr: MergeRequestRef) => new GitLabPublisher(deps.api, { project: mr.projectId, iid: mr.iid, webUrl: mr.webUrl, headSha: mr.head.sha }, botUser.id);
  return runCommand(deps, log, {
    text: note.note,
    key: mrKey(hookMr),
    react: (reaction) => target(hookMr).award(note.id, reaction),
    open: async () => {
      // Older GitLab versions leave `last_commit` out of the Note Hook's merge request: ask.
      const head = hookMr.head.sha || mergeRequestShaSchema.parse(await deps.api.mergeRequest(hookMr.projectId, hookMr.iid)).sha;
      const reader = mergeRequestReader(deps, deps.api, { ...hookMr, head: { ...hookMr.head, sha: head } });
      await reader.prepare();
      const mr = reader.mr();
      return {
        ...mergeRequestChange(deps, mr, botUser.id),
        settings: () => reader.settings(reader.revisions().base),
        authorIsCollaborator: () => isCollaborator(deps.api, mr.projectId, hook.user.id),
        explain: (settings, command) => answerMergeRequest(deps, deps.api, mr, settings, (analyses, resolved) => deps.report.explain(analyses, command, resolved)),
        reply: (body) => target(mr).reply(body),
      };
    },
  });
}

/** A pipeline's statuses once it will not run further (`Ci::HasStatus` COMPLETED_STATUSES). */
const FINISHED = new Set(["success", "failed", "canceled", "skipped"]);

/**
 * A Pipeline Hook: once a pipeline of a commit the bot analysed has finished, its jobs (the
 * hook's builds, with their `when`; trigger jobs from the bridges API) are compared with the
 * prediction for its ref and source (the MR pipeline, or the push of the MR's branch).
 */
async function onPipeline(deps: GitLabAppDeps, event: GitLabEvent): Promise<boolean> {
  const log = eventLog(deps, event);
  const hook = parsePayload(deps, event, pipelineHookSchema);
  if (!hook) return true;
  const pipeline = hook.object_attributes;
  if (!FINISHED.has(pipeline.status)) return skip(log, `pipeline #${pipeline.id} is ${pipeline.status}, not finished`, "debug");
  if (!deps.predictions) return skip(log, "predictions are not kept", "debug");
  const source = pipelineSource(pipeline.source);
  const mr = hook.merge_request ?? undefined;
  const given = (pipeline.variables ?? []).map((v) => v.key);
  return checkPrediction({ predictions: deps.predictions, deliveries: deps.deliveries, metrics: deps.metrics }, log, {
    platform: "gitlab",
    project: hook.project.path_with_namespace,
    sha: pipeline.sha,
    key: `gitlab:pipeline:${hook.project.id}:${pipeline.id}`,
    // A merge request pipeline's `ref` in the hook is the MR's source branch.
    matches: (p) => p.source === source && (p.ref.kind === "mr" ? mr !== undefined && p.ref.iid === mr.iid : p.ref.kind === (pipeline.tag ? "tag" : "branch") && p.ref.name === pipeline.ref),
    observe: async (p) =>
      pipelineRun(
        { id: pipeline.id, sha: pipeline.sha, ...(pipeline.url ? { url: pipeline.url } : {}) },
        { ref: p.ref, source: p.source, unseenInputs: given.length > 0 ? [`the pipeline's own variables (${given.join(", ")}), which the prediction did not have`] : [] },
        hookJobs(hook, await deps.api.pipelineBridges(hook.project.id, pipeline.id)),
      ),
    amendComment: async (recorded, check) => {
      const bot = await deps.bot();
      const publisher = new GitLabPublisher(deps.api, { project: hook.project.id, iid: recorded.change.number, headSha: pipeline.sha, ...(recorded.change.url ? { webUrl: recorded.change.url } : {}) }, bot.id);
      await publisher.amendStickyNote(deps.report.marker, (body) => withPredictionMiss(body, check, "gitlab"));
    },
  });
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

/** One merge request at one head SHA, for the shared flow. */
function mergeRequestChange(deps: GitLabAppDeps, mr: MergeRequestRef, botUserId: number): ChangeHandle {
  return { key: mrKey(mr), headSha: mr.head.sha, review: (policy) => reviewMergeRequest(deps, deps.api, mr, policy, botUserId) };
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

function mrKey(mr: MergeRequestRef): string {
  return `${mr.projectPath}!${mr.iid}`;
}

function parsePayload<S extends z.ZodType>(deps: GitLabAppDeps, event: GitLabEvent, schema: S): z.infer<S> | undefined {
  const result = schema.safeParse(event.payload);
  if (result.success) return result.data;
  skip(eventLog(deps, event), `unexpected payload: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, "warn");
  return undefined;
}

/** Every line about one event names it and its delivery. */
function eventLog(deps: GitLabAppDeps, event: GitLabEvent): Logger {
  return deps.log.child({ event: event.name, delivery: event.delivery });
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

/** The token's user, asked once per process: its notes are the bot's, its commands are ignored. */
export function memoizedBotUser(api: GitLabApi): () => Promise<{ id: number; username: string }> {
  return once(() => api.currentUser().then((raw) => currentUserSchema.parse(raw)));
}
