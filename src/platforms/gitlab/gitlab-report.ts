import type { Analysis } from "../../analysis/model.js";
import type { ExplainCommand } from "../../commands/parse-command.js";
import type { LoadedSettings } from "../../config/settings.js";
import { commentMarker, renderCombinedCheck, renderCombinedComment, renderStatus, type ReportOptions } from "../../report/index.js";
import { renderExplainReply, renderNoCiChange } from "../change-report.js";
import { blobLinks } from "../file-links.js";
import type { StatusVerdict } from "./publisher.js";
import type { MergeRequestRef } from "./merge-request-ref.js";

/** The renderers as the GitLab side uses them; injected so tests can replace them. */
export interface GitLabReport {
  marker: string;
  /** One report for every CI dialect the change touches (GitLab CI and/or GitHub Actions), as on GitHub. */
  comment(analyses: readonly Analysis[], mr: MergeRequestRef, settings: LoadedSettings): string;
  status(analyses: readonly Analysis[], mr: MergeRequestRef): StatusVerdict;
  noCiChange(mr: MergeRequestRef): string;
  explain(analyses: readonly Analysis[], command: ExplainCommand, mr: MergeRequestRef): string;
}

/** The report as GitLab shows it: "MR" wording, file links at the right SHA. */
export function createGitLabReport(): GitLabReport {
  return {
    marker: commentMarker(),
    // Settings problems are on the analysis (`settingsDiagnostics`): the report has a section for them.
    comment: (analyses, mr) => renderCombinedComment(analyses, reportOptions(mr)),
    status: (analyses, mr) => {
      if (analyses.length === 1) {
        const status = renderStatus(analyses[0], reportOptions(mr));
        return { state: status.state, description: status.description };
      }
      // Several dialects: the worst conclusion, and the combined check's overall line.
      const check = renderCombinedCheck(analyses, reportOptions(mr));
      return { state: check.conclusion === "failure" ? "failed" : "success", description: check.title };
    },
    noCiChange: (mr) => renderNoCiChange(mr.head.sha, reportOptions(mr)),
    explain: (analyses, command, mr) => renderExplainReply(analyses, command, mr.head.sha, reportOptions(mr)),
  };
}

export function reportOptions(mr: MergeRequestRef): ReportOptions {
  return {
    platform: "gitlab",
    fileUrl: mr.projectWebUrl ? blobLinks(`${mr.projectWebUrl}/-/blob`, mr) : undefined,
  };
}
