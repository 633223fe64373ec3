import type { ExplainCommand } from "../../commands/parse-command.js";
import type { Analysis } from "../../analysis/model.js";
import type { LoadedSettings } from "../../config/settings.js";
import { answerChange } from "../review-flow.js";
import type { GitHubApi } from "./github-api.js";
import { pullRequestReader, type PullRequestRef, type ReviewDeps } from "./review-pull-request.js";

export interface AnswerDeps extends ReviewDeps {
  /** The reply to a specific question (branches, a job, variables). */
  explain(analyses: readonly Analysis[], command: ExplainCommand, pr: PullRequestRef, settings: LoadedSettings): string;
}

/**
 * The reply to `/ci-explain BRANCH…|job NAME|--var …`, answered with `settings` (the base
 * branch's plus what the command adds); a failure is answered too, with the reason.
 */
export function answerPullRequest(deps: AnswerDeps, api: GitHubApi, pr: PullRequestRef, settings: LoadedSettings, command: ExplainCommand): Promise<string> {
  const reader = pullRequestReader(deps, api, pr);
  return answerChange(deps, reader, settings, (analyses, used) => deps.explain(analyses, command, reader.pr(), used));
}
