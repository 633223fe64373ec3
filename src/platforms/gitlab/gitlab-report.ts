import type { Analysis } from "../../analysis/model.js";
import type { ExplainCommand } from "../../commands/parse-command.js";
import type { LoadedSettings } from "../../config/load-settings.js";
import { commentMarker, renderComment, renderStatus, type ReportOptions } from "../../report/index.js";
import { renderExplainReply, renderNoCiChange } from "../change-report.js";
import type { StatusVerdict } from "./publisher.js";
import type { MergeRequestRef } from "./merge-request.js";

/** The renderers as the GitLab side uses them; injected so tests can replace them. */
export interface GitLabReport {
  marker: string;
  comment(analysis: Analysis, mr: MergeRequestRef, settings: LoadedSettings): string;
  status(analysis: Analysis, mr: MergeRequestRef): StatusVerdict;
  noCiChange(mr: MergeRequestRef): string;
  explain(analysis: Analysis, command: ExplainCommand, mr: MergeRequestRef): string;
}

/** The report as GitLab shows it: "MR" wording, file links at the right SHA. */
export function createGitLabReport(): GitLabReport {
  return {
    marker: commentMarker(),
    // Settings problems are on the analysis (`settingsDiagnostics`): the report has a section for them.
    comment: (analysis, mr) => renderComment(analysis, reportOptions(mr)),
    status: (analysis, mr) => {
      const status = renderStatus(analysis, reportOptions(mr));
      return { state: status.state, description: status.description };
    },
    noCiChange: (mr) => renderNoCiChange(mr.head.sha, reportOptions(mr)),
    explain: (analysis, command, mr) => renderExplainReply(analysis, command, mr.head.sha, reportOptions(mr)),
  };
}

export function reportOptions(mr: MergeRequestRef): ReportOptions {
  return {
    platform: "gitlab",
    fileUrl: mr.projectWebUrl
      ? (path, line, side = "head") =>
          `${mr.projectWebUrl}/-/blob/${side === "base" ? mr.base.sha : mr.head.sha}/${path.split("/").map(encodeURIComponent).join("/")}${line ? `#L${line}` : ""}`
      : undefined,
  };
}
