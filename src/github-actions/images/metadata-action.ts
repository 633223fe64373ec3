import { RE2JS } from "re2js";
import type { ResolvedText } from "../../gitlab-ci/pipeline.js";
import { formatDate } from "./format-date.js";
import { metadataInputList, parseFlavor, parseImages, parseTags, type Flavor, type ImageSpec, type TagSpec } from "./metadata-inputs.js";
import { OpaqueTable, hasOpaque, mapKnown } from "./opaque-text.js";
import { parsePep440 } from "./pep440.js";
import { parseSemver, type SemVer } from "./semver.js";

/**
 * docker/metadata-action's tag computation (src/meta.ts of the action, with src/tag.ts,
 * src/flavor.ts and src/image.ts for its inputs), re-done without I/O. Inputs arrive after
 * GitHub has substituted `${{ }}`; parts it could not know are opaque markers of `table`.
 */
export interface MetadataEvent {
  /** `github.event_name` */
  eventName: string;
  /** `github.ref`; for pull_request_target the action itself uses `refs/pull/<n>/merge`. */
  ref: string;
  /**
   * The commit the action tags (`github.sha`, or the PR's head with DOCKER_METADATA_PR_HEAD_SHA);
   * undefined when not known statically (then `{{sha}}` and `type=sha` are unknown).
   */
  sha?: string;
  /** The repository's default branch (the payload's `repository.default_branch`). */
  defaultBranch: string;
  /** `pull_request.base.ref` on PR events (for `{{base_ref}}`). */
  prBaseRef?: string;
  /**
   * A push payload's `base_ref` (for `{{base_ref}}` on a tag push): null when the payload given
   * has none, undefined when no payload was given (then it is unknown).
   */
  pushBaseRef?: string | null;
  /** When the run starts (ISO 8601): `{{date}}`; unknown when undefined. */
  now?: string;
  /** When the commit was made (ISO 8601): `{{commit_date}}`; unknown when undefined. */
  commitDate?: string;
  /** DOCKER_METADATA_SHORT_SHA_LENGTH as the step's environment has it (may hold markers). */
  shortShaLength?: string;
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
  /**
   * The tags of every way the undecidable `enable=` values can go (one list when all are known),
   * with opaque markers: what a consumer that reads the `tags` output as text (joined by
   * `sep-tags`) splits again.
   */
  runs: string[][];
  /** The tags without image names (`tag-names`), when every run agrees on them. */
  tagNames?: string[];
  /** Problems the action throws on: the step fails and there are no tags. */
  errors: string[];
  warnings: string[];
}

const SHORT_SHA_LENGTH = 7;

/** Handlebars' HTML escaping of `{{x}}` output (the action renders with handlebars). */
function escapeHtml(s: string): string {
  return mapKnown(s, (t) =>
    t.replace(/[&<>"'`=]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "`": "&#x60;", "=": "&#x3D;" })[c] ?? c),
  );
}

/** src/meta.ts `sanitizeTag`: what Docker does not allow in a tag becomes `-`. */
function sanitizeTag(tag: string): string {
  return mapKnown(tag, (t) => t.replace(/[^a-zA-Z0-9._-]+/g, "-"));
}

/** One `{{name params hash=...}}` of a template. */
interface Mustache {
  name: string;
  params: string[];
  hash: Record<string, string>;
}

const MUSTACHE = /\{\{(\{?)\s*([A-Za-z_][\w.-]*)((?:\s+(?:[\w-]+=(?:'[^']*'|"[^"]*"|[^\s}]+)|'[^']*'|"[^"]*"|[^\s}]+))*)\s*\}?\}\}/g;
const ARG = /([\w-]+)=(?:'([^']*)'|"([^"]*)"|([^\s}]+))|'([^']*)'|"([^"]*)"|([^\s}]+)/g;

/**
 * The part of Handlebars the action's templates use: `{{name}}` and helpers with string
 * parameters and `key='value'` pairs; a name nothing answers renders as empty, as Handlebars
 * does. `{{x}}` output is HTML-escaped, `{{{x}}}` is not.
 */
function renderTemplate(text: string, answer: (m: Mustache) => string | undefined): string {
  return text.replace(MUSTACHE, (_whole, triple: string, name: string, args: string) => {
    const params: string[] = [];
    const hash: Record<string, string> = {};
    for (const a of args.matchAll(ARG)) {
      if (a[1] !== undefined) hash[a[1]] = a[2] ?? a[3] ?? a[4] ?? "";
      else params.push(a[5] ?? a[6] ?? a[7] ?? "");
    }
    const v = answer({ name, params, hash });
    if (v === undefined) return "";
    return triple ? v : escapeHtml(v);
  });
}

/** src/meta.ts `isRawStatement`: the pattern is exactly one `{{raw}}`. */
function isRawStatement(pattern: string): boolean {
  return /^\{\{\{?\s*raw\s*\}?\}\}$/.test(pattern);
}

/**
 * `subject.match(pattern)` as JavaScript answers it (the action's `type=match` and `match=`),
 * run on RE2 so that a hostile pattern cannot hang the analysis. `unsupported` when RE2 cannot
 * run the pattern (lookaround, back-references): the result is then not known.
 */
function jsMatch(pattern: string, flags: string, subject: string): Array<string | undefined> | null | "unsupported" {
  let re: RE2JS;
  try {
    const f = (flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0) | (flags.includes("m") ? RE2JS.MULTILINE : 0) | (flags.includes("s") ? RE2JS.DOTALL : 0);
    re = RE2JS.compile(pattern, f);
  } catch {
    return "unsupported";
  }
  const m = re.matcher(subject);
  if (flags.includes("g")) {
    // With `g`, String#match lists every whole match and no groups.
    const all: string[] = [];
    while (m.find()) all.push(m.group(0) ?? "");
    return all.length > 0 ? all : null;
  }
  if (!m.find()) return null;
  const out: Array<string | undefined> = [];
  for (let i = 0; i <= re.groupCount(); i++) out.push(m.group(i) ?? undefined);
  return out;
}

interface Version {
  main?: string;
  partial: string[];
  latest?: boolean;
}

/** A problem the action throws on: the step fails. */
class ActionFailure extends Error {}

class Computation {
  readonly warnings: string[] = [];

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

  /** src/meta.ts `shortSha`: the first DOCKER_METADATA_SHORT_SHA_LENGTH (default 7) characters. */
  private shortSha(sha: string): string {
    let length = SHORT_SHA_LENGTH;
    const env = this.ev.shortShaLength;
    if (env) {
      if (hasOpaque(env)) return this.table.marker(`the commit SHA cut to DOCKER_METADATA_SHORT_SHA_LENGTH (${this.table.render(env).text})`);
      if (Number.isNaN(Number(env))) throw new ActionFailure(`DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: ${env}`);
      length = Number(env);
    }
    if (hasOpaque(sha)) return this.table.marker("short commit SHA");
    return length >= sha.length ? sha : sha.substring(0, length);
  }

  private sha(): string {
    return this.ev.sha ?? this.table.marker("commit SHA");
  }

  /** `{{date}}` and `{{commit_date}}`: moment's format in UTC unless `tz=` names a zone. */
  private date(m: Mustache, iso: string | undefined): string {
    for (const key of Object.keys(m.hash)) if (key !== "tz") throw new ActionFailure(`Unknown ${key} attribute`);
    const format = m.params[0] ?? "";
    if (iso === undefined) return this.table.marker(`{{${m.name} '${format}'${m.hash.tz ? ` tz='${m.hash.tz}'` : ""}}} (${m.name === "date" ? "the run's time" : "the commit's date"})`);
    const text = formatDate(iso, format, m.hash.tz ?? "UTC");
    if (text === undefined) throw new ActionFailure(`invalid time zone: ${m.hash.tz}`);
    return text;
  }

  private isDefaultBranch(): string {
    const branch = this.ev.ref.replace(/^refs\/heads\//, "");
    if (branch.length === 0) return "false";
    // A tag or PR ref keeps its `refs/` prefix here, so it is never the default branch.
    if (hasOpaque(branch) && !branch.startsWith("refs/")) return this.table.marker("whether the ref is the default branch");
    if (branch === this.ev.defaultBranch) return "true";
    // These events always run for the last commit of the default branch.
    return /create|discussion|issues|schedule/.test(this.ev.eventName) ? "true" : "false";
  }

  /** The action's "global expressions" in prefix, suffix, value and enable (src/meta.ts `setGlobalExp`). */
  globalExp(text: string): string {
    return renderTemplate(text, (m) => {
      const ref = this.ev.ref;
      switch (m.name) {
        // {{branch}} is empty unless the ref is a branch: empty on PR and tag events.
        case "branch":
          return this.isBranch() ? ref.slice("refs/heads/".length) : "";
        case "tag":
          return this.isTag() ? ref.slice("refs/tags/".length) : "";
        case "sha":
          return this.shortSha(this.sha());
        case "base_ref":
          if (this.isTag()) {
            if (this.ev.pushBaseRef === undefined) return this.table.marker("github.event.base_ref");
            if (this.ev.pushBaseRef !== null) return this.ev.pushBaseRef.replace(/^refs\/heads\//, "");
          }
          if (this.isPr()) return this.ev.prBaseRef ?? this.table.marker("github.event.pull_request.base.ref");
          return "";
        case "is_default_branch":
          return this.isDefaultBranch();
        case "is_not_default_branch": {
          const is = this.isDefaultBranch();
          return hasOpaque(is) ? this.table.marker("whether the ref is not the default branch") : is === "false" ? "true" : "false";
        }
        case "date":
          return this.date(m, this.ev.now);
        case "commit_date":
          return this.date(m, this.ev.commitDate);
        default:
          return undefined;
      }
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

  /** `flavor: latest=auto` takes the tag type's own answer; `true`/`false` decide for every tag. */
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

  /** The value semver/pep440/match read: `value=` rendered, else the tag of a tag push. */
  private rawValue(tag: TagSpec): string {
    return tag.attrs.value.length > 0 ? this.globalExp(tag.attrs.value) : this.ev.ref.replace(/^refs\/tags\//, "");
  }

  /** semver/pep440 `match=`: group 1 of the first match replaces the value; no match keeps it. */
  private applyMatch(vraw: string, tag: TagSpec): string | undefined {
    const pattern = tag.attrs.match;
    if (pattern.length === 0) return vraw;
    const m = jsMatch(pattern, "", vraw);
    if (m === "unsupported") {
      this.warnings.push(`match=${pattern} is not analysed (RE2 cannot run it)`);
      return undefined;
    }
    if (m === null) {
      this.warnings.push(`${pattern} does not match ${vraw}.`);
      return vraw;
    }
    if (m[1] === undefined) throw new ActionFailure(`match=${pattern} has no group 1 for ${vraw}`);
    return m[1];
  }

  process(version: Version, tag: TagSpec): Version {
    const a = tag.attrs;
    switch (tag.type) {
      case "schedule": {
        if (!/schedule/.test(this.ev.eventName)) return version;
        const v = renderTemplate(a.pattern, (m) => (m.name === "date" ? this.date(m, this.ev.now) : m.name === "commit_date" ? this.date(m, this.ev.commitDate) : undefined));
        return Computation.setVersion(version, this.setValue(v, tag), this.latestFor(false));
      }
      case "semver":
      case "pep440":
        return this.procVersion(version, tag);
      case "match": {
        if (!this.isTag() && a.value.length === 0) return version;
        const raw = this.rawValue(tag);
        if (hasOpaque(raw)) return Computation.setVersion(version, this.setValue(this.table.marker(`match ${a.pattern} of ${this.table.render(raw).text}`), tag), this.latestFor(true));
        const re = /^\/(.+)\/(.*)$/.exec(a.pattern);
        const m = re ? jsMatch(re[1], re[2], raw) : jsMatch(a.pattern, "", raw);
        if (m === "unsupported") {
          this.warnings.push(`type=match pattern ${a.pattern} is not analysed (RE2 cannot run it)`);
          return Computation.setVersion(version, this.setValue(this.table.marker(`match ${a.pattern} of ${raw}`), tag), this.latestFor(true));
        }
        if (!m) {
          this.warnings.push(`${a.pattern} does not match ${raw}.`);
          return version;
        }
        const group = m[Number(a.group)];
        if (group === undefined) {
          this.warnings.push(`Group ${a.group} does not exist for ${a.pattern} pattern.`);
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
        if (this.ev.sha === "") return version;
        const sha = this.sha();
        return Computation.setVersion(version, this.setValue(a.format === "short" ? this.shortSha(sha) : sha, tag), this.latestFor(false));
      }
    }
  }

  /**
   * `type=semver` / `type=pep440` (src/meta.ts `procSemver`, `procPep440`): the value (after
   * `match=`, with `/` made `-`) must be a valid version; a pre-release (and, for PEP 440, a post-
   * or dev-release) gets only `{{version}}` (or `{{raw}}` when that is the whole pattern) and no
   * automatic latest.
   */
  private procVersion(version: Version, tag: TagSpec): Version {
    const a = tag.attrs;
    if (!this.isTag() && a.value.length === 0) return version;
    const kind = tag.type;
    let raw = this.rawValue(tag);
    if (!hasOpaque(raw)) {
      const matched = this.applyMatch(raw, tag);
      if (matched === undefined) raw = this.table.marker(`${a.match} of ${raw}`);
      else raw = matched;
    }
    raw = mapKnown(raw, (t) => t.replace(/\//g, "-"));
    if (hasOpaque(raw)) {
      return Computation.setVersion(version, this.setValue(this.table.marker(`${kind} ${a.pattern} of ${this.table.render(raw).text}`), tag), this.latestFor(true));
    }
    if (kind === "semver") {
      const sv = parseSemver(raw);
      if (!sv) {
        this.warnings.push(`${raw} is not a valid semver. More info: https://semver.org/`);
        return version;
      }
      const fields = semverFields(sv);
      if (sv.prerelease.length > 0) {
        const pattern = isRawStatement(a.pattern) ? a.pattern : "{{version}}";
        return Computation.setVersion(version, this.setValue(renderTemplate(pattern, (m) => fields[m.name]), tag), this.latestFor(false));
      }
      return Computation.setVersion(version, this.setValue(renderTemplate(a.pattern, (m) => fields[m.name]), tag), this.latestFor(true));
    }
    const pv = parsePep440(raw);
    if (!pv) {
      this.warnings.push(`${raw} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`);
      return version;
    }
    if (pv.isPrerelease || pv.isPostrelease || pv.isDevrelease) {
      return Computation.setVersion(version, this.setValue(isRawStatement(a.pattern) ? raw : pv.version, tag), this.latestFor(false));
    }
    const fields: Record<string, string> = { raw, version: pv.version, major: String(pv.major), minor: String(pv.minor), patch: String(pv.patch) };
    return Computation.setVersion(version, this.setValue(renderTemplate(a.pattern, (m) => fields[m.name]), tag), this.latestFor(true));
  }
}

/** What a semver `pattern` can print (node-semver's SemVer fields; arrays print comma-joined, as Handlebars does). */
function semverFields(s: SemVer): Record<string, string> {
  return {
    raw: s.raw,
    version: s.version,
    major: String(s.major),
    minor: String(s.minor),
    patch: String(s.patch),
    prerelease: s.prerelease.join(","),
    build: s.build.join(","),
  };
}

/** At most this many undecidable `enable=` values are tried both ways (2^4 runs). */
const MAX_UNDECIDED = 4;

/**
 * The tags the action outputs for one event, in its order (src/meta.ts `getTags`: per enabled
 * image, the main version, the other versions, then `latest`). `enable=` values that cannot be
 * decided are tried both ways (every combination for up to four of them); a tag made only in
 * some of those runs is "uncertain".
 */
export function computeMetadataTags(inputs: MetadataInputs, ev: MetadataEvent, table: OpaqueTable): MetadataResult {
  const errors: string[] = [];
  const specs = parseTags(metadataInputList(inputs.tags), errors);
  const flavor = parseFlavor(metadataInputList(inputs.flavor), errors);
  const images = parseImages(metadataInputList(inputs.images), errors);
  const comp = new Computation(ev, flavor, table);
  const none = (problems: string[]): MetadataResult => ({ tags: [], runs: [], errors: problems, warnings: [...new Set(comp.warnings)] });
  if (errors.length) return none(errors);

  try {
    const enables = specs.map((s) => comp.globalExp(s.attrs.enable));
    const undecided: number[] = [];
    for (const [i, e] of enables.entries()) {
      if (hasOpaque(e)) undecided.push(i);
      else if (e !== "true" && e !== "false") return none([`Invalid value for enable attribute: ${e}`]);
    }
    const assignments: boolean[][] = [];
    if (undecided.length <= MAX_UNDECIDED) {
      for (let mask = 0; mask < 1 << undecided.length; mask++) assignments.push(undecided.map((_, b) => (mask & (1 << b)) !== 0));
    } else {
      assignments.push(undecided.map(() => true), undecided.map(() => false));
    }

    const versions: Version[] = [];
    for (const choice of assignments) {
      let version: Version = { partial: [] };
      for (const [i, spec] of specs.entries()) {
        const u = undecided.indexOf(i);
        const on = u >= 0 ? choice[u] : enables[i] === "true";
        if (on) version = comp.process(version, { ...spec, attrs: { ...spec.attrs } });
      }
      version.partial = [...new Set(version.partial)];
      versions.push(version);
    }
    const runs = versions.map((v) => tagsOf(v, images, flavor));
    const names = versions.map((v) => tagsOf(v, [], flavor).join("\n"));
    const mains = new Set(versions.map((v) => v.main));
    return {
      tags: mergeRuns(runs, table),
      runs,
      version: mains.size === 1 && versions[0].main !== undefined ? table.render(versions[0].main) : undefined,
      tagNames: new Set(names).size === 1 ? tagsOf(versions[0], [], flavor) : undefined,
      errors: [],
      warnings: [...new Set(comp.warnings)],
    };
  } catch (e) {
    if (e instanceof ActionFailure) return none([e.message]);
    throw e;
  }
}

/** Tags of several runs as one list: each in first-seen order, "uncertain" unless every run makes it. */
export function mergeRuns(runs: string[][], table: OpaqueTable): MetadataTag[] {
  const count = new Map<string, number>();
  for (const r of runs) for (const t of new Set(r)) count.set(t, (count.get(t) ?? 0) + 1);
  return [...count].map(([t, n]) => ({ ref: table.render(t), certainty: n === runs.length ? "certain" : "uncertain" }));
}

/** src/meta.ts `getTags`/`generateTags`: images lower-cased; none gives bare tags. */
function tagsOf(version: Version, images: ImageSpec[], flavor: Flavor): string[] {
  if (version.main === undefined) return [];
  const main = version.main;
  const gen = (imageName: string): string[] => {
    const prefix = imageName !== "" ? `${imageName}:` : "";
    const out = [`${prefix}${main}`, ...version.partial.map((p) => `${prefix}${p}`)];
    if (version.latest) {
      const latest = `${flavor.prefixLatest ? flavor.prefix : ""}latest${flavor.suffixLatest ? flavor.suffix : ""}`;
      out.push(`${prefix}${sanitizeTag(latest)}`);
    }
    return out;
  };
  const enabled = images.filter((i) => i.enable).map((i) => i.name.toLowerCase());
  return enabled.length ? enabled.flatMap((name) => gen(name)) : gen("");
}
