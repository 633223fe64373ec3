import type { ResolvedText } from "../../gitlab-ci/pipeline.js";
import { parsePep440 } from "./pep440.js";
import { parseSemver, type SemVer } from "./semver.js";
import { OpaqueTable, hasOpaque, mapKnown } from "./opaque-text.js";

/**
 * docker/metadata-action's tag computation (src/meta.ts, src/tag.ts, src/flavor.ts,
 * src/image.ts of the action), re-done without I/O. Inputs arrive after GitHub has
 * substituted `${{ }}`; parts it could not know are opaque markers of `table`.
 */
export interface MetadataEvent {
  /** `github.event_name` */
  eventName: string;
  /** `github.ref`; for pull_request_target the action itself uses `refs/pull/<n>/merge`. */
  ref: string;
  /** The commit; undefined when not known statically (then `{{sha}}`/`type=sha` are unknown). */
  sha?: string;
  defaultBranch: string;
  /** `pull_request.base.ref` on PR events (for `{{base_ref}}`). */
  prBaseRef?: string;
}

export interface MetadataInputs {
  images: string;
  tags: string;
  flavor: string;
}

export interface MetadataTag {
  /** `image:tag`, or just the tag when no image is given. */
  ref: ResolvedText;
  /** "uncertain" when an `enable=` could not be decided, so the tag may or may not be made. */
  certainty: "certain" | "uncertain";
}

export interface MetadataResult {
  tags: MetadataTag[];
  /** The version (`steps.meta.outputs.version`): the main tag without image. */
  version?: ResolvedText;
  errors: string[];
  warnings: string[];
}

type TagType = "schedule" | "semver" | "pep440" | "match" | "edge" | "ref" | "raw" | "sha";
const TYPES: readonly TagType[] = ["schedule", "semver", "pep440", "match", "edge", "ref", "raw", "sha"];
const DEFAULT_PRIORITY: Record<TagType, number> = { schedule: 1000, semver: 900, pep440: 900, match: 800, edge: 700, ref: 600, raw: 200, sha: 100 };

interface TagSpec {
  type: TagType;
  attrs: Record<string, string>;
  line: string;
}

interface Flavor {
  latest: "auto" | "true" | "false";
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

/**
 * The action reads list inputs one line at a time (`getInputList` with `ignoreComma`):
 * blank lines and `#` comments are dropped — csv-parse's `comment` also cuts a `#` in the
 * middle of a line.
 */
export function inputLines(input: string): string[] {
  return input
    .split(/\r?\n/)
    .map((l) => {
      const hash = l.indexOf("#");
      return (hash >= 0 ? l.slice(0, hash) : l).trim();
    })
    .filter((l) => l.length > 0);
}

/** One CSV record: fields split at commas outside double quotes. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === "," && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function parseTag(line: string): TagSpec | string {
  const attrs: Record<string, string> = {};
  let type: TagType | undefined;
  for (const field of csvFields(line)) {
    // Split at the first `=` only (the action's `/(?<=^[^=]+?)=/`).
    const eq = field.indexOf("=");
    if (eq <= 0) {
      attrs.value = field.trim();
      continue;
    }
    const key = field.slice(0, eq).trim().toLowerCase();
    const value = field.slice(eq + 1).trim();
    if (key === "type") {
      if (!TYPES.includes(value as TagType)) return `unknown tag type attribute: ${value}`;
      type = value as TagType;
    } else attrs[key] = value;
  }
  type ??= "raw";
  const has = (k: string) => Object.prototype.hasOwnProperty.call(attrs, k);
  switch (type) {
    case "schedule":
      if (!has("pattern")) attrs.pattern = "nightly";
      break;
    case "semver":
    case "pep440":
      if (!has("pattern")) return `missing pattern attribute for ${line}`;
      if (!has("value")) attrs.value = "";
      break;
    case "match":
      if (!has("pattern")) return `missing pattern attribute for ${line}`;
      if (!has("group")) attrs.group = "0";
      if (Number.isNaN(Number(attrs.group))) return `invalid match group for ${line}`;
      if (!has("value")) attrs.value = "";
      break;
    case "edge":
      if (!has("branch")) attrs.branch = "";
      break;
    case "ref":
      if (!has("event")) return `missing event attribute for ${line}`;
      if (!["branch", "tag", "pr"].includes(attrs.event)) return `invalid event for ${line}`;
      if (attrs.event === "pr" && !has("prefix")) attrs.prefix = "pr-";
      break;
    case "raw":
      if (!has("value")) return `missing value attribute for ${line}`;
      break;
    case "sha":
      if (!has("prefix")) attrs.prefix = "sha-";
      if (!has("format")) attrs.format = "short";
      if (!["short", "long"].includes(attrs.format)) return `invalid format for ${line}`;
      break;
  }
  if (!has("enable")) attrs.enable = "true";
  if (!has("priority")) attrs.priority = String(DEFAULT_PRIORITY[type]);
  return { type, attrs, line };
}

/** With an empty `tags` input the action uses these four. */
const DEFAULT_TAGS = ["type=schedule", "type=ref,event=branch", "type=ref,event=tag", "type=ref,event=pr"];

function parseFlavor(lines: string[], errors: string[]): Flavor {
  const flavor: Flavor = { latest: "auto", prefix: "", prefixLatest: false, suffix: "", suffixLatest: false };
  for (const line of lines) {
    let onlatestFor = "";
    for (const field of csvFields(line)) {
      const parts = field.split("=").map((p) => p.trim());
      if (parts.length === 1) {
        errors.push(`invalid flavor entry: ${line}`);
        continue;
      }
      const [key, value] = [parts[0].toLowerCase(), parts[1]];
      if (key === "latest") {
        if (value !== "auto" && value !== "true" && value !== "false") errors.push(`invalid latest flavor entry: ${line}`);
        else flavor.latest = value;
      } else if (key === "prefix") {
        flavor.prefix = value;
        onlatestFor = "prefix";
      } else if (key === "suffix") {
        flavor.suffix = value;
        onlatestFor = "suffix";
      } else if (key === "onlatest") {
        if (value !== "true" && value !== "false") errors.push(`invalid value for onlatest attribute: ${value}`);
        else if (onlatestFor === "prefix") flavor.prefixLatest = value === "true";
        else if (onlatestFor === "suffix") flavor.suffixLatest = value === "true";
      } else errors.push(`unknown flavor entry: ${line}`);
    }
  }
  return flavor;
}

interface ImageSpec {
  name: string;
  enable: boolean;
}

function parseImages(lines: string[], errors: string[]): ImageSpec[] {
  // The old format: one line of comma-separated names.
  if (lines.length === 1 && csvFields(lines[0]).every((f) => !f.includes("="))) {
    return csvFields(lines[0])
      .map((f) => f.trim())
      .filter((f) => f.length > 0)
      .map((f) => ({ name: f.toLowerCase(), enable: true }));
  }
  const images: ImageSpec[] = [];
  for (const line of lines) {
    const image: ImageSpec = { name: "", enable: true };
    for (const field of csvFields(line)) {
      const parts = field.split("=").map((p) => p.trim());
      if (parts.length === 1) image.name = parts[0].toLowerCase();
      else if (parts[0].toLowerCase() === "name") image.name = parts[1].toLowerCase();
      else if (parts[0].toLowerCase() === "enable") {
        if (parts[1] !== "true" && parts[1] !== "false") errors.push(`invalid enable attribute value: ${line}`);
        image.enable = parts[1] === "true";
      } else errors.push(`unknown image attribute: ${line}`);
    }
    if (image.name.length === 0) errors.push(`image name attribute empty: ${line}`);
    else images.push(image);
  }
  return images;
}

/** Handlebars' HTML escaping of `{{x}}` output (the action renders with handlebars). */
function escapeHtml(s: string): string {
  return mapKnown(s, (t) =>
    t.replace(/[&<>"'`=]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "`": "&#x60;", "=": "&#x3D;" })[c] ?? c),
  );
}

function sanitizeTag(tag: string): string {
  return mapKnown(tag, (t) => t.replace(/[^a-zA-Z0-9._-]+/g, "-"));
}

interface Version {
  main?: string;
  partial: string[];
  latest?: boolean;
}

class Computation {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];

  constructor(
    private readonly ev: MetadataEvent,
    private readonly flavor: Flavor,
    private readonly table: OpaqueTable,
  ) {}

  private isTag(): boolean {
    return this.ev.ref.startsWith("refs/tags/");
  }
  private isBranch(): boolean {
    return this.ev.ref.startsWith("refs/heads/");
  }
  private isPr(): boolean {
    return this.ev.ref.startsWith("refs/pull/");
  }
  private isSchedule(): boolean {
    return /schedule/.test(this.ev.eventName);
  }

  private shortSha(): string {
    return this.ev.sha ? this.ev.sha.slice(0, 7) : this.table.marker("github.sha");
  }

  /** The action's "global expressions" in prefix, suffix, value and enable. */
  globalExp(text: string): string {
    return this.render(text, (name, args) => {
      const ref = this.ev.ref;
      switch (name) {
        // {{branch}} is empty unless the ref is a branch: empty on PR and tag events.
        case "branch":
          return this.isBranch() ? ref.slice("refs/heads/".length) : "";
        case "tag":
          return this.isTag() ? ref.slice("refs/tags/".length) : "";
        case "sha":
          return this.shortSha();
        case "base_ref":
          if (this.isTag()) return this.table.marker("github.event.base_ref");
          if (this.isPr()) return this.ev.prBaseRef ?? this.table.marker("github.event.pull_request.base.ref");
          return "";
        case "is_default_branch": {
          const branch = ref.replace(/^refs\/heads\//, "");
          if (branch.length === 0) return "false";
          if (branch === this.ev.defaultBranch) return "true";
          // These events always run for the last commit of the default branch.
          return /create|discussion|issues|schedule/.test(this.ev.eventName) ? "true" : "false";
        }
        case "date":
        case "commit_date":
          return this.table.marker(`{{${name}${args ? ` ${args}` : ""}}} at run time`);
        default:
          return undefined;
      }
    });
  }

  /**
   * A tiny Handlebars: `{{name}}` and `{{name args}}` with the given helpers; a missing
   * name renders as empty, as Handlebars does. Output is HTML-escaped like `{{ }}`.
   */
  render(text: string, helper: (name: string, args: string) => string | undefined): string {
    return text.replace(/\{\{\{?\s*([A-Za-z_][\w.]*)\s*([^}]*?)\s*\}?\}\}/g, (whole, name: string, args: string) => {
      const v = helper(name, args);
      if (v === undefined) return "";
      return whole.startsWith("{{{") ? v : escapeHtml(v);
    });
  }

  private setValue(val: string, tag: TagSpec): string {
    const has = (k: string) => Object.prototype.hasOwnProperty.call(tag.attrs, k);
    if (has("prefix")) val = `${this.globalExp(tag.attrs.prefix)}${val}`;
    else if (this.flavor.prefix.length > 0) val = `${this.globalExp(this.flavor.prefix)}${val}`;
    if (has("suffix")) val = `${val}${this.globalExp(tag.attrs.suffix)}`;
    else if (this.flavor.suffix.length > 0) val = `${val}${this.globalExp(this.flavor.suffix)}`;
    return val;
  }

  private latestFor(auto: boolean): boolean {
    return this.flavor.latest === "auto" ? auto : this.flavor.latest === "true";
  }

  private static setVersion(version: Version, val: string, latest: boolean): Version {
    if (val.length === 0) return version;
    val = sanitizeTag(val);
    if (version.main === undefined) version.main = val;
    else if (val !== version.main) version.partial.push(val);
    if (version.latest === undefined) version.latest = latest;
    return version;
  }

  private tagRefText(stripSlashes: boolean): string {
    const t = this.ev.ref.replace(/^refs\/tags\//, "");
    return stripSlashes ? t.replace(/\//g, "-") : t;
  }

  process(version: Version, tag: TagSpec): Version {
    const a = tag.attrs;
    switch (tag.type) {
      case "schedule": {
        if (!this.isSchedule()) return version;
        const v = this.setValue(this.render(a.pattern, (n, args) => (n === "date" || n === "commit_date" ? this.table.marker(`{{${n}${args ? ` ${args}` : ""}}} at run time`) : undefined)), tag);
        return Computation.setVersion(version, v, this.latestFor(false));
      }
      case "semver": {
        if (!this.isTag() && a.value.length === 0) return version;
        const raw = a.value.length > 0 ? this.globalExp(a.value) : this.tagRefText(true);
        if (hasOpaque(raw)) {
          return Computation.setVersion(version, this.setValue(this.table.marker(`semver ${a.pattern} of ${this.table.render(raw).text}`), tag), this.latestFor(true));
        }
        const sv = parseSemver(raw);
        if (!sv) {
          this.warnings.push(`${raw} is not a valid semver (type=semver skipped)`);
          return version;
        }
        const semverFields = (s: SemVer) => (n: string) => {
          const fields: Record<string, string> = {
            raw: s.raw,
            version: s.version,
            major: String(s.major),
            minor: String(s.minor),
            patch: String(s.patch),
            prerelease: s.prerelease.join(","),
            build: s.build.join(","),
          };
          return fields[n];
        };
        if (sv.prerelease.length > 0) {
          // A prerelease only ever gets `{{version}}` (or `{{raw}}` when that is the whole pattern), and no latest.
          const pattern = /^\{\{\s*raw\s*\}\}$/.test(a.pattern) ? a.pattern : "{{version}}";
          return Computation.setVersion(version, this.setValue(this.render(pattern, semverFields(sv)), tag), this.latestFor(false));
        }
        return Computation.setVersion(version, this.setValue(this.render(a.pattern, semverFields(sv)), tag), this.latestFor(true));
      }
      case "pep440": {
        if (!this.isTag() && a.value.length === 0) return version;
        const raw = a.value.length > 0 ? this.globalExp(a.value) : this.tagRefText(true);
        if (hasOpaque(raw)) {
          return Computation.setVersion(version, this.setValue(this.table.marker(`pep440 ${a.pattern} of ${this.table.render(raw).text}`), tag), this.latestFor(true));
        }
        const pv = parsePep440(raw);
        if (!pv) {
          this.warnings.push(`${raw} does not conform to PEP 440 (type=pep440 skipped)`);
          return version;
        }
        if (pv.isPrerelease || pv.isPostrelease || pv.isDevrelease) {
          const v = /^\{\{\s*raw\s*\}\}$/.test(a.pattern) ? raw : pv.version;
          return Computation.setVersion(version, this.setValue(v, tag), this.latestFor(false));
        }
        const fields: Record<string, string> = { raw, version: pv.version, major: String(pv.major), minor: String(pv.minor), patch: String(pv.patch) };
        return Computation.setVersion(version, this.setValue(this.render(a.pattern, (n) => fields[n]), tag), this.latestFor(true));
      }
      case "match": {
        if (!this.isTag() && a.value.length === 0) return version;
        const raw = a.value.length > 0 ? this.globalExp(a.value) : this.tagRefText(false);
        if (hasOpaque(raw)) {
          return Computation.setVersion(version, this.setValue(this.table.marker(`match ${a.pattern} of ${this.table.render(raw).text}`), tag), this.latestFor(true));
        }
        const re = /^\/(.+)\/(.*)$/.exec(a.pattern);
        let m: RegExpMatchArray | null;
        try {
          m = re ? raw.match(new RegExp(re[1], re[2])) : raw.match(new RegExp(a.pattern));
        } catch {
          this.errors.push(`type=match: invalid pattern ${a.pattern}`);
          return version;
        }
        if (!m) {
          this.warnings.push(`${a.pattern} does not match ${raw} (type=match skipped)`);
          return version;
        }
        const group = m[Number(a.group)];
        if (group === undefined) {
          this.warnings.push(`group ${a.group} does not exist for ${a.pattern}`);
          return version;
        }
        return Computation.setVersion(version, this.setValue(group, tag), this.latestFor(true));
      }
      case "ref": {
        if (a.event === "branch") {
          if (!this.isBranch()) return version;
          return Computation.setVersion(version, this.setValue(this.ev.ref.slice("refs/heads/".length), tag), this.latestFor(false));
        }
        if (a.event === "tag") {
          if (!this.isTag()) return version;
          return Computation.setVersion(version, this.setValue(this.ev.ref.slice("refs/tags/".length), tag), this.latestFor(true));
        }
        if (!this.isPr()) return version;
        return Computation.setVersion(version, this.setValue(this.ev.ref.replace(/^refs\/pull\//, "").replace(/\/merge$/, ""), tag), this.latestFor(false));
      }
      case "edge": {
        if (!this.isBranch()) return version;
        const branch = a.branch.length === 0 ? this.ev.defaultBranch : a.branch;
        if (branch !== this.ev.ref.slice("refs/heads/".length)) return version;
        return Computation.setVersion(version, this.setValue("edge", tag), this.latestFor(false));
      }
      case "raw":
        return Computation.setVersion(version, this.setValue(this.globalExp(a.value), tag), this.latestFor(false));
      case "sha": {
        const sha = this.ev.sha ? (a.format === "short" ? this.ev.sha.slice(0, 7) : this.ev.sha) : this.table.marker(a.format === "short" ? "short commit SHA" : "commit SHA");
        return Computation.setVersion(version, this.setValue(sha, tag), this.latestFor(false));
      }
    }
  }
}

/**
 * The tags the action outputs for one event. `enable=` values that cannot be decided are
 * tried both ways (every combination for up to four of them); a tag made only in some of
 * those runs is "uncertain".
 */
export function computeMetadataTags(inputs: MetadataInputs, ev: MetadataEvent, table: OpaqueTable): MetadataResult {
  const errors: string[] = [];
  const tagLines = inputLines(inputs.tags);
  const specs: TagSpec[] = [];
  for (const line of tagLines.length ? tagLines : DEFAULT_TAGS) {
    const parsed = parseTag(line);
    if (typeof parsed === "string") errors.push(parsed);
    else specs.push(parsed);
  }
  // Higher priority first; a stable sort keeps the written order among equals.
  specs.sort((x, y) => Number(y.attrs.priority) - Number(x.attrs.priority));
  const flavor = parseFlavor(inputLines(inputs.flavor), errors);
  const images = parseImages(inputLines(inputs.images), errors);
  const comp = new Computation(ev, flavor, table);

  const enables = specs.map((s) => comp.globalExp(s.attrs.enable));
  const undecided: number[] = [];
  enables.forEach((e, i) => {
    if (hasOpaque(e)) undecided.push(i);
    else if (e !== "true" && e !== "false") errors.push(`invalid value for enable attribute: ${e}`);
  });
  if (errors.length) return { tags: [], errors, warnings: [] };

  const assignments: boolean[][] = [];
  if (undecided.length <= 4) {
    for (let mask = 0; mask < 1 << undecided.length; mask++) assignments.push(undecided.map((_, b) => (mask & (1 << b)) !== 0));
  } else {
    assignments.push(undecided.map(() => true), undecided.map(() => false));
  }

  const runs: Array<{ tags: string[]; version?: string }> = [];
  for (const choice of assignments) {
    let version: Version = { partial: [] };
    specs.forEach((spec, i) => {
      const u = undecided.indexOf(i);
      const on = u >= 0 ? choice[u] : enables[i] === "true";
      if (on) version = comp.process(version, { ...spec, attrs: { ...spec.attrs } });
    });
    runs.push({ tags: tagsOf(version, images, flavor), version: version.main });
  }
  const all = new Map<string, number>();
  for (const r of runs) for (const t of new Set(r.tags)) all.set(t, (all.get(t) ?? 0) + 1);
  const tags: MetadataTag[] = [...all].map(([t, n]) => ({ ref: table.render(t), certainty: n === runs.length ? "certain" : "uncertain" }));
  const versions = new Set(runs.map((r) => r.version));
  const version = versions.size === 1 && runs[0].version !== undefined ? table.render(runs[0].version) : undefined;
  return { tags, version, errors: comp.errors, warnings: [...new Set(comp.warnings)] };
}

function tagsOf(version: Version, images: ImageSpec[], flavor: Flavor): string[] {
  if (version.main === undefined) return [];
  const main = version.main;
  const gen = (imageName: string): string[] => {
    const prefix = imageName !== "" ? `${imageName}:` : "";
    const out = [`${prefix}${main}`, ...[...new Set(version.partial)].map((p) => `${prefix}${p}`)];
    if (version.latest) {
      const latest = `${flavor.prefixLatest ? flavor.prefix : ""}latest${flavor.suffixLatest ? flavor.suffix : ""}`;
      out.push(`${prefix}${sanitizeTag(latest)}`);
    }
    return out;
  };
  const enabled = images.filter((i) => i.enable);
  return enabled.length ? enabled.flatMap((i) => gen(i.name)) : gen("");
}
