import type { ContextOrigin, HazardKind, HazardSeverity } from "../analysis/model.js";
import type { ResolvedText } from "../gitlab-ci/pipeline.js";
import { code, em, trusted, type Inline } from "./document.js";
import { location } from "./location.js";
import type { ReportOptions } from "./options.js";

/** Findings are data; these are their words (one place, like a locale file). */

import { plural } from "../core/plural.js";

export { plural };

export const SEVERITY_ORDER: Record<HazardSeverity, number> = { error: 0, warning: 1, notice: 2 };

export const SEVERITY_ICON: Record<HazardSeverity, string> = { error: "⛔", warning: "⚠️", notice: "ℹ️" };

export const HAZARD_TITLE: Record<HazardKind, string> = {
  "config-error": "configuration does not load",
  "image-tag-collision": "image tag pushed by more than one branch",
  "image-not-built": "image used but not built",
  "dockerfile-not-rebuilt": "container recipe changed but not rebuilt",
  "pipeline-lost": "pipeline no longer created",
  "jobs-lost": "jobs lost",
  "jobs-manual": "jobs turned manual",
  "allow-failure": "jobs now allowed to fail",
  "duplicate-pipelines": "duplicate branch and MR pipelines",
  "needs-missing": "job needs a job that is not in the pipeline",
  "not-analysed": "part of the configuration not analysed",
  "concurrency-cancel": "runs of different branches cancel each other (concurrency group)",
  "invalid-image-reference": "image reference Docker refuses",
};

/** How a branch context was chosen, in a few words (with the rule it came from). */
export function describeOrigin(origin: ContextOrigin, options: ReportOptions): Inline {
  switch (origin.kind) {
    case "default-branch":
      return [trusted("default branch")];
    case "mr-target":
      return [trusted(`${options.platform === "github" ? "PR" : "MR"} target branch`)];
    case "mr-pipeline":
      return [trusted(`${options.platform === "github" ? "PR" : "MR"} pipeline`)];
    case "tag":
      return [trusted("tag pipeline")];
    case "fork":
      return [trusted("push in a fork")];
    case "configured":
      return [trusted("configured in .ci-explain.yml")];
    case "command":
      return [trusted("asked for by command")];
    case "rule-literal":
      return [trusted("tested by a rule at "), location(origin.pos, options)];
    case "event":
      return [trusted(`${origin.event} run, enabled at `), location(origin.pos, options)];
    case "rule-regex":
      return [
        trusted(origin.synthesised ? "a name made up to match " : "matches "),
        code(origin.pattern),
        trusted(" at "),
        location(origin.pos, options),
      ];
  }
}

/** A value that may be partly unknown: shown as written, with `«$NAME»` kept visible. */
export function describeResolved(value: ResolvedText): Inline {
  if (value.known) return [code(value.text)];
  return [code(value.text), trusted(" "), em(trusted("unknown: "), value.unknowns.join(", "))];
}

/** True when a rendered tag or ref carries an unknown part (`«$NAME»`). */
export function hasUnknownPart(text: string): boolean {
  return text.includes("«");
}

/**
 * The directory all image repositories share (`registry.gitlab.com/group/project/`), so
 * lists can name each image by what differs; "" when fewer than two or nothing shared.
 */
export function commonImagePrefix(refs: string[]): string {
  if (refs.length < 2) return "";
  let prefix = refs[0].slice(0, refs[0].lastIndexOf("/") + 1);
  for (const ref of refs) while (prefix && !ref.startsWith(prefix)) prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf("/") + 1);
  return prefix;
}

/**
 * The directory most of the paths or image references are in (`registry.gitlab.com/group/project/`,
 * `tests/docker/dockerfiles/`), so a table can name them by what follows it; the few elsewhere
 * (`docker:latest`) keep their full name. "" when no directory holds two of them.
 */
export function mostCommonDirectory(refs: string[]): string {
  const counts = new Map<string, number>();
  for (const ref of new Set(refs)) {
    const dir = ref.slice(0, ref.lastIndexOf("/") + 1);
    if (dir) counts.set(dir, (counts.get(dir) ?? 0) + 1);
  }
  let best = "";
  let most = 1;
  for (const [dir, n] of counts) if (n > most) [best, most] = [dir, n];
  return best;
}

/** `a`, `b`, `c` and 12 more — names in code spans, so nothing in them is markdown. */
export function nameList(names: string[], max: number, noun: string): Inline {
  const shown = names.slice(0, max);
  const out: Inline = [];
  shown.forEach((n, i) => out.push(...(i ? [trusted(", ")] : []), code(n)));
  const rest = names.length - shown.length;
  if (rest > 0) out.push(trusted(shown.length ? ` and ${rest} more` : plural(rest, noun)));
  return out;
}

/** Image references named relative to their shared directory, which is said once. */
export function imageList(refs: string[], max: number): Inline {
  const prefix = commonImagePrefix(refs);
  const list = nameList(refs.map((r) => r.slice(prefix.length)), max, "image");
  return prefix ? [...list, trusted(" (in "), code(prefix), trusted(")")] : list;
}

/**
 * A hazard message as spans: the analysis writes repository values in backticks
 * (`` `staging-8.0` push the same image``). Each backtick pair becomes a code span and the
 * rest untrusted text, so both are escaped; a value that itself holds a backtick may pair
 * up wrongly, which changes how it looks but can never inject markup.
 */
export function messageSpans(message: string): Inline {
  const parts = message.split(/`([^`]+)`/);
  return parts.flatMap((part, i) => (i % 2 === 1 ? [code(part)] : part ? [part] : []));
}
