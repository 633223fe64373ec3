import type { Analysis, Hazard } from "../analysis/model.js";
import { heading, list, paragraph, strong, trusted, type Block, type Inline } from "./document.js";
import { sortHazards } from "./facts.js";
import { location } from "./location.js";
import type { ReportOptions } from "./options.js";
import { HAZARD_TITLE, imageList, messageSpans, nameList, plural, SEVERITY_ICON } from "./wording.js";

export interface HazardDetail {
  /** Hazards listed one by one; the rest are counted. */
  items: number;
  /** Contexts, images and jobs named per hazard; the rest are counted. */
  names: number;
}

const STATUS_WORD: Record<Hazard["status"], string> = { introduced: "introduced", fixed: "fixed", unchanged: "already present" };

export function hazardItem(hazard: Hazard, options: ReportOptions, names: number): Inline {
  const icon = hazard.status === "fixed" ? "✅" : SEVERITY_ICON[hazard.severity];
  // A possible finding could not be shown to happen (an unknown part, a job that only may
  // run): it is said as "possible", never as a fact, and is only ever a notice.
  const item: Inline = [
    trusted(`${icon} `),
    strong(trusted(`${hazard.possible ? "possible" : hazard.severity} · ${STATUS_WORD[hazard.status]}`)),
    trusted(` — ${hazard.possible ? "may happen: " : ""}${HAZARD_TITLE[hazard.kind]}: `),
    ...messageSpans(hazard.message),
  ];
  const facts: Inline[] = [];
  if (hazard.contexts.length) facts.push([trusted("contexts: "), ...nameList(hazard.contexts, names, "context")]);
  if (hazard.images.length) facts.push([trusted("images: "), ...imageList(hazard.images, names)]);
  if (hazard.jobs.length) facts.push([trusted("jobs: "), ...nameList(hazard.jobs, names, "job")]);
  // Who else publishes the image a context runs in without building it (the pipeline that pushed last wins).
  if (hazard.publishedBy?.length) facts.push([trusted("pushed by: "), ...nameList(hazard.publishedBy, names, "context")]);
  if (hazard.source) facts.push([trusted("at "), location(hazard.source, options, hazard.status === "fixed" ? "base" : "head")]);
  if (facts.length) {
    item.push({ kind: "break" });
    facts.forEach((f, i) => item.push(...(i ? [trusted(" · ")] : []), ...f));
  }
  return item;
}

/** Hazards, most severe first, each with where it is and what it touches. */
export function hazardBlocks(analysis: Analysis, options: ReportOptions, detail: HazardDetail): Block[] {
  if (analysis.hazards.length === 0) return [];
  const sorted = sortHazards(analysis.hazards);
  const shown = sorted.slice(0, detail.items);
  const blocks: Block[] = [heading(3, trusted("Hazards"))];
  if (shown.length) blocks.push(list(shown.map((h) => hazardItem(h, options, detail.names))));
  const rest = sorted.slice(shown.length);
  if (rest.length) {
    const bySeverity = (["error", "warning", "notice"] as const)
      .map((s) => [s, rest.filter((h) => h.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}${n === 1 ? "" : "s"}`);
    blocks.push(paragraph(trusted(`${shown.length ? "and " : ""}${plural(rest.length, shown.length ? "more hazard" : "hazard")} (${bySeverity.join(", ")})`)));
  }
  return blocks;
}
