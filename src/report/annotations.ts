import type { Analysis, HazardSeverity } from "../analysis/model.js";
import type { Pos } from "../core/pos.js";
import { clip } from "./markdown-escape.js";
import { contextDisplayName, contextNamer, displayedHazard } from "./context-name.js";
import { ruleLabel } from "./decision.js";
import type { ReportOptions } from "./options.js";
import { HAZARD_TITLE } from "./wording.js";

/** A GitHub check run annotation, in the REST API's shape. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

/**
 * GitHub accepts at most 50 annotations per create/update request (checks API). A check
 * carries at most this many, in its one completing write: each extra batch is another write
 * against GitHub's content-creation limits, and thousands of marks help nobody.
 */
export const ANNOTATIONS_PER_CHECK = 50;

const LEVEL_OF: Record<HazardSeverity, CheckAnnotation["annotation_level"]> = { error: "failure", warning: "warning", notice: "notice" };
const LEVEL_RANK: Record<CheckAnnotation["annotation_level"], number> = { failure: 0, warning: 1, notice: 2 };

/** Lines named per annotation; the rest are counted, so one rule deciding 5,000 jobs stays readable. */
const MAX_MESSAGE_LINES = 12;
const MAX_MESSAGE_CHARS = 4000;

interface Note {
  pos: Pos;
  level: CheckAnnotation["annotation_level"];
  title: string;
  text: string;
}

/** Everything worth pinning to a head line: changed behaviour, hazards, load errors. */
function collectNotes(analysis: Analysis, platform: ReportOptions["platform"]): Note[] {
  const notes: Note[] = [];
  const name = contextNamer(analysis, platform);
  for (const d of analysis.head.diagnostics) {
    if (d.severity === "error" && d.pos) notes.push({ pos: d.pos, level: "failure", title: "configuration does not load", text: d.message });
  }
  for (const h of analysis.hazards.map((hazard) => displayedHazard(hazard, name))) {
    // A fixed hazard's position is in the base revision; annotations sit on the head.
    if (h.status === "fixed" || !h.source) continue;
    // Only an introduced error fails the check; one already on the base branch is not this
    // change's fault, so it is not shown as a failure on a check that passes.
    const level = h.status === "introduced" ? LEVEL_OF[h.severity] : LEVEL_OF[h.severity] === "failure" ? "warning" : LEVEL_OF[h.severity];
    notes.push({ pos: h.source, level, title: HAZARD_TITLE[h.kind], text: `${h.status === "introduced" ? "New" : "Still present"}: ${h.message}` });
  }
  for (const ctx of analysis.contexts) {
    const where = contextDisplayName(ctx.context, platform);
    for (const change of ctx.changes) {
      const fields = change.fields.filter((f) => f.field !== "decidedBy").map((f) => `${f.field}: ${f.before || "—"} → ${f.after || "—"}`).join("; ");
      if (change.kind === "removed") {
        const decided = ctx.after.excluded.find((e) => e.name === change.job)?.decidedBy.rule;
        if (decided) notes.push({ pos: decided.pos, level: "notice", title: "CI behaviour changes here", text: `${where}: ${change.job} is no longer in the pipeline (${ruleLabel(decided.index)})` });
        continue;
      }
      const after = change.after;
      if (!after) continue;
      const rule = after.decidedBy.rule;
      const what = change.kind === "added" ? `${change.job} is added (when: ${after.when})` : `${change.job} — ${fields}`;
      if (rule) notes.push({ pos: rule.pos, level: "notice", title: "CI behaviour changes here", text: `${where}: ${what} (decided by ${ruleLabel(rule.index)})` });
      if (after.image && change.fields.some((f) => f.field === "image")) {
        notes.push({ pos: after.image.pos, level: "notice", title: "image changes here", text: `${where}: ${change.job} runs in ${after.image.ref.text}` });
      }
      if (change.fields.some((f) => f.field === "builds")) {
        for (const b of after.builds) notes.push({ pos: b.pos, level: "notice", title: "image push changes here", text: `${where}: ${change.job} pushes ${b.image.text}` });
      }
    }
  }
  return notes;
}

/**
 * Annotations on the head's CI lines, one per line: notes on the same line merge, the most
 * severe level wins, and repeated texts are stated once with a count of the rest.
 */
/** Annotations are a GitHub check run's, so contexts are named the GitHub way unless told otherwise. */
export function checkAnnotations(analysis: Analysis, platform: ReportOptions["platform"] = "github"): CheckAnnotation[] {
  const byLine = new Map<string, Note[]>();
  for (const note of collectNotes(analysis, platform)) {
    const key = `${note.pos.file}\u0000${note.pos.line}`;
    const notes = byLine.get(key);
    if (notes) notes.push(note);
    else byLine.set(key, [note]);
  }
  return [...byLine.values()].map((notes) => {
    notes.sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level]);
    const level = notes[0].level;
    // Every kind of note on the line is named, most severe first: the message lists them all.
    const titles = [...new Set(notes.map((n) => n.title))];
    const texts = [...new Set(notes.map((n) => n.text))];
    const shown = texts.slice(0, MAX_MESSAGE_LINES);
    const rest = texts.length - shown.length;
    const message = shown.join("\n") + (rest > 0 ? `\n…and ${rest} more` : "");
    return {
      path: notes[0].pos.file,
      start_line: notes[0].pos.line,
      end_line: notes[0].pos.line,
      annotation_level: level,
      title: clip(titles.join("; "), 255),
      message: clip(message, MAX_MESSAGE_CHARS),
    };
  });
}

/** The annotations a check carries, and how many more places were left unmarked, by level. */
export interface AnnotationSelection {
  shown: CheckAnnotation[];
  omitted: Record<CheckAnnotation["annotation_level"], number>;
}

/**
 * The most important annotations, at most `max`: failures, then warnings, then notices,
 * each in the order found (load errors, hazards, then changed behaviour). The rest are
 * counted so the check's summary can say how many places were not marked.
 */
export function selectAnnotations(annotations: readonly CheckAnnotation[], max: number = ANNOTATIONS_PER_CHECK): AnnotationSelection {
  const ranked = annotations
    .map((annotation, order) => ({ annotation, order }))
    .sort((a, b) => LEVEL_RANK[a.annotation.annotation_level] - LEVEL_RANK[b.annotation.annotation_level] || a.order - b.order);
  const omitted: AnnotationSelection["omitted"] = { failure: 0, warning: 0, notice: 0 };
  for (const { annotation } of ranked.slice(max)) omitted[annotation.annotation_level]++;
  return { shown: ranked.slice(0, max).map((r) => r.annotation), omitted };
}
