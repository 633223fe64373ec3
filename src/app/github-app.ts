import type { ApplicationFunction, Context, Probot } from "probot";
import type { z } from "zod";
import { COMMAND_USAGE, isExplainCommand, parseCommand, type ParsedCommand } from "../commands/parse-command.js";
import { analyze } from "../analysis/analyze.js";
import { analyzeRepository } from "../analysis/analyze-repository.js";
import { DEFAULT_COMMAND_RATE_LIMIT, SlidingWindowLimiter, type CommandRateLimiter } from "../commands/rate-limit.js";
import { loadSettings, type LoadedSettings } from "../config/load-settings.js";
import { LruBlobCache } from "../platforms/github/blob-cache.js";
import { createGitHubReport } from "../platforms/github/github-report.js";
import { isOwnReport } from "../report/marker.js";
import { answerExplainCommand, type AnswerDeps } from "../platforms/github/answer-command.js";
import { describeFailure } from "../platforms/github/describe-failure.js";
import { GitHubPublisher } from "../platforms/github/publisher.js";
import { findPullRequestsForSha, getPullRequest, toPullRequestRef } from "../platforms/github/pull-requests.js";
import { pullRequestReader, reviewPullRequest, type CommentPolicy, type PullRequestRef } from "../platforms/github/review-pull-request.js";
import {
  checkRunEventSchema,
  checkSuiteEventSchema,
  isBotAccount,
  issueCommentEventSchema,
  pullRequestEventSchema,
  type IssueCommentEvent,
  type Repository,
} from "../platforms/github/schema.js";
import { MemoryDeliveryDedupe, type DeliveryDedupe } from "./delivery-dedupe.js";
import { KeyedSerializer } from "./serialize-per-key.js";
import { enqueueGitHubEvent, gitHubWorker, resumedDeliveries } from "./github-queue.js";
import type { BotMetrics } from "./observability/metrics.js";
import type { JobRouter } from "./queue/job-router.js";

/** What the handlers need besides the event; injected so tests replace any part. */
export interface GitHubAppDeps extends AnswerDeps {
  deliveries: DeliveryDedupe;
  commandLimiter: CommandRateLimiter;
  serializer: KeyedSerializer;
  now(): number;
  /** With a queue the webhook only enqueues and a worker runs the handler; without one it runs inline. */
  jobs?: JobRouter;
  metrics?: BotMetrics;
}

/** The production wiring: the real engine and report, in-memory caches shared by all events. */
export function defaultGitHubAppDeps(): GitHubAppDeps {
  const report = createGitHubReport();
  return {
    analyze,
    analyzeRepository,
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
 * The Probot app: thin handlers that guard, then hand one pull request to the review
 * (sources → analyse → render → publish). Every early return logs why.
 */
export function createGitHubApp(deps: GitHubAppDeps): ApplicationFunction {
  return (app: Probot) => {
    const { jobs } = deps;
    // Queued: the webhook is answered once the job is enqueued; a worker runs the handler.
    if (jobs) {
      const resumed = { ...deps, deliveries: resumedDeliveries(deps.deliveries) };
      jobs.register("github", gitHubWorker(app, deps.metrics, (context, wasHandedBack) => handleGitHubEvent(wasHandedBack ? resumed : deps, context)));
    }
    const receive = (context: Context) => (jobs ? enqueueGitHubEvent(jobs, deps.metrics, context) : handleGitHubEvent(deps, context));
    app.on([...PR_EVENTS, "issue_comment.created", "check_run.rerequested", "check_suite.rerequested"], receive);
  };
}

/** The handler for one event, run inline or by a queue worker. */
export async function handleGitHubEvent(deps: GitHubAppDeps, context: Context): Promise<void> {
  const action = (context.payload as { action?: unknown }).action;
  if (context.name === "pull_request") return guarded(context, () => onPullRequest(deps, context as Context<"pull_request">));
  if (context.name === "issue_comment" && action === "created") return guarded(context, () => onComment(deps, context as Context<"issue_comment">));
  if (context.name === "check_run" && action === "rerequested") return guarded(context, () => onCheckRunRerequested(deps, context as Context<"check_run">));
  if (context.name === "check_suite" && action === "rerequested") return guarded(context, () => onCheckSuiteRerequested(deps, context as Context<"check_suite">));
}

async function onPullRequest(deps: GitHubAppDeps, context: Context<"pull_request">): Promise<void> {
  const event = parsePayload(pullRequestEventSchema, context);
  if (!event) return;
  if (event.action === "edited" && !event.changes?.base) return skip(context, "pull request edited without a new base branch");
  if (event.pull_request.state !== "open") return skip(context, "pull request is not open");
  const pr = toPullRequestRef(event.repository, event.pull_request);
  const key = await claimDelivery(deps, context, pr.head.sha);
  if (key) await runReview(deps, context, pr, "auto", key);
}

async function onComment(deps: GitHubAppDeps, context: Context<"issue_comment">): Promise<void> {
  const event = parsePayload(issueCommentEventSchema, context);
  if (!event) return;
  if (!event.issue.pull_request) return skip(context, "comment on an issue, not a pull request", "debug");
  if (isBotAccount(event.comment.user) || isBotAccount(event.sender) || isOwnReport(event.comment.body)) {
    return skip(context, "comment written by a bot", "debug");
  }
  const parsed = parseCommand(event.comment.body);
  if (parsed.kind === "none") return skip(context, "comment is not a /ci-explain command", "debug");
  const publisher = new GitHubPublisher(context.octokit, repoOf(event.repository));
  if (!deps.commandLimiter.tryAcquire(`${event.repository.full_name}#${event.issue.number}`, deps.now())) {
    await publisher.react(event.comment.id, "confused");
    return skip(context, `more than the allowed /ci-explain commands on #${event.issue.number} recently`);
  }
  const pr = await getPullRequest(context.octokit, event.repository, event.issue.number);
  const key = await claimDelivery(deps, context, pr.head.sha);
  const allowed = key && (await mayRunCommand(deps, context, event, pr, publisher));
  if (key && allowed) await runCommand(deps, context, allowed.pr, parsed, allowed.settings, publisher, key);
}

async function onCheckRunRerequested(deps: GitHubAppDeps, context: Context<"check_run">): Promise<void> {
  const event = parsePayload(checkRunEventSchema, context);
  if (!event) return;
  const run = event.check_run;
  if (run.name !== "ci-explain") return skip(context, `check run "${run.name}" is not ours`, "debug");
  await rerunForSha(deps, context, event.repository, run.head_sha, run.pull_requests.map((p) => p.number), run.external_id);
}

async function onCheckSuiteRerequested(deps: GitHubAppDeps, context: Context<"check_suite">): Promise<void> {
  const event = parsePayload(checkSuiteEventSchema, context);
  if (!event) return;
  const suite = event.check_suite;
  await rerunForSha(deps, context, event.repository, suite.head_sha, suite.pull_requests.map((p) => p.number));
}

/** Re-run for the SHA the check belongs to; the comment follows only if that SHA is still the PR's head. */
async function rerunForSha(
  deps: GitHubAppDeps,
  context: Context,
  repository: Repository,
  headSha: string,
  attached: number[],
  externalId?: string | null,
): Promise<void> {
  const prs = await findPullRequestsForSha(context.octokit, repository, headSha, attached, externalId);
  if (prs.length === 0) return skip(context, `no open pull request has head ${headSha}`);
  for (const pr of prs) {
    const key = await claimDelivery(deps, context, `${headSha}:${pr.number}`);
    const policy: CommentPolicy = pr.head.sha === headSha ? "auto" : "never";
    if (key) await runReview(deps, context, { ...pr, head: { ...pr.head, sha: headSha } }, policy, key);
  }
}

async function mayRunCommand(
  deps: GitHubAppDeps,
  context: Context,
  event: IssueCommentEvent,
  pr: PullRequestRef,
  publisher: GitHubPublisher,
): Promise<{ settings: LoadedSettings; pr: PullRequestRef } | undefined> {
  // Settings from the merge base, as the review reads them; the resolved PR is passed on.
  const reader = pullRequestReader(deps, context.octokit, pr);
  await reader.prepare();
  const settings = await reader.settings(reader.revisions().base);
  if (settings.settings.comment.commandsFrom === "collaborators" && !COLLABORATORS.has(event.comment.author_association)) {
    await publisher.react(event.comment.id, "confused");
    skip(context, `${event.comment.user.login} (${event.comment.author_association}) is not a collaborator`);
    return undefined;
  }
  await publisher.react(event.comment.id, "eyes");
  return { settings, pr: reader.pr() };
}

async function runCommand(
  deps: GitHubAppDeps,
  context: Context,
  pr: PullRequestRef,
  parsed: Exclude<ParsedCommand, { kind: "none" }>,
  settings: LoadedSettings,
  publisher: GitHubPublisher,
  key: string,
): Promise<void> {
  if (parsed.kind === "help") return publisher.reply(pr.number, COMMAND_USAGE);
  if (parsed.kind === "usage-error") return publisher.reply(pr.number, `\`/ci-explain\`: ${parsed.message}\n\n${COMMAND_USAGE}`);
  if (!isExplainCommand(parsed.command)) return runReview(deps, context, pr, "force", key);
  await deps.serializer.run(prKey(pr), () => answerExplainCommand(deps, context.octokit, pr, settings, parsed.command));
}

/** Review one PR, one at a time per PR; a failed run forgets its delivery so a redelivery retries. */
async function runReview(deps: GitHubAppDeps, context: Context, pr: PullRequestRef, policy: CommentPolicy, key: string): Promise<void> {
  const outcome = await deps.serializer
    .run(prKey(pr), () => reviewPullRequest(deps, context.octokit, pr, policy))
    .catch((err: unknown) => ({ kind: "failed" as const, reason: describeFailure(err) }));
  if (outcome.kind === "failed") {
    await deps.deliveries.release(key);
    context.log.warn({ pr: pr.number, sha: pr.head.sha, reason: outcome.reason }, "ci-explain could not analyse");
  } else {
    context.log.info({ pr: pr.number, sha: pr.head.sha, outcome }, "ci-explain reviewed");
  }
}

/** The dedupe key for this delivery and SHA, or undefined (logged) when it was handled already. */
async function claimDelivery(deps: GitHubAppDeps, context: Context, sha: string): Promise<string | undefined> {
  const key = `${context.id}:${sha}`;
  if (await deps.deliveries.claim(key)) return key;
  skip(context, `delivery ${context.id} for ${sha} was handled already (redelivery)`);
  return undefined;
}

function parsePayload<S extends z.ZodType>(schema: S, context: Context): z.infer<S> | undefined {
  const result = schema.safeParse(context.payload);
  if (result.success) return result.data;
  skip(context, `unexpected payload: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, "warn");
  return undefined;
}

function skip(context: Context, reason: string, level: "debug" | "info" | "warn" = "info"): void {
  context.log[level]({ event: context.name, delivery: context.id, reason }, "ci-explain skipped");
}

/** Errors are logged, never thrown to Probot: a webhook is answered, and the check already says what failed. */
async function guarded(context: Context, handler: () => Promise<void>): Promise<void> {
  try {
    await handler();
  } catch (err) {
    context.log.error({ event: context.name, delivery: context.id, err, reason: describeFailure(err) }, "ci-explain handler failed");
  }
}

function repoOf(repository: Repository): { owner: string; repo: string } {
  return { owner: repository.owner.login, repo: repository.name };
}

function prKey(pr: PullRequestRef): string {
  return `${pr.fullName}#${pr.number}`;
}
