import type { ProbotOctokit } from "probot";

/**
 * The GitHub REST client the platform code talks to: Probot's per-event, installation-
 * authenticated Octokit (`context.octokit`). REST methods live under `.rest.*`.
 */
export type GitHubApi = ProbotOctokit;

/** The repository a request is about. */
export interface RepoRef {
  owner: string;
  repo: string;
}
