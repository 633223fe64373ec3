import type { Analysis, ContextAnalysis } from "../analysis/model.js";
import { isAskedContext } from "../commands/asked-contexts.js";
import type { ExplainCommand } from "../commands/parse-command.js";
import { contextDisplayName } from "../report/context-name.js";
import { fitToBudget } from "../report/budget.js";
import { code, list, paragraph, strong, trusted, type Block, type Inline } from "../report/document.js";
import { EXPLAIN_LADDER, explainBlocks, type ExplainDetail, type ExplainRequest } from "../report/explain.js";
import { location } from "../report/location.js";
import { REPLY_MARKER_TEXT } from "../report/marker.js";
import { plural } from "../report/wording.js";
import { COMMENT_BUDGET, commentMarkerText, renderMarkdown, type ReportOptions } from "../report/index.js";

/**
 * The parts of the report both platforms add around the engine's renderers: the "no longer
 * changes CI" comment and the `/ci-explain` reply. (Settings problems are the report's own
 * section, from `Analysis.settingsDiagnostics`.) The platform
 * passes its ReportOptions (links, "PR"/"MR").
 */

const CHANGE_WORDS: Record<ReportOptions["platform"], string> = { github: "pull request", gitlab: "merge request" };

/** Words for a change that touches no CI configuration file, container recipe or ci-explain settings. */
function touchesNoCi(change: string): string {
  return `this ${change} changes no CI configuration file, container recipe or ci-explain settings`;
}

/**
 * The verdict when the change touches no CI: success, so a required check passes a change
 * that cannot affect CI. The title is what GitHub's check and GitLab's status show.
 */
export function noCiChangeVerdict(platform: ReportOptions["platform"], change = CHANGE_WORDS[platform]): { conclusion: "success"; title: string; summary: string } {
  const words = touchesNoCi(change);
  return { conclusion: "success", title: "no CI change", summary: `${words[0].toUpperCase()}${words.slice(1)}.` };
}

/** The sticky comment's text once the change no longer touches CI (it carries the marker). */
export function renderNoCiChange(headSha: string, options: ReportOptions): string {
  return renderMarkdown([
    { kind: "hidden", text: commentMarkerText(options.markerKey) },
    paragraph(strong(trusted("ci-explain")), trusted(": since "), code(headSha.slice(0, 8)), trusted(` ${touchesNoCi(CHANGE_WORDS[options.platform])}.`)),
  ]);
}

/**
 * A `/ci-explain` answer: each asked-for context's head pipeline in full (or one job in it,
 * led by what the change does to that job there). It fits the comment budget by choosing
 * less detail for every context together, never by cutting; when even the least detail of
 * them all is too long, it lists the contexts and how to ask about each alone. Without named
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
  const header = paragraph(...question(command, headSha, names.length === 1 ? names : command.targets));
  const marker: Block = { kind: "hidden", text: REPLY_MARKER_TEXT };
  if (contexts.length === 0) return renderMarkdown([header, ...notAnalysedBlocks(analyses, options), marker]);
  const requests = contexts.map((ctx, i): ExplainRequest => ({
    pipeline: ctx.after,
    contextName: names[i],
    job: command.job,
    changes: ctx.changes,
    redecided: ctx.redecided,
    heading: contexts.length === 1 ? "none" : "context",
  }));
  const budget = options.maxChars ?? COMMENT_BUDGET;
  // Contexts are rendered one by one and a level stops once it is past the budget: a big
  // pipeline's full detail is never rendered thirty times over only to be thrown away.
  const atLevel = (detail: ExplainDetail) => () => {
    const parts = [renderMarkdown([header])];
    let length = parts[0].length;
    for (const request of requests) {
      if (length > budget) break;
      const part = renderMarkdown(explainBlocks(request, options, detail));
      parts.push(part);
      length += part.length + 2;
    }
    return [...parts, renderMarkdown([marker])].join("\n\n");
  };
  const overview = () => renderMarkdown([header, ...askOneAtATimeBlocks(contexts, requests, command), marker]);
  return fitToBudget([...EXPLAIN_LADDER.map(atLevel), overview], budget).text;
}

/** Why nothing is explained, said here rather than pointing elsewhere: the head's load errors. */
function notAnalysedBlocks(analyses: readonly Analysis[], options: ReportOptions): Block[] {
  const errors = analyses.flatMap((a) => a.head.diagnostics.filter((d) => d.severity === "error"));
  const shown = errors.slice(0, 5).map((d): Inline => [...(d.pos ? [location(d.pos, options), trusted(": ")] : []), trusted(d.message)]);
  return [
    paragraph(trusted("No pipeline context could be analysed" + (errors.length > 0 ? ": the head configuration does not load." : "."))),
    ...(shown.length > 0 ? [list(shown)] : []),
    ...(errors.length > shown.length ? [paragraph(trusted(`and ${plural(errors.length - shown.length, "more error")}`))] : []),
  ];
}

/**
 * The last rung: one line per context, with the command that explains it alone where one
 * can (a branch push, or a context `.ci-explain.yml` names): such a reply has one context,
 * so it is shorter. An MR, tag or fork context cannot be asked for alone by name.
 */
function askOneAtATimeBlocks(contexts: readonly ContextAnalysis[], requests: readonly ExplainRequest[], command: ExplainCommand): Block[] {
  const job = command.job !== undefined ? ` job ${quoteArgument(command.job)}` : "";
  const vars = Object.entries(command.variables).map(([k, v]) => ` --var ${quoteArgument(`${k}=${v}`)}`).join("");
  return [
    paragraph(trusted(`The explanation of ${plural(requests.length, "context")} is too long for one comment. Ask about one at a time:`)),
    list(
      requests.map((r, i): Inline => {
        const target = askableTarget(contexts[i]);
        const ask = target === undefined ? [] : [trusted(": "), code(`/ci-explain ${quoteArgument(target)}${job}${vars}`)];
        return [code(r.contextName), trusted(` — ${plural(r.pipeline.jobs.length, "job")}`), ...ask];
      }),
    ),
  ];
}

/** The command target that reproduces a context alone, if any (see applyCommand). */
function askableTarget(ctx: ContextAnalysis): string | undefined {
  const { origin, ref, source } = ctx.context;
  if (origin.kind === "configured" || origin.kind === "command") return ctx.context.name;
  const branchPush = ref.kind === "branch" && source === "push";
  return branchPush && ["default-branch", "mr-target", "rule-literal", "rule-regex"].includes(origin.kind) ? ref.name : undefined;
}

/** A command argument as the grammar reads it: quoted when it has a space or a quote (no escapes). */
function quoteArgument(text: string): string {
  if (!/[\s"']/.test(text)) return text;
  return text.includes('"') ? `'${text}'` : `"${text}"`;
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
