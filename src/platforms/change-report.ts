import type { Analysis, ContextAnalysis } from "../analysis/model.js";
import { isAskedContext } from "../commands/asked-contexts.js";
import type { ExplainCommand } from "../commands/parse-command.js";
import { contextDisplayName } from "../report/context-name.js";
import { code, paragraph, strong, trusted, type Inline } from "../report/document.js";
import { COMMENT_BUDGET, commentMarkerText, renderExplainMarkdown, renderMarkdown, type ReportOptions } from "../report/index.js";

/**
 * The parts of the report both platforms add around the engine's renderers: the "no longer
 * changes CI" comment and the `/ci-explain` reply. (Settings problems are the report's own
 * section, from `Analysis.settingsDiagnostics`.) The platform
 * passes its ReportOptions (links, "PR"/"MR").
 */

const CHANGE_WORDS: Record<ReportOptions["platform"], string> = { github: "pull request", gitlab: "merge request" };

/** Words for a change that touches no CI configuration file, container recipe or ci-explain settings. */
function touchesNoCi(platform: ReportOptions["platform"]): string {
  return `this ${CHANGE_WORDS[platform]} changes no CI configuration file, container recipe or ci-explain settings`;
}

/**
 * The verdict when the change touches no CI: success, so a required check passes a change
 * that cannot affect CI. The title is what GitHub's check and GitLab's status show.
 */
export function noCiChangeVerdict(platform: ReportOptions["platform"]): { conclusion: "success"; title: string; summary: string } {
  const words = touchesNoCi(platform);
  return { conclusion: "success", title: "no CI change", summary: `${words[0].toUpperCase()}${words.slice(1)}.` };
}

/** The sticky comment's text once the change no longer touches CI (it carries the marker). */
export function renderNoCiChange(headSha: string, options: ReportOptions): string {
  return renderMarkdown([
    { kind: "hidden", text: commentMarkerText(options.markerKey) },
    paragraph(strong(trusted("ci-explain")), trusted(": since "), code(headSha.slice(0, 8)), trusted(` ${touchesNoCi(options.platform)}.`)),
  ]);
}

/**
 * A `/ci-explain` answer: each asked-for context's head pipeline in full (or one job in it,
 * led by what the change does to that job there), sharing the comment budget. Without named
 * branches, every analysed context is explained. The reply has one heading: with one context
 * the question line names it and the section adds none; with several, each section is headed
 * by its context's name alone.
 */
export function renderExplainReply(analyses: readonly Analysis[], command: ExplainCommand, headSha: string, options: ReportOptions): string {
  // Every dialect's contexts: a GitHub Actions run is a Pipeline as a GitLab CI one is.
  const all = analyses.flatMap((a) => a.contexts);
  const asked = command.targets.length > 0 ? all.filter((c) => isAskedContext(c, command.targets)) : all;
  const contexts = asked.length > 0 ? asked : all;
  const names = contexts.map((ctx) => contextDisplayName(ctx.context, options.platform));
  const header = renderMarkdown([paragraph(...question(command, headSha, names.length === 1 ? names : command.targets))]);
  const verdictWord = options.platform === "github" ? "the check" : "the commit status";
  if (contexts.length === 0) return `${header}\n\nNo pipeline context could be analysed; the summary comment and ${verdictWord} say why.`;
  const share = Math.floor((COMMENT_BUDGET - header.length) / contexts.length) - 10;
  const parts = contexts.map((ctx, i) =>
    renderExplainMarkdown(
      { pipeline: ctx.after, contextName: names[i], job: command.job, changes: ctx.changes, redecided: ctx.redecided, heading: contexts.length === 1 ? "none" : "context" },
      { ...options, maxChars: share },
    ),
  );
  return [header, ...parts].join("\n\n");
}

/** The reply's heading: the command as understood, naming the context when only one is explained. */
function question(command: ExplainCommand, headSha: string, contexts: readonly string[]): Inline {
  const spans: Inline = [strong(trusted("/ci-explain")), trusted(" at "), code(headSha.slice(0, 8))];
  if (contexts.length > 0) spans.push(trusted(" for "), ...contexts.flatMap((t, i) => [...(i > 0 ? [trusted(", ")] : []), code(t)]));
  if (command.job !== undefined) spans.push(trusted(", job "), code(command.job));
  const vars = Object.entries(command.variables);
  if (vars.length > 0) spans.push(trusted(", with "), ...vars.flatMap(([k, v], i) => [...(i > 0 ? [trusted(", ")] : []), code(`${k}=${v}`)]));
  return spans;
}
