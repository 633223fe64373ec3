import type { GitHubApi } from "./github-api.js";
import type { PullRequestRef } from "./review-pull-request.js";
import type { MergeGroupRef } from "./review-merge-group.js";
import { pullRequestSchema, type MergeGroupEvent, type PullRequest, type Repository } from "./schema.js";

/** The app's view of a pull request, from a webhook payload or an API reply. */
export function toPullRequestRef(repository: Repository, pr: PullRequest): PullRequestRef {
  return {
    repo: { owner: repository.owner.login, repo: repository.name },
    fullName: repository.full_name,
    htmlUrl: repository.html_url,
    defaultBranch: repository.default_branch,
    number: pr.number,
    draft: pr.draft ?? false,
    changedFileCount: pr.changed_files,
    head: { sha: pr.head.sha, ref: pr.head.ref, repoFullName: pr.head.repo?.full_name },
    base: { sha: pr.base.sha, ref: pr.base.ref },
  };
}

/** A merge group as the app needs it: full refs (`refs/heads/…`) become branch names. */
export function toMergeGroupRef(event: MergeGroupEvent): MergeGroupRef {
  const { repository, merge_group: group } = event;
  const branch = (ref: string) => ref.replace(/^refs\/heads\//, "");
  return {
    repo: { owner: repository.owner.login, repo: repository.name },
    fullName: repository.full_name,
    htmlUrl: repository.html_url,
    defaultBranch: repository.default_branch,
    head: { sha: group.head_sha, ref: branch(group.head_ref) },
    base: { sha: group.base_sha, ref: branch(group.base_ref) },
  };
}

export async function getPullRequest(api: GitHubApi, repository: Repository, number: number): Promise<PullRequestRef & { open: boolean }> {
  const response = await api.rest.pulls.get({ owner: repository.owner.login, repo: repository.name, pull_number: number });
  const pr = pullRequestSchema.parse(response.data);
  return { ...toPullRequestRef(repository, pr), open: pr.state === "open" };
}

/**
 * The open pull requests whose head is `headSha`, for a check re-run. GitHub attaches
 * them to check runs and suites, except for PRs from forks: then the check run's
 * external id (the app stores the PR number there) or, for a suite, the open PRs list.
 */
export async function findPullRequestsForSha(
  api: GitHubApi,
  repository: Repository,
  headSha: string,
  attached: number[],
  externalId?: string | null,
): Promise<Array<PullRequestRef & { open: boolean }>> {
  const fromExternalId = externalId && /^\d+$/.test(externalId) ? [Number(externalId)] : [];
  const numbers = attached.length > 0 ? attached : fromExternalId;
  if (numbers.length > 0) {
    const prs = await Promise.all(numbers.map((n) => getPullRequest(api, repository, n)));
    return prs.filter((pr) => pr.open);
  }
  const open = await api.paginate(api.rest.pulls.list, {
    owner: repository.owner.login,
    repo: repository.name,
    state: "open",
    per_page: 100,
  });
  return open
    .map((raw) => pullRequestSchema.parse(raw))
    .filter((pr) => pr.head.sha === headSha)
    .map((pr) => ({ ...toPullRequestRef(repository, pr), open: true }));
}
