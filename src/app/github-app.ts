import type { ApplicationFunction, Context, Probot } from "probot";
import type { z } from "zod";
import { analyze } from "../analysis/analyze.js";
import { analyzeRepository } from "../analysis/analyze-repository.js";
import { DEFAULT_COMMAND_RATE_LIMIT, SlidingWindowLimiter } from "../commands/rate-limit.js";
import { loadSettings } from "../config/load-settings.js";
import { LruBlobCache } from "../platforms/blob-cache.js";
import { createGitHubReport } from "../platforms/github/github-report.js";
import { once } from "../core/once.js";
import { isOwnReport } from "../report/marker.js";
import { answerPullRequest, type AnswerDeps } from "../platforms/github/answer-command.js";
import { GitHubPublisher } from "../platforms/github/publisher.js";
import { findPullRequestsForSha, getPullRequest, toMergeGroupRef, toPullRequestRef } from "../platforms/github/pull-requests.js";
import { pullRequestReader, reviewPullRequest, type PullRequestRef } from "../platforms/github/review-pull-request.js";
import type { CommentPolicy, RepositoryAnalyzer } from "../platforms/review-flow.js";
import { reviewMergeGroup } from "../platforms/github/review-merge-group.js";
import {
  mergeGroupEventSchema,
  checkRunEventSchema,
  checkSuiteCompletedSchema,
  checkSuiteEventSchema,
  workflowRunEventSchema,
  type WorkflowRun,
  isBotAccount,
  issueCommentEventSchema,
  pullRequestEventSchema,
  type Repository,
} from "../platforms/github/schema.js";
import { claimDelivery, enqueueClaimed, finishDelivery, runCommand, runReview, skip, type ChangeHandle, type FlowDeps } from "./change-flow.js";
import { MemoryDeliveryDedupe } from "./delivery-dedupe.js";
import { KeyedSerializer } from "./serialize-per-key.js";
import { enqueueGitHubEvent, gitHubWorker } from "./github-queue.js";
import type { Logger } from "./observability/job-logger.js";
import type { BotMetrics } from "./observability/metrics.js";
import type { JobRouter } from "./queue/job-router.js";
import { checkPrediction } from "./prediction-check.js";
import { observedRuns, recentRuns } from "../platforms/github/github-runs.js";
import { workflowPart } from "../verify/predicted-run.js";
import { withPredictionMiss } from "../report/prediction-miss.js";

/** What the handlers need besides the event; injected so tests replace any part. */
export interface GitHubAppDeps extends AnswerDeps, FlowDeps {
  /** With a queue the webhook only enqueues and a worker runs the handler; without one it runs inline. */
  jobs?: JobRouter;
  /**
   * The login of the App's own bot user (`<slug>[bot]`): only its comments are the sticky one.
   * By default asked once of GitHub (GET /app, authenticated as the App).
   */
  botLogin?(): Promise<string>;
  metrics?: BotMetrics;
}

/** The production wiring: the real engine (in-process unless the server passes its isolated one) and report, in-memory caches shared by all events. */
export function defaultGitHubAppDeps(analyzers: RepositoryAnalyzer = { analyze, analyzeRepository }): GitHubAppDeps {
  const report = createGitHubReport();
  return {
    analyze: analyzers.analyze,
    analyzeRepository: analyzers.analyzeRepository,
    loadSettings: (source) => loadSettings(source),
    report,
    explain: report.explain,
    blobCache: new LruBlobCache(),
    deliveries: new MemoryDeliveryDedupe(),
    commandLimiter: new SlidingWindowLimiter(DEFAULT_COMMAND_RATE_LIMIT),
    serializer: new KeyedSerializer(),
    now: () => Date.now(),
  };
}

/** The pull request actions that change what the check must say. */
const PR_EVENTS = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
  "pull_request.ready_for_review",
  "pull_request.edited",
] as const;

/** `author_association` values of people with write access (settings `commands_from: collaborators`). */
const COLLABORATORS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

/**
 * The Probot app: the delivery is claimed as it arrives, then thin handlers guard and hand
 * one pull request to the shared flow (change-flow.ts). Every early return logs why.
 */
export function createGitHubApp(appDeps: GitHubAppDeps): ApplicationFunction {
  return (app: Probot) => {
    const deps: HandlerDeps = { ...appDeps, botLogin: appDeps.botLogin ?? appBotLogin(app) };
    const { jobs } = deps;
    // Queued: the webhook is answered once the job is enqueued; a worker runs the handler.
    if (jobs) {
      jobs.register("github", gitHubWorker(app, (context) => finishDelivery(deps, eventLog(context), deliveryKey(context.id), () => handleGitHubEvent(deps, context))));
    }
    const receive = async (context: Context): Promise<void> => {
      const log = eventLog(context);
      const key = deliveryKey(context.id);
      if (!(await claimDelivery(deps, log, key))) return;
      if (jobs) await enqueueClaimed(deps, key, () => enqueueGitHubEvent(jobs, deps.metrics, context));
      else await finishDelivery(deps, log, key, () => handleGitHubEvent(deps, context));
    };
    // merge_group.destroyed (merged, dequeued, invalidated) needs no answer: only checks_requested is handled.
    app.on([...PR_EVENTS, "issue_comment.created", "check_run.rerequested", "check_suite.rerequested", "workflow_run.completed", "check_suite.completed", "merge_group.checks_requested"], receive);
  };
}

/**
 * The App's bot login, asked once per process: comments the App writes are authored by
 * `<slug>[bot]` (GitHub's "About authentication with a GitHub App"). A failed ask is asked again.
 */
function appBotLogin(app: Probot): () => Promise<string> {
  return once(() => app.auth().then(async (octokit) => `${(await octokit.rest.apps.getAuthenticated()).data?.slug ?? ""}[bot]`));
}

/** The deps a handler runs with: the bot's login is known (asked of GitHub by default). */
type HandlerDeps = GitHubAppDeps & { botLogin(): Promise<string> };

/** The de-duplication key of a delivery (X-GitHub-Delivery, the same on a redelivery). */
function deliveryKey(id: string): string {
  return `github:${id}`;
}

/** The handler for one event, run inline or by a queue worker; false when the work failed and a redelivery should retry it. */
export async function handleGitHubEvent(deps: HandlerDeps, context: Context): Promise<boolean> {
  const action = (context.payload as { action?: unknown }).action;
  if (context.name === "pull_request") return onPullRequest(deps, context as Context<"pull_request">);
  if (context.name === "issue_comment" && action === "created") return onComment(deps, context as Context<"issue_comment">);
  if (context.name === "check_run" && action === "rerequested") return onCheckRunRerequested(deps, context as Context<"check_run">);
  if (context.name === "check_suite" && action === "rerequested") return onCheckSuiteRerequested(deps, context as Context<"check_suite">);
  if (context.name === "workflow_run" && action === "completed") return onWorkflowRunCompleted(deps, context as Context<"workflow_run">);
  if (context.name === "check_suite" && action === "completed") return onCheckSuiteCompleted(deps, context as Context<"check_suite">);
  if (context.name === "merge_group" && action === "checks_requested") return onMergeGroup(deps, context as Context<"merge_group">);
  return skip(eventLog(context), `event "${context.name}.${String(action)}" is not one ci-explain handles`, "debug");
}

async function onPullRequest(deps: HandlerDeps, context: Context<"pull_request">): Promise<boolean> {
  const log = eventLog(context);
  const event = parsePayload(pullRequestEventSchema, context);
  if (!event) return true;
  if (event.action === "edited" && !event.changes?.base) return skip(log, "pull request edited without a new base branch");
  if (event.pull_request.state !== "open") return skip(log, "pull request is not open");
  return runReview(deps, log, pullRequestChange(deps, context.octokit, toPullRequestRef(event.repository, event.pull_request)), "auto");
}

async function onComment(deps: HandlerDeps, context: Context<"issue_comment">): Promise<boolean> {
  const log = eventLog(context);
  const event = parsePayload(issueCommentEventSchema, context);
  if (!event) return true;
  if (!event.issue.pull_request) return skip(log, "comment on an issue, not a pull request", "debug");
  if (isBotAccount(event.comment.user) || isBotAccount(event.sender) || isOwnReport(event.comment.body)) {
    return skip(log, "comment written by a bot", "debug");
  }
  const octokit = context.octokit;
  const publisher = new GitHubPublisher(octokit, repoOf(event.repository));
  return runCommand(deps, log, {
    text: event.comment.body,
    key: `${event.repository.full_name}#${event.issue.number}`,
    react: (reaction) => publisher.react(event.comment.id, reaction),
    open: async () => {
      // Settings from the merge base, as the review reads them; the resolved PR is passed on.
      const reader = pullRequestReader(deps, octokit, await getPullRequest(octokit, event.repository, event.issue.number));
      await reader.prepare();
      const pr = reader.pr();
      return {
        ...pullRequestChange(deps, octokit, pr),
        settings: () => reader.settings(reader.revisions().base),
        authorIsCollaborator: async () => COLLABORATORS.has(event.comment.author_association),
        explain: (settings, command) => answerPullRequest(deps, octokit, pr, settings, command),
        reply: (body) => publisher.reply(pr.number, body),
      };
    },
  });
}

async function onCheckRunRerequested(deps: HandlerDeps, context: Context<"check_run">): Promise<boolean> {
  const event = parsePayload(checkRunEventSchema, context);
  if (!event) return true;
  const run = event.check_run;
  if (run.name !== "ci-explain") return skip(eventLog(context), `check run "${run.name}" is not ours`, "debug");
  return rerunForSha(deps, context, event.repository, run.head_sha, run.pull_requests.map((p) => p.number), run.external_id);
}

async function onCheckSuiteRerequested(deps: HandlerDeps, context: Context<"check_suite">): Promise<boolean> {
  const event = parsePayload(checkSuiteEventSchema, context);
  if (!event) return true;
  const suite = event.check_suite;
  return rerunForSha(deps, context, event.repository, suite.head_sha, suite.pull_requests.map((p) => p.number));
}

/** A workflow run finished: compare its jobs with the prediction for its commit and event. */
async function onWorkflowRunCompleted(deps: HandlerDeps, context: Context<"workflow_run">): Promise<boolean> {
  const event = parsePayload(workflowRunEventSchema, context);
  if (!event) return true;
  return checkWorkflowRun(deps, context, event.repository, event.workflow_run);
}

/**
 * A check suite finished: GitHub Actions' suite is one workflow run (an App that is not
 * subscribed to `workflow_run` still learns of it this way); its runs are asked for by suite.
 */
async function onCheckSuiteCompleted(deps: HandlerDeps, context: Context<"check_suite">): Promise<boolean> {
  const event = parsePayload(checkSuiteCompletedSchema, context);
  if (!event) return true;
  if (event.check_suite.app?.slug !== GITHUB_ACTIONS_APP) return skip(eventLog(context), "check suite of another app than GitHub Actions", "debug");
  if (!deps.predictions || !(await deps.predictions.find("github", event.repository.full_name, event.check_suite.head_sha))) {
    return skip(eventLog(context), "no prediction for this check suite's commit", "debug");
  }
  const runs = await recentRuns(context.octokit, repoOf(event.repository), { check_suite_id: event.check_suite.id });
  let ok = true;
  for (const run of runs) ok = (await checkWorkflowRun(deps, context, event.repository, run)) && ok;
  return ok;
}

/** GitHub Actions' app slug: its check suites are workflow runs. */
const GITHUB_ACTIONS_APP = "github-actions";

/** One finished workflow run against the part of the prediction its workflow answers. */
function checkWorkflowRun(deps: HandlerDeps, context: Context, repository: Repository, run: WorkflowRun): Promise<boolean> {
  const log = eventLog(context);
  if (!deps.predictions) return Promise.resolve(skip(log, "predictions are not kept", "debug"));
  const repo = repoOf(repository);
  const workflow = run.name ?? run.path ?? "";
  return checkPrediction({ predictions: deps.predictions, deliveries: deps.deliveries, metrics: deps.metrics }, log, {
    platform: "github",
    project: repository.full_name,
    sha: run.head_sha,
    // A re-run is another attempt with jobs of its own: compared again.
    key: `github:run:${repository.full_name}:${run.id}:${run.run_attempt ?? 1}`,
    matches: (p) => p.event === run.event && (p.ref.kind === "mr" || (p.ref.kind === "branch" && p.ref.name === run.head_branch)),
    part: (p) => workflowPart(p, workflow),
    observe: (p) => observedRuns(context.octokit, repo, [run], { ref: p.ref, source: p.source, event: run.event, sha: run.head_sha }),
    amendComment: async (recorded, check) => {
      const sticky = { marker: deps.report.marker, author: await deps.botLogin() };
      await new GitHubPublisher(context.octokit, repo).amendStickyComment(recorded.change.number, sticky, (body) => withPredictionMiss(body, check, "github"));
    },
  });
}

/**
 * A merge queue asks for the required checks of a merge group: the `ci-explain` check on its
 * head commit, from its base to its head. Without it a required `ci-explain` would hold every
 * merge through the queue.
 */
async function onMergeGroup(deps: HandlerDeps, context: Context<"merge_group">): Promise<boolean> {
  const event = parsePayload(mergeGroupEventSchema, context);
  if (!event) return true;
  const group = toMergeGroupRef(event);
  return runReview(deps, eventLog(context), { key: `${group.fullName}@${group.head.ref}`, headSha: group.head.sha, review: () => reviewMergeGroup(deps, context.octokit, group) }, "never");
}

/** Re-run for the SHA the check belongs to; the comment follows only if that SHA is still the PR's head. */
async function rerunForSha(
  deps: HandlerDeps,
  context: Context,
  repository: Repository,
  headSha: string,
  attached: number[],
  externalId?: string | null,
): Promise<boolean> {
  const log = eventLog(context);
  const prs = await findPullRequestsForSha(context.octokit, repository, headSha, attached, externalId);
  if (prs.length === 0) return skip(log, `no open pull request has head ${headSha}`);
  let ok = true;
  for (const pr of prs) {
    const policy: CommentPolicy = pr.head.sha === headSha ? "auto" : "never";
    const reviewed = await runReview(deps, log, pullRequestChange(deps, context.octokit, { ...pr, head: { ...pr.head, sha: headSha } }), policy);
    ok &&= reviewed;
  }
  return ok;
}

/** One pull request at one head SHA, for the shared flow. */
function pullRequestChange(deps: HandlerDeps, octokit: Context["octokit"], pr: PullRequestRef): ChangeHandle {
  return { key: `${pr.fullName}#${pr.number}`, headSha: pr.head.sha, review: async (policy) => reviewPullRequest(deps, octokit, pr, policy, await deps.botLogin()) };
}

function parsePayload<S extends z.ZodType>(schema: S, context: Context): z.infer<S> | undefined {
  const result = schema.safeParse(context.payload);
  if (result.success) return result.data;
  skip(eventLog(context), `unexpected payload: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, "warn");
  return undefined;
}

/** Every line about one event names it and its delivery. */
function eventLog(context: Context): Logger {
  return context.log.child({ event: context.name, delivery: context.id });
}

function repoOf(repository: Repository): { owner: string; repo: string } {
  return { owner: repository.owner.login, repo: repository.name };
}
