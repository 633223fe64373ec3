import type { Analysis } from "../analysis/model.js";
import { code, heading, list, paragraph, trusted, type Block, type Inline } from "./document.js";
import { location } from "./location.js";
import type { ReportOptions } from "./options.js";
import { messageSpans } from "./wording.js";

/** Settings problems named in full; more are counted (the section must stay short). */
const MAX_SETTINGS_PROBLEMS = 10;

const FROM_WORDS: Record<NonNullable<ReportOptions["settingsFrom"]>, string> = {
  base: "as the base revision has it (the bot reads its settings from there, so a change cannot relax its own review)",
  head: "as the head revision has it",
  given: "given on the command line",
};

/**
 * Problems in the bot's own settings file, each with file:line, and which file and revision that
 * was (`options.settingsFrom`). What is wrong is left out and the rest of the file applies; they
 * never change the verdict, and a report shows them once, even when several dialects share one
 * comment or check: the first analysis that carries them speaks.
 */
export function settingsBlocks(analyses: readonly Analysis[], options: ReportOptions): Block[] {
  const problems = analyses.find((a) => a.settingsDiagnostics?.length)?.settingsDiagnostics ?? [];
  if (problems.length === 0) return [];
  const from = options.settingsFrom ?? "base";
  const side = from === "head" ? "head" : "base";
  const items = problems.slice(0, MAX_SETTINGS_PROBLEMS).map((d): Inline => [
    ...(d.pos ? [location(d.pos, options, side), trusted(": ")] : []),
    ...messageSpans(d.message),
    trusted(" "),
    code(d.code),
  ]);
  const rest = problems.length - items.length;
  if (rest > 0) items.push([trusted(`and ${rest} more`)]);
  const file = problems.find((d) => d.pos)?.pos?.file;
  return [
    heading(3, trusted("Settings not fully applied")),
    paragraph(
      trusted("The ci-explain settings "),
      ...(file ? [trusted("in "), code(file), trusted(" ")] : []),
      trusted(`${FROM_WORDS[from]} have problems: what is wrong was left out, every other setting applies. This does not change the verdict.`),
    ),
    list(items),
  ];
}
