import type { ExplainCommand } from "../../commands/parse-command.js";
import { applyCommand } from "../../commands/apply-command.js";
import type { Analysis } from "../../analysis/model.js";
import type { LoadedSettings } from "../../config/load-settings.js";
import { describeFailure } from "./describe-failure.js";
import type { GitHubApi } from "./github-api.js";
import { GitHubPublisher } from "./publisher.js";
import { analyzeTarget, listBranchNames, listChangedFiles, openRevisions, type PullRequestRef, type ReviewDeps } from "./review-pull-request.js";

export interface AnswerDeps extends ReviewDeps {
  /** The reply to a specific question (branches, a job, variables). */
  explain(analysis: Analysis, command: ExplainCommand, pr: PullRequestRef, settings: LoadedSettings): string;
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
  let body: string;
  try {
    const changedFiles = await listChangedFiles(api, pr);
    const asked = { ...settings, settings: applyCommand(settings.settings, command) };
    const branches = await listBranchNames(api, pr);
    const analysis = await deps.analyze({ ...openRevisions(deps, api, pr), ...analyzeTarget(pr), changedFiles, branches, settings: asked.settings });
    body = deps.explain(analysis, command, pr, asked);
  } catch (err) {
    body = `ci-explain could not answer: ${describeFailure(err)}`;
  }
  await publisher.reply(pr.number, body);
}
