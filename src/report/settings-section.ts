import type { Analysis } from "../analysis/model.js";
import { code, heading, list, paragraph, trusted, type Block, type Inline } from "./document.js";
import { location } from "./location.js";
import type { ReportOptions } from "./options.js";
import { messageSpans } from "./wording.js";

/** Settings problems named in full; more are counted (the section must stay short). */
const MAX_SETTINGS_PROBLEMS = 10;

/**
 * Problems in the bot's own settings file, each with file:line. Settings are read from the
 * base branch, so the links point there. They never change the verdict (the analysis ran
 * with defaults for what could not be read), and a report shows them once, even when
 * several dialects share one comment or check: the first analysis that carries them speaks.
 */
export function settingsBlocks(analyses: readonly Analysis[], options: ReportOptions): Block[] {
  const problems = analyses.find((a) => a.settingsDiagnostics?.length)?.settingsDiagnostics ?? [];
  if (problems.length === 0) return [];
  const items = problems.slice(0, MAX_SETTINGS_PROBLEMS).map((d): Inline => [
    ...(d.pos ? [location(d.pos, options, "base"), trusted(": ")] : []),
    ...messageSpans(d.message),
    trusted(" "),
    code(d.code),
  ]);
  const rest = problems.length - items.length;
  if (rest > 0) items.push([trusted(`and ${rest} more`)]);
  return [
    heading(3, trusted("Settings not fully applied")),
    paragraph(
      trusted("The ci-explain settings on the base branch have problems; the analysis used the defaults where they are invalid. This does not change the verdict."),
    ),
    list(items),
  ];
}
