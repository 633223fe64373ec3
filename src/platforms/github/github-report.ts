import { commentMarker, renderCombinedCheck, renderCombinedComment, type ReportOptions } from "../../report/index.js";
import { renderExplainReply, renderNoCiChange } from "../change-report.js";
import { blobLinks } from "../file-links.js";
import type { AnswerDeps } from "./answer-command.js";
import type { CheckResult } from "./publisher.js";
import type { GitHubCommits, GitHubReport } from "./review-pull-request.js";

/** The report as the GitHub App shows it: file links at the right SHA, "PR" wording. */
export function createGitHubReport(): GitHubReport & Pick<AnswerDeps, "explain"> {
  const marker = commentMarker();
  return {
    marker,
    // Settings problems are on the analyses (`settingsDiagnostics`): the report says them once.
    comment: (analyses, pr) => renderCombinedComment(analyses, reportOptions(pr)),
    check: (analyses, pr): CheckResult => renderCombinedCheck(analyses, reportOptions(pr)),
    noCiChange: (pr) => renderNoCiChange(pr.head.sha, reportOptions(pr)),
    explain: (analyses, command, pr) => renderExplainReply(analyses, command, pr.head.sha, reportOptions(pr)),
  };
}

export function reportOptions(pr: GitHubCommits): ReportOptions {
  return {
    platform: "github",
    fileUrl: pr.htmlUrl ? blobLinks(`${pr.htmlUrl}/blob`, pr) : undefined,
  };
}
