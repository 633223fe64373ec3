import { commentMarker, renderCombinedCheck, renderCombinedComment, type ReportOptions } from "../../report/index.js";
import { renderExplainReply, renderNoCiChange, withSettingsNote } from "../change-report.js";
import type { AnswerDeps } from "./answer-command.js";
import type { CheckResult } from "./publisher.js";
import type { GitHubReport, PullRequestRef } from "./review-pull-request.js";

/** The report as the GitHub App shows it: file links at the right SHA, "PR" wording. */
export function createGitHubReport(): GitHubReport & Pick<AnswerDeps, "explain"> {
  const marker = commentMarker();
  return {
    marker,
    comment: (analyses, pr, settings) => withSettingsNote(renderCombinedComment(analyses, reportOptions(pr)), settings),
    check: (analyses, pr, settings): CheckResult => {
      const check = renderCombinedCheck(analyses, reportOptions(pr));
      return { ...check, summary: withSettingsNote(check.summary, settings) };
    },
    noCiChange: (pr) => renderNoCiChange(pr.head.sha, reportOptions(pr)),
    explain: (analysis, command, pr) => renderExplainReply(analysis, command, pr.head.sha, reportOptions(pr)),
  };
}

export function reportOptions(pr: PullRequestRef): ReportOptions {
  return {
    platform: "github",
    fileUrl: pr.htmlUrl
      ? (path, line, side = "head") =>
          `${pr.htmlUrl}/blob/${side === "base" ? pr.base.sha : pr.head.sha}/${path.split("/").map(encodeURIComponent).join("/")}${line ? `#L${line}` : ""}`
      : undefined,
  };
}
