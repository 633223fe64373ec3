import { applyCommand } from "../commands/apply-command.js";
import { COMMAND_USAGE, isExplainCommand, parseCommand, type ExplainCommand } from "../commands/parse-command.js";
import type { CommandRateLimiter } from "../commands/rate-limit.js";
import type { LoadedSettings } from "../config/settings.js";
import { describeFailure } from "../platforms/describe-failure.js";
import type { CommentPolicy, ReviewOutcome } from "../platforms/review-flow.js";
import { SupersededError } from "../platforms/write-guard.js";
import type { DeliveryDedupe } from "./delivery-dedupe.js";
import type { Logger } from "./observability/job-logger.js";
import type { KeyedSerializer } from "./serialize-per-key.js";

/**
 * What happens to a webhook, the same on GitHub and GitLab: the delivery is claimed once
 * (a redelivery of handled work does nothing), its work runs, and work that failed releases
 * the claim so the platform's redelivery runs it again. A review runs one at a time per
 * change; a `/ci-explain` command is parsed, checked against `comment.commands_from`,
 * rate-limited, acknowledged and answered. Each platform says how to reach its
 * change (a ChangeHandle); this file says what to do with it.
 */

export interface FlowDeps {
  deliveries: DeliveryDedupe;
  commandLimiter: CommandRateLimiter;
  serializer: KeyedSerializer;
  now(): number;
}

/** One pull or merge request at one head SHA. */
export interface ChangeHandle {
  /** `acme/demo#7` (GitHub) or `acme/demo!7` (GitLab): work for one change runs one at a time. */
  key: string;
  headSha: string;
  review(policy: CommentPolicy): Promise<ReviewOutcome>;
}

/** What answering a command needs beyond a review. */
export interface CommandChange extends ChangeHandle {
  /** Settings from the merge base, as the review reads them. */
  settings(): Promise<LoadedSettings>;
  /** May the command's author run commands under `comment.commands_from: collaborators`? */
  authorIsCollaborator(): Promise<boolean>;
  /** The reply to an explain command, or why it could not be answered (never a throw for an analysis failure). */
  explain(settings: LoadedSettings, command: ExplainCommand): Promise<string>;
  reply(body: string): Promise<void>;
}

/** A comment or note that may be a command, before any request is made for it. */
export interface CommandRequest {
  text: string;
  /** The change's key, known from the event: the rate limit needs no request. */
  key: string;
  react(reaction: "eyes" | "confused"): Promise<void>;
  /** The change the comment is on, at its current head (may ask the API). */
  open(): Promise<CommandChange>;
}

/**
 * Claim a delivery as it arrives; false (logged) for a redelivery of one handled already.
 * Undefined `delivery` (GitLab before 14.8 sends no id) is never de-duplicated.
 */
export async function claimDelivery(deps: Pick<FlowDeps, "deliveries">, log: Logger, delivery: string | undefined): Promise<boolean> {
  if (delivery === undefined || (await deps.deliveries.claim(delivery))) return true;
  skip(log, "redelivery of an event handled already");
  return false;
}

/** Queue a claimed delivery; when the queue cannot take it, the claim is released so the platform's retry runs. */
export async function enqueueClaimed<T>(deps: Pick<FlowDeps, "deliveries">, delivery: string | undefined, enqueue: () => Promise<T>): Promise<T> {
  try {
    return await enqueue();
  } catch (err) {
    if (delivery !== undefined) await deps.deliveries.release(delivery);
    throw err;
  }
}

/**
 * Run a claimed delivery's work; work that failed (false or a throw) releases the claim so
 * the platform's redelivery runs it again.
 */
export async function finishDelivery(deps: Pick<FlowDeps, "deliveries">, log: Logger, delivery: string | undefined, work: () => Promise<boolean>): Promise<boolean> {
  const ok = await work().catch((err: unknown) => {
    // A newer push took over: the queue ends the job as superseded; there is nothing to retry.
    if (err instanceof SupersededError) throw err;
    log.error({ reason: describeFailure(err) }, "ci-explain handler failed");
    return false;
  });
  if (!ok && delivery !== undefined) await deps.deliveries.release(delivery);
  return ok;
}

/** Review one change, one run at a time per change; false when it could not analyse (a redelivery should retry). */
export async function runReview(deps: Pick<FlowDeps, "serializer">, log: Logger, change: ChangeHandle, policy: CommentPolicy): Promise<boolean> {
  const outcome = await deps.serializer.run(change.key, () => change.review(policy)).catch((err: unknown): ReviewOutcome => {
    // A newer push took over: not a failure to retry (the review closed its verdict as superseded).
    if (err instanceof SupersededError) throw err;
    return { kind: "failed", reason: describeFailure(err) };
  });
  if (outcome.kind === "failed") {
    log.warn({ change: change.key, sha: change.headSha, reason: outcome.reason }, "ci-explain could not analyse");
    return false;
  }
  log.info({ change: change.key, sha: change.headSha, outcome }, "ci-explain reviewed");
  return true;
}

/**
 * A comment that may be `/ci-explain …`: usage for a wrong one, a refreshed sticky comment
 * for the bare command, a reply for a question. 😕 when the author may not run commands or
 * the change had too many lately (in that order, so refused ones do not count), 👀 once it is taken. A failure is thrown (or
 * false), so the delivery is released and a redelivery answers it.
 */
export async function runCommand(deps: FlowDeps, log: Logger, request: CommandRequest): Promise<boolean> {
  const parsed = parseCommand(request.text);
  if (parsed.kind === "none") return skip(log, "comment is not a /ci-explain command", "debug");
  const change = await request.open();
  const settings = await change.settings();
  if (settings.settings.comment.commandsFrom === "collaborators" && !(await change.authorIsCollaborator())) {
    await request.react("confused");
    return skip(log, `the author of the command is not a collaborator of ${change.key}`);
  }
  // Permission first, then the rate limit: refused commands must not use up a maintainer's allowance.
  if (!deps.commandLimiter.tryAcquire(request.key, deps.now())) {
    await request.react("confused");
    return skip(log, `more than the allowed /ci-explain commands on ${request.key} recently`);
  }
  await request.react("eyes");
  if (parsed.kind === "help") return replied(change, COMMAND_USAGE);
  if (parsed.kind === "usage-error") return replied(change, `\`/ci-explain\`: ${parsed.message}\n\n${COMMAND_USAGE}`);
  if (!isExplainCommand(parsed.command)) return runReview(deps, log, change, "force");
  const command = parsed.command;
  const asked = { ...settings, settings: applyCommand(settings.settings, command) };
  return replied(change, await deps.serializer.run(change.key, () => change.explain(asked, command)));
}

async function replied(change: CommandChange, body: string): Promise<true> {
  await change.reply(body);
  return true;
}

/** Log why an event was not acted on; it was handled (true), so no redelivery is wanted. */
export function skip(log: Logger, reason: string, level: "debug" | "info" | "warn" = "info"): true {
  log[level]({ reason }, "ci-explain skipped");
  return true;
}
