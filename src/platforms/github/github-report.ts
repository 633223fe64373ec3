import type { Analysis, ContextAnalysis } from "../../analysis/model.js";
import type { ExplainCommand } from "../../commands/parse-command.js";
import type { LoadedSettings } from "../../config/load-settings.js";
import { formatDiagnostic } from "../../core/diagnostic.js";
import { code, list, paragraph, strong, trusted, type Block, type Inline } from "../../report/document.js";
import { COMMENT_BUDGET, commentMarker, commentMarkerText, renderCheck, renderComment, renderExplainMarkdown, renderMarkdown, type ReportOptions } from "../../report/index.js";
import type { AnswerDeps } from "./answer-command.js";
import type { CheckResult } from "./publisher.js";
import type { GitHubReport, PullRequestRef } from "./review-pull-request.js";

/** Settings problems named in full; more are counted. */
const MAX_SETTINGS_NOTES = 10;

/** The report as the GitHub App shows it: file links at the right SHA, "PR" wording. */
export function createGitHubReport(): GitHubReport & Pick<AnswerDeps, "explain"> {
  const marker = commentMarker();
  return {
    marker,
    comment: (analysis, pr, settings) => withSettingsNote(renderComment(analysis, reportOptions(pr)), settings),
    check: (analysis, pr, settings): CheckResult => {
      const check = renderCheck(analysis, reportOptions(pr));
      return { ...check, summary: withSettingsNote(check.summary, settings) };
    },
    noCiChange: (pr) =>
      renderMarkdown([
        { kind: "hidden", text: commentMarkerText() },
        paragraph(
          strong(trusted("ci-explain")),
          trusted(": since "),
          code(pr.head.sha.slice(0, 8)),
          trusted(" this pull request changes no CI configuration, container recipe or ci-explain settings."),
        ),
      ]),
    explain: (analysis, command, pr) => renderExplainReply(analysis, command, pr),
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

/**
 * A `/ci-explain` answer: each asked-for context's head pipeline in full (or one job in it),
 * sharing the comment budget. Without named branches, every analysed context is explained.
 */
function renderExplainReply(analysis: Analysis, command: ExplainCommand, pr: PullRequestRef): string {
  const asked = command.targets.length > 0 ? analysis.contexts.filter((c) => isAsked(c, command.targets)) : analysis.contexts;
  const contexts = asked.length > 0 ? asked : analysis.contexts;
  const options = reportOptions(pr);
  const header = renderMarkdown([paragraph(...question(command, pr))]);
  if (contexts.length === 0) return `${header}\n\nNo pipeline context could be analysed; the summary comment and the check say why.`;
  const share = Math.floor((COMMENT_BUDGET - header.length) / contexts.length) - 10;
  const parts = contexts.map((ctx) =>
    renderExplainMarkdown({ pipeline: ctx.after, contextName: ctx.context.name, job: command.job }, { ...options, maxChars: share }),
  );
  return [header, ...parts].join("\n\n");
}

function isAsked(ctx: ContextAnalysis, targets: string[]): boolean {
  const ref = ctx.context.ref;
  const refName = ref.kind === "mr" ? undefined : ref.name;
  return targets.includes(ctx.context.name) || (refName !== undefined && targets.includes(refName));
}

function question(command: ExplainCommand, pr: PullRequestRef): Inline {
  const spans: Inline = [strong(trusted("/ci-explain")), trusted(" at "), code(pr.head.sha.slice(0, 8))];
  if (command.targets.length > 0) spans.push(trusted(" for "), ...command.targets.flatMap((t, i) => [...(i > 0 ? [trusted(", ")] : []), code(t)]));
  if (command.job !== undefined) spans.push(trusted(", job "), code(command.job));
  const vars = Object.entries(command.variables);
  if (vars.length > 0) spans.push(trusted(", with "), ...vars.flatMap(([k, v], i) => [...(i > 0 ? [trusted(", ")] : []), code(`${k}=${v}`)]));
  return spans;
}

/**
 * An invalid `.ci-explain.yml` on the base branch means defaults were used: say so next to
 * the result, naming the key and line, rather than leave the reader guessing.
 */
function withSettingsNote(markdown: string, settings: LoadedSettings): string {
  const problems = settings.diagnostics;
  if (problems.length === 0) return markdown;
  const shown = problems.slice(0, MAX_SETTINGS_NOTES).map((d): Inline => [code(formatDiagnostic(d))]);
  const rest = problems.length - shown.length;
  const blocks: Block[] = [
    paragraph(trusted("⚠️ "), code(settings.path ?? ".ci-explain.yml"), trusted(" on the base branch has problems; defaults were used where it is invalid:")),
    list(rest > 0 ? [...shown, [trusted(`…and ${rest} more`)]] : shown),
  ];
  return `${markdown}\n\n${renderMarkdown(blocks)}`;
}
