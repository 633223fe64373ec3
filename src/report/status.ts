import type { Analysis } from "../analysis/model.js";
import { CHECK_NAME } from "./check.js";
import { headlineText } from "./headline.js";
import { clipPhrases } from "./markdown-escape.js";
import type { ReportOptions } from "./options.js";

/** GitLab stores a commit status description of at most 255 characters. */
export const STATUS_DESCRIPTION_LIMIT = 255;

export interface CommitStatus {
  name: string;
  /** GitLab has no "neutral": a neutral verdict is a success (the status must not block). */
  state: "success" | "failed";
  description: string;
  targetUrl?: string;
}

/** The GitLab commit status for the head SHA; the caller supplies where it links to. */
export function renderStatus(analysis: Analysis, options: ReportOptions & { targetUrl?: string }): CommitStatus {
  return {
    name: CHECK_NAME,
    state: analysis.verdict.conclusion === "failure" ? "failed" : "success",
    description: clipPhrases(headlineText(analysis, options), STATUS_DESCRIPTION_LIMIT),
    targetUrl: options.targetUrl,
  };
}
