import type { Analysis, Hazard } from "../analysis/model.js";
import { contextNamer, displayedHazard } from "./context-name.js";
import { heading, lineBreak, list, paragraph, strong, trusted, type Block, type Inline } from "./document.js";
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

/**
 * A fixed hazard's message mostly says what was true in the base (`8 jobs run in …`), and some
 * kinds word their fixed state themselves (`… no longer push …`). "was:" before the title puts
 * either in the past without rewording any kind's message.
 */
function titleWords(hazard: Hazard, fixed: boolean): string {
  return `${fixed ? "was: " : ""}${hazard.possible ? "may happen: " : ""}${HAZARD_TITLE[hazard.kind]}`;
}

function facts(hazard: Hazard, options: ReportOptions, names: number): Inline[] {
  const out: Inline[] = [];
  if (hazard.contexts.length) out.push([trusted("contexts: "), ...nameList(hazard.contexts, names, "context")]);
  if (hazard.images.length) out.push([trusted("images: "), ...imageList(hazard.images, names)]);
  if (hazard.jobs.length) out.push([trusted("jobs: "), ...nameList(hazard.jobs, names, "job")]);
  // Who else publishes the image a context runs in without building it (the pipeline that pushed last wins).
  if (hazard.publishedBy?.length) out.push([trusted("pushed by: "), ...nameList(hazard.publishedBy, names, "context")]);
  if (hazard.source) out.push([trusted("at "), location(hazard.source, options, hazard.status === "fixed" ? "base" : "head")]);
  return out;
}

const joinFacts = (list: Inline[]): Inline => list.flatMap((f, i) => [...(i ? [trusted(" · ")] : []), ...f]);

export function hazardItem(hazard: Hazard, options: ReportOptions, names: number): Inline {
  const icon = hazard.status === "fixed" ? "✅" : SEVERITY_ICON[hazard.severity];
  // A possible finding could not be shown to happen (an unknown part, a job that only may
  // run): it is said as "possible", never as a fact, and is only ever a notice.
  const item: Inline = [
    trusted(`${icon} `),
    strong(trusted(`${hazard.possible ? "possible" : hazard.severity} · ${STATUS_WORD[hazard.status]}`)),
    trusted(` — ${titleWords(hazard, hazard.status === "fixed")}: `),
    ...messageSpans(hazard.message),
  ];
  const list = facts(hazard, options, names);
  if (list.length) item.push(lineBreak, ...joinFacts(list));
  return item;
}

/**
 * Kinds whose findings each name one thing and nothing else (a template include that is not
 * read): seven of them are one fact about the configuration, so they share one bullet.
 */
const MERGED_KINDS = new Set<Hazard["kind"]>(["not-analysed"]);

/**
 * The words every message of a merged bullet ends with (`jobs and rules it defines are not in
 * this report.`), cut after a `: ` so they are said once; "" when the messages share none.
 */
function sharedTail(messages: string[]): string {
  let n = 0;
  const first = messages[0];
  while (n < first.length && messages.every((m) => m.length > n && m[m.length - 1 - n] === first[first.length - 1 - n])) n++;
  const common = first.slice(first.length - n);
  const cut = common.indexOf(": ");
  return cut >= 0 && messages.every((m) => m.length > common.length - cut) ? common.slice(cut + 2) : "";
}

/** One bullet for several findings of one kind: their statuses counted, each named on its own line. */
function mergedItem(group: Hazard[], options: ReportOptions): Inline {
  const first = group[0];
  const statuses = (["introduced", "unchanged", "fixed"] as const)
    .map((s) => [s, group.filter((h) => h.status === s).length] as const)
    .filter(([, n]) => n > 0);
  const mixed = statuses.length > 1;
  const allFixed = statuses.every(([s]) => s === "fixed");
  const icon = allFixed ? "✅" : SEVERITY_ICON[first.severity];
  const tail = sharedTail(group.map((h) => h.message));
  const item: Inline = [
    trusted(`${icon} `),
    strong(trusted(`${first.possible ? "possible" : first.severity} · ${statuses.map(([s, n]) => `${n} ${STATUS_WORD[s]}`).join(", ")}`)),
    trusted(` — ${titleWords(first, allFixed)} (${group.length})${tail ? "; for each: " : ":"}`),
    ...(tail ? messageSpans(tail) : []),
  ];
  for (const h of group) {
    const message = tail ? h.message.slice(0, h.message.length - tail.length).replace(/:\s*$/, "") : h.message;
    item.push(lineBreak, ...messageSpans(message), ...(mixed ? [trusted(` (${STATUS_WORD[h.status]})`)] : []));
    const list = facts(h, options, 0);
    if (list.length) item.push(trusted(" · "), ...joinFacts(list));
  }
  return item;
}

/**
 * Hazards in list order, findings of a merged kind gathered at the place of their most severe
 * one. Severity and `possible` stay apart: a notice never shares a bullet with a warning.
 */
function hazardEntries(sorted: Hazard[]): Hazard[][] {
  const entries: Hazard[][] = [];
  const merged = new Map<string, Hazard[]>();
  for (const h of sorted) {
    if (!MERGED_KINDS.has(h.kind)) {
      entries.push([h]);
      continue;
    }
    const key = `${h.kind}\0${h.severity}\0${h.possible ?? false}`;
    const group = merged.get(key);
    if (group) group.push(h);
    else {
      const fresh = [h];
      merged.set(key, fresh);
      entries.push(fresh);
    }
  }
  return entries;
}

/** Hazards, most severe first, each with where it is and what it touches. */
export function hazardBlocks(analysis: Analysis, options: ReportOptions, detail: HazardDetail): Block[] {
  if (analysis.hazards.length === 0) return [];
  const name = contextNamer(analysis, options.platform);
  const entries = hazardEntries(sortHazards(analysis.hazards.map((h) => displayedHazard(h, name))));
  const shown = entries.slice(0, detail.items);
  const blocks: Block[] = [heading(3, trusted("Hazards"))];
  if (shown.length) blocks.push(list(shown.map((g) => (g.length === 1 ? hazardItem(g[0], options, detail.names) : mergedItem(g, options)))));
  const rest = entries.slice(shown.length).flat();
  if (rest.length) {
    const bySeverity = (["error", "warning", "notice"] as const)
      .map((s) => [s, rest.filter((h) => h.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => plural(n, s));
    blocks.push(paragraph(trusted(`${shown.length ? "and " : ""}${plural(rest.length, shown.length ? "more finding" : "finding")} (${bySeverity.join(", ")})`)));
  }
  return blocks;
}
