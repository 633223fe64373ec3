import { splitImageRef } from "../analysis/image-ref.js";
import type { Analysis, Hazard } from "../analysis/model.js";
import { contextNamer, displayedHazard } from "./context-name.js";
import { code, trusted, type Inline } from "./document.js";
import { isContextChanged } from "./facts.js";
import { changeNoun, type ReportOptions } from "./options.js";
import { HAZARD_TITLE, plural, SEVERITY_ICON, SEVERITY_ORDER } from "./wording.js";

/**
 * Hazards as a maintainer reads them: one sentence each, in the words of the trade ("staging-8.0
 * and staging still push the same 33 images to `:latest`"), ranked so that the first one is what
 * the comment's first line names. Hazards that say the same of several contexts (3 jobs on
 * staging-7.2 and on staging-8.0 run in images nothing builds) are one finding.
 */
export interface Finding {
  hazards: Hazard[];
  status: Hazard["status"];
  severity: Hazard["severity"];
  possible: boolean;
  /** ⛔ ⚠️ ℹ️, or ✅ for a fixed one. */
  icon: string;
  /** Importance: lower comes first (see `rank`). */
  rank: number;
  sentence: Inline;
}

/**
 * `a`, `a and b`, `a, b and c`, `a, b, c and 2 more` — branch names as words of the sentence
 * (plain text, escaped like any text from the repository), not as code.
 */
function namesInline(names: string[], max = 3): Inline {
  const shown = names.length > max ? names.slice(0, max) : names;
  const rest = names.length - shown.length;
  const out: Inline = [];
  shown.forEach((n, i) => {
    if (i > 0) out.push(trusted(i === shown.length - 1 && rest === 0 ? " and " : ", "));
    out.push(n);
  });
  if (rest > 0) out.push(trusted(` and ${rest} more`));
  return out;
}

/** `the same 33 images` / `the same image `qemu:opensbi``, with ` to `:latest`` when they share one tag. */
function sameImages(images: string[]): Inline {
  const refs = images.filter((i) => !i.includes(" ≟ "));
  if (refs.length === 0) return [trusted(images.length === 1 ? "the same image" : `the same ${images.length} images`)];
  const tags = new Set(refs.map((r) => splitImageRef(r).tag));
  const tag = tags.size === 1 && refs.length === images.length ? [...tags][0] : undefined;
  if (images.length === 1) return [trusted("the same image "), code(shortRef(images[0]))];
  return [trusted(`the same ${images.length} images`), ...(tag ? [trusted(" to "), code(`:${tag}`)] : [])];
}

/**
 * `registry.gitlab.com/qemu-project/qemu/qemu/alpine:latest` → `alpine:latest`; a last part that
 * is a version (freedesktop's `…/fedora/40:tag`) keeps its parent: `fedora/40:tag`.
 */
export function shortRef(ref: string): string {
  const last = ref.lastIndexOf("/");
  const parent = /^[0-9]/.test(ref.slice(last + 1)) ? ref.lastIndexOf("/", last - 1) : last;
  return ref.slice(parent + 1);
}

/** `3 jobs` / the one job's name. */
function jobsInline(jobs: string[]): Inline {
  return jobs.length === 1 ? [code(jobs[0])] : [trusted(plural(jobs.length, "job"))];
}

/**
 * For a fixed collision: the contexts (display names) that still push one of its images after
 * the change, so the sentence can say who moved away from whom.
 */
function stillPushing(hazard: Hazard, analysis: Analysis, name: (context: string) => string): Set<string> {
  const wanted = new Set(hazard.images.filter((i) => !i.includes(" ≟ ")).map((i) => {
    const { repository, tag } = splitImageRef(i);
    return `${repository}\0${tag}`;
  }));
  const still = new Set<string>();
  for (const ctx of analysis.contexts) {
    if (ctx.images.some((img) => img.tagsAfter.some((tag) => wanted.has(`${img.repository}\0${tag}`)))) still.add(name(ctx.context.name));
  }
  return still;
}

/**
 * The sentence for a finding: `contexts` are the display names of every context its hazards
 * name, `touched` says whether the change changes any of them (an error it leaves in place is
 * "still" there), `still` which of them still push a fixed collision's images.
 */
function sentence(group: Hazard[], contexts: string[], touched: boolean, pushing: Set<string>, options: ReportOptions, running: number): Inline {
  const h = group[0];
  const fixed = h.status === "fixed";
  const now = h.status === "introduced" ? "now " : "";
  const may = h.possible ? "may " : "";
  const on = (names: string[]): Inline => (names.length ? [trusted(" on "), ...namesInline(names)] : []);
  switch (h.kind) {
    case "image-tag-collision": {
      if (fixed) {
        const moved = contexts.filter((c) => !pushing.has(c));
        const stayed = contexts.filter((c) => pushing.has(c));
        if (moved.length > 0 && stayed.length > 0) {
          return [...namesInline(moved), trusted(` no longer ${may}push `), ...sameImages(h.images), trusted(" as "), ...namesInline(stayed)];
        }
        return [...namesInline(contexts), trusted(` no longer ${may}push `), ...sameImages(h.images)];
      }
      const when = h.status === "unchanged" && touched ? "still " : now;
      return [...namesInline(contexts), trusted(` ${may ? "may " : when}push `), ...sameImages(h.images)];
    }
    case "image-not-built": {
      const jobs = [...new Set(group.flatMap((g) => g.jobs))];
      const verb = jobs.length === 1 ? "runs" : "run";
      const publishers = [...new Set(group.flatMap((g) => g.publishedBy ?? []))];
      const images = h.images.length === 1 ? "an image" : "images";
      const what: Inline = publishers.length ? [trusted(` in ${images} only `), ...namesInline(publishers), trusted(" push")] : [trusted(` in ${images} nothing builds`)];
      if (fixed) return [...jobsInline(jobs), ...on(contexts), trusted(` no longer ${verb} in ${images} nothing builds there`)];
      return [...jobsInline(jobs), ...on(contexts), trusted(` ${may || now}${may ? "run" : verb}`), ...what];
    }
    case "dockerfile-not-rebuilt": {
      const recipe = h.source?.file;
      // Every context that runs jobs lacks a rebuild: "anywhere" says it shorter than the list.
      const where: Inline = contexts.length >= running ? [trusted(" anywhere")] : on(contexts);
      return [...(recipe ? [code(recipe)] : [trusted("a container recipe")]), trusted(" changes, but no job rebuilds it"), ...where];
    }
    case "pipeline-lost":
      return [...namesInline(contexts), trusted(` ${may ? "may no longer get" : "no longer gets"} a pipeline`)];
    case "jobs-lost": {
      const one = h.jobs.length === 1;
      return [...jobsInline(h.jobs), trusted(may ? " may no longer run" : one ? " no longer runs" : " no longer run"), ...on(contexts)];
    }
    case "jobs-manual":
      return [...jobsInline(h.jobs), ...on(contexts), trusted(` ${may ? "may now wait" : h.jobs.length === 1 ? "now waits" : "now wait"} to be started by hand`)];
    case "allow-failure":
      return [...jobsInline(h.jobs), ...on(contexts), trusted(" may now fail without failing the pipeline")];
    case "duplicate-pipelines":
      return [trusted("a push to "), ...namesInline(contexts), trusted(` with an open ${changeNoun(options.platform)} ${may ? "may run" : "runs"} every job twice (branch and ${changeNoun(options.platform)} pipeline)`)];
    case "not-analysed":
      return [trusted(group.length === 1 ? "1 include is" : `${group.length} includes are`), trusted(" not read: the jobs and rules in them are not in this report")];
    case "config-error":
      return [trusted(fixed ? "the CI configuration loads again" : "the CI configuration does not load")];
    default:
      return [trusted(`${fixed ? "no longer: " : ""}${h.possible ? "may happen: " : ""}${HAZARD_TITLE[h.kind] ?? h.kind}`), ...on(contexts)];
  }
}

/**
 * Hazards that read as one sentence: an image nobody builds, jobs lost or turned manual on
 * several contexts with the same jobs; includes not read. Anything else is a finding of its own.
 */
function groupKey(h: Hazard): string | undefined {
  const base = `${h.kind}\0${h.status}\0${h.severity}\0${h.possible ?? false}`;
  switch (h.kind) {
    case "image-not-built":
    case "jobs-lost":
    case "jobs-manual":
    case "allow-failure":
      return `${base}\0${[...h.jobs].sort().join("\0")}\0${(h.publishedBy ?? []).join("\0")}`;
    case "not-analysed":
      return base;
    default:
      return undefined;
  }
}

/**
 * Which findings matter most, first: what keeps the configuration from loading; then errors the
 * change introduces; errors it leaves in place where it changes CI (a change meant to fix them
 * did not: QEMU's shared `latest`); warnings it introduces; what it fixes; notices it introduces;
 * and last what was there before and stays, untouched.
 */
function rank(f: Omit<Finding, "rank">, touched: boolean): number {
  if (f.hazards[0].kind === "config-error" && f.status !== "fixed") return 0;
  const sev = SEVERITY_ORDER[f.severity];
  if (f.status === "introduced" && f.severity === "error" && !f.possible) return 1;
  if (f.status === "unchanged" && f.severity === "error" && !f.possible && touched) return 2;
  if (f.status === "introduced" && f.severity === "warning") return 3;
  if (f.status === "fixed" && !f.possible) return 4 + sev / 10;
  if (f.status === "introduced") return 5 + sev / 10;
  if (f.status === "fixed") return 6;
  return 7 + sev / 10;
}

/** Every finding of an analysis, most important first. */
export function rankedFindings(analysis: Analysis, options: ReportOptions): Finding[] {
  const name = contextNamer(analysis, options.platform);
  const hazards = analysis.hazards.map((h) => displayedHazard(h, name));
  const changed = new Set(analysis.contexts.filter(isContextChanged).map((c) => name(c.context.name)));
  const running = analysis.contexts.filter((c) => c.after.created && c.after.jobs.length > 0).length;
  const groups: Hazard[][] = [];
  const byKey = new Map<string, Hazard[]>();
  for (const h of hazards) {
    const key = groupKey(h);
    const group = key === undefined ? undefined : byKey.get(key);
    if (group) group.push(h);
    else {
      const fresh = [h];
      groups.push(fresh);
      if (key !== undefined) byKey.set(key, fresh);
    }
  }
  const ranked = groups.map((group) => {
    const h = group[0];
    const contexts = [...new Set(group.flatMap((g) => g.contexts))];
    const touched = contexts.some((c) => changed.has(c));
    const finding: Omit<Finding, "rank"> = {
      hazards: group,
      status: h.status,
      severity: h.severity,
      possible: h.possible === true,
      icon: h.status === "fixed" ? "✅" : SEVERITY_ICON[h.severity],
      sentence: sentence(group, contexts, touched, h.kind === "image-tag-collision" && h.status === "fixed" ? stillPushing(h, analysis, name) : new Set(), options, running),
    };
    return { ...finding, rank: rank(finding, touched) };
  });
  // Stable: at equal rank, the order the analysis found them in.
  return ranked.sort((a, b) => a.rank - b.rank);
}
