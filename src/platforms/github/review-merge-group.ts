import { reviewChange, analyzeForReview, type RepositoryReview, type ReviewOutcome } from "../review-flow.js";
import { noCiChangeVerdict } from "../change-report.js";
import type { GitHubApi } from "./github-api.js";
import { GitHubPublisher, type CheckResult } from "./publisher.js";
import {
  checkRunVerdict,
  couldNotAnalyse,
  listBranchNames,
  listChangedFiles,
  loadBaseSettings,
  openRevisions,
  type GitHubCommits,
  type ReviewDeps,
} from "./review-pull-request.js";

/**
 * A merge queue's merge group: a temporary branch (`gh-readonly-queue/<base>/pr-<n>-<sha>`)
 * whose head commit is what would land on the base branch. `base.sha` is its parent.
 * https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/configuring-pull-request-merges/managing-a-merge-queue
 */
export type MergeGroupRef = GitHubCommits;

const CHANGE = "merge group";

/**
 * The required `ci-explain` check of a merge group: its head analysed against its base, the
 * base branch being the target that the merged push lands on (there is no pull request to
 * comment on), through the same review flow as a pull request. The changed files come from the two trees;
 * when none is CI-relevant the check is written once, completed "no CI change", without
 * reading any configuration.
 */
export function reviewMergeGroup(deps: ReviewDeps, api: GitHubApi, group: MergeGroupRef): Promise<ReviewOutcome> {
  const publisher = new GitHubPublisher(api, group.repo);
  const revisions = openRevisions(deps, api, group);
  return reviewChange<CheckResult, RepositoryReview>({
    analyze: (input) => analyzeForReview(deps, input),
    reader: {
      listChangedFiles: () => listChangedFiles(api, group, revisions),
      listBranchNames: () => listBranchNames(api, group),
      revisions: () => revisions,
      // What lands is a push to the base branch: it is the target, with the changed files.
      target: () => ({ baseSha: group.base.sha, headSha: group.head.sha, mr: { source: group.head.ref, target: group.base.ref } }),
      settings: (base) => loadBaseSettings(deps, base, group),
    },
    // There is no conversation to comment in: the check is the whole answer.
    policy: "never",
    draft: false,
    publisher: { ...checkRunVerdict(publisher, group.head.sha), upsertComment: async () => "absent" },
    renderer: {
      comment: () => "",
      verdict: (review, settings) => deps.report.check(review.analyses, group, settings),
      noCiChangeVerdict: noCiChangeVerdict("github", CHANGE),
      noCiChangeComment: () => "",
      couldNotAnalyse: (reason) => couldNotAnalyse(reason, CHANGE),
      conclusion: (result) => result.conclusion,
    },
  });
}
