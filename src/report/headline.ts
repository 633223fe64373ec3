import type { Analysis } from "../analysis/model.js";
import { lineBreak, strong, trusted, type Inline } from "./document.js";
import { changedImages, headConfigError, isContextChanged, jobCounts } from "./facts.js";
import { rankedFindings, type Finding } from "./findings.js";
import { contextDisplayName } from "./context-name.js";
import { location } from "./location.js";
import { inlineText } from "./terminal.js";
import { changeNoun, type ReportOptions } from "./options.js";
import { plural } from "./wording.js";

/**
 * The comment's first two lines, which a maintainer reads in two seconds: the most important
 * finding in the trade's words, then the next one, how much else there is, how much of CI the
 * change touches, and the verdict.
 */

const VERDICT_WORDS: Record<Analysis["verdict"]["conclusion"], string> = {
  failure: "⛔ the check fails",
  neutral: "⚠️ the check is neutral",
  success: "✅ the check passes",
};

function findingLine(f: Finding): Inline {
  return [trusted(`${f.icon} `), ...f.sentence];
}

/** `changes CI on 2 of 9 branch contexts` / `no change to any pipeline (9 branch contexts checked)`. */
function scope(analysis: Analysis): string {
  const total = analysis.contexts.length;
  const changed = analysis.contexts.filter(isContextChanged).length;
  if (changed === 0) return `no change to any pipeline (${plural(total, "branch context")} checked)`;
  const retagged = analysis.contexts.reduce((n, c) => n + changedImages(c).length, 0);
  return `changes CI on ${changed} of ${plural(total, "branch context")}${retagged > 0 ? `, ${plural(retagged, "image push", "image pushes")}` : ""}`;
}

/** The first line's words, without the leading "ci-explain:". */
function firstLine(analysis: Analysis, options: ReportOptions, top: Finding | undefined): Inline {
  const noun = changeNoun(options.platform);
  if (!analysis.ciRelevant) return [trusted(`the latest push to this ${noun} no longer changes CI`)];
  const error = headConfigError(analysis);
  if (error) {
    const where = error.pos ? [location(error.pos, options), trusted(": ")] : [];
    return [trusted(`⛔ the CI configuration in this ${noun} does not load — `), ...where, error.message];
  }
  // A notice is worth a line, but not the first: then the first says what the change does.
  if (top && top.severity !== "notice") return findingLine(top);
  const changes = analysis.contexts.some(isContextChanged) ? `this ${noun} ${scope(analysis)}${whatChanges(analysis, options)}` : scope(analysis);
  return [trusted(`${changes}${top ? "" : ", nothing found to look at"}`)];
}

/** ` — on master: 2 jobs added, 46 changed`: the first changed context's jobs, in words. */
function whatChanges(analysis: Analysis, options: ReportOptions): string {
  const ctx = analysis.contexts.find(isContextChanged);
  if (!ctx) return "";
  const c = jobCounts(ctx);
  const parts = ([[c.added, "added"], [c.removed, "removed"], [c.changed, "changed"]] as const).filter(([n]) => n > 0);
  if (parts.length === 0) return "";
  const words = parts.map(([n, word], i) => (i === 0 ? `${plural(n, "job")} ${word}` : `${n} ${word}`));
  return ` — on ${contextDisplayName(ctx.context, options.platform)}: ${words.join(", ")}`;
}

/** The second line: the next finding, what else there is, the scope and the verdict. */
function secondLine(analysis: Analysis, findings: readonly Finding[]): Inline {
  const parts: Inline[] = [];
  // A notice the first line left out is named here; else the second finding, when it is news
  // (introduced or fixed) or the first is not.
  const first = findings[0];
  const named = first && first.severity === "notice" ? 0 : 1;
  const second = findings[named];
  if (second && (named === 0 || second.status !== "unchanged" || first.status === "unchanged")) parts.push(findingLine(second));
  const more = findings.slice(named + parts.length);
  if (more.length > 0) {
    const already = more.filter((f) => f.status === "unchanged").length;
    const tail = already === 0 ? "" : already === more.length ? " already there" : ` (${already} already there)`;
    parts.push([trusted(`${plural(more.length, "more finding")}${tail}`)]);
  }
  if (findings.length > 0 && first.severity !== "notice") parts.push([trusted(scope(analysis))]);
  parts.push([trusted(VERDICT_WORDS[analysis.verdict.conclusion])]);
  return parts.flatMap((p, i) => [...(i > 0 ? [trusted(" · ")] : []), ...p]);
}

/**
 * The answer: the comment's first two lines, the first in bold. The check title and the GitLab
 * status description use the first line's words (`headlineText`).
 */
export function headline(analysis: Analysis, options: ReportOptions, ranked: readonly Finding[] = rankedFindings(analysis, options)): Inline {
  const findings = analysis.ciRelevant && !headConfigError(analysis) ? ranked : [];
  const lead: Inline = [strong(trusted("ci-explain: "), ...firstLine(analysis, options, findings[0]))];
  if (!analysis.ciRelevant) return lead;
  return [...lead, lineBreak, ...secondLine(analysis, findings)];
}

/** Plain one-line form (check title, status description): the first line, no markdown, no links. */
export function headlineText(analysis: Analysis, options: ReportOptions): string {
  const plain = { ...options, fileUrl: undefined };
  const findings = analysis.ciRelevant && !headConfigError(analysis) ? rankedFindings(analysis, plain) : [];
  return inlineText(firstLine(analysis, plain, findings[0]));
}
