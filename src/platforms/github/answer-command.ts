import type { ExplainCommand } from "../../commands/parse-command.js";
import { applyCommand } from "../../commands/apply-command.js";
import type { Analysis } from "../../analysis/model.js";
import type { LoadedSettings } from "../../config/load-settings.js";
import { answerChange } from "../review-flow.js";
import type { GitHubApi } from "./github-api.js";
import { GitHubPublisher } from "./publisher.js";
import { pullRequestReader, type PullRequestRef, type ReviewDeps } from "./review-pull-request.js";

export interface AnswerDeps extends ReviewDeps {
  /** The reply to a specific question (branches, a job, variables). */
  explain(analyses: readonly Analysis[], command: ExplainCommand, pr: PullRequestRef, settings: LoadedSettings): string;
}

/**
 * Answer `/ci-explain BRANCH…|job NAME|--var …` with a reply. The question is answered
 * with the base branch's settings plus what the command adds; a failure is answered too,
 * with the reason, never with silence.
 */
export async function answerExplainCommand(
  deps: AnswerDeps,
  api: GitHubApi,
  pr: PullRequestRef,
  settings: LoadedSettings,
  command: ExplainCommand,
): Promise<void> {
  const publisher = new GitHubPublisher(api, pr.repo);
  const asked = { ...settings, settings: applyCommand(settings.settings, command) };
  const reader = pullRequestReader(deps, api, pr);
  const body = await answerChange(deps, reader, asked, (analyses, used) => deps.explain(analyses, command, reader.pr(), used));
  await publisher.reply(pr.number, body);
}
