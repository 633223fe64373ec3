import type { Analysis, Hazard } from "../analysis/model.js";
import { details, heading, list, paragraph, trusted, type Block, type Inline } from "./document.js";
import { rankedFindings, type Finding } from "./findings.js";
import { location } from "./location.js";
import { changeNoun, type ReportOptions } from "./options.js";
import { imageList, messageSpans, nameList, plural } from "./wording.js";

export interface FindingsDetail {
  /** Findings of this change shown one by one; the rest are counted. */
  items: number;
  /** Contexts, images and jobs named per hazard; the rest are counted. */
  names: number;
}

/** What a hazard touches and where to look, one fact a line. */
function facts(hazard: Hazard, options: ReportOptions, names: number): Inline[] {
  const out: Inline[] = [];
  if (hazard.contexts.length) out.push([trusted("branch contexts: "), ...nameList(hazard.contexts, names, "context")]);
  if (hazard.images.length) out.push([trusted("images: "), ...imageList(hazard.images, names)]);
  if (hazard.jobs.length) out.push([trusted("jobs: "), ...nameList(hazard.jobs, names, "job")]);
  // Who else publishes the image a context runs in without building it (the pipeline that pushed last wins).
  if (hazard.publishedBy?.length) out.push([trusted("pushed by: "), ...nameList(hazard.publishedBy, names, "context")]);
  if (hazard.source) out.push([trusted("at "), location(hazard.source, options, hazard.status === "fixed" ? "base" : "head")]);
  return out;
}

/** A finding's details: each of its hazards in the analysis' own words, with its facts. */
function findingBody(f: Finding, options: ReportOptions, names: number): Block[] {
  return f.hazards.flatMap((h): Block[] => {
    const list_ = facts(h, options, names);
    const said = f.possible ? [trusted("Possible, not certain: ")] : [];
    return [paragraph(...said, ...messageSpans(h.message)), ...(list_.length ? [list(list_)] : [])];
  });
}

const SEVERITY_WORDS: Record<Hazard["severity"], string> = { error: "error", warning: "warning", notice: "notice" };

/** `1 error, 2 warnings` — how many findings of each severity. */
function severityCounts(findings: Finding[]): string {
  return (["error", "warning", "notice"] as const)
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => plural(n, SEVERITY_WORDS[s]))
    .join(", ");
}

/**
 * What this change introduces or fixes, one line per finding with its details folded under it,
 * most important first; then what was there before and stays, folded as a whole.
 */
export function findingsBlocks(analysis: Analysis, options: ReportOptions, detail: FindingsDetail, findings: readonly Finding[] = rankedFindings(analysis, options)): Block[] {
  if (findings.length === 0) return [];
  const news = findings.filter((f) => f.status !== "unchanged");
  const already = findings.filter((f) => f.status === "unchanged");
  const blocks: Block[] = [];
  if (news.length > 0) {
    blocks.push(heading(3, trusted(`What this ${changeNoun(options.platform)} introduces or fixes`)));
    const shown = news.slice(0, detail.items);
    for (const f of shown) blocks.push(details([trusted(`${f.icon} `), ...f.sentence], findingBody(f, options, detail.names)));
    const rest = news.length - shown.length;
    if (rest > 0) blocks.push(paragraph(trusted(`${shown.length ? "and " : ""}${plural(rest, shown.length ? "more finding" : "finding")} (${severityCounts(news.slice(shown.length))})`)));
  }
  if (already.length > 0) {
    const shown = already.slice(0, detail.items);
    // One folded line each, as for this change's findings.
    const inside: Block[] = shown.map((f) => details([trusted(`${f.icon} `), ...f.sentence], findingBody(f, options, detail.names)));
    const rest = already.length - shown.length;
    // Nothing listed: the summary line has said it all.
    if (rest > 0 && shown.length > 0) inside.push(paragraph(trusted(`and ${plural(rest, "more finding")} (${severityCounts(already.slice(shown.length))})`)));
    const summary: Inline = [trusted(`Already there before this ${changeNoun(options.platform)}: ${plural(already.length, "finding")} (${severityCounts(already)})`)];
    blocks.push(inside.length ? details(summary, inside) : paragraph(...summary));
  }
  return blocks;
}
