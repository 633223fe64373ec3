import { error, warning, type Diagnostic } from "../../core/diagnostic.js";
import { normalizePath, type FileSource } from "../../core/file-source.js";
import { externalFileName } from "../../core/external-file.js";
import type { Lookup } from "../../core/include-source.js";
import type { Located, Pos } from "../../core/pos.js";
import type { IncludeRecord, LoadLimits, LoadOptions } from "../model.js";
import { parseYaml, type ParsedYaml } from "../yaml/parse-yaml.js";
import { makeMap, nodeToPlain, type YMap, type YNode } from "../yaml/node.js";
import { buildRules, WORKFLOW_WHEN } from "./build-rules.js";
import { deepMergeMaps } from "./deep-merge.js";
import { compileIncludeWildcard, includeWildcardFolder, hasIncludeWildcard } from "./include-wildcard.js";
import { expandIncludeVariables } from "./expand-include-variables.js";
import { applyInputs, interpolationBudget, overInterpolationBudget, type InterpolationBudget } from "./interpolate-inputs.js";
import { NodeReader } from "./node-reader.js";
import type { IncludeResolver } from "./include-resolver.js";
import type { FileIdentity } from "./parse-cache.js";

/** Everything the include walk collects while it assembles one revision's configuration. */
export interface IncludeWalk {
  source: FileSource;
  options: LoadOptions;
  limits: LoadLimits;
  diagnostics: Diagnostic[];
  includes: IncludeRecord[];
  /** Files that contributed, in the order they were first read. */
  files: string[];
  /** Some include was external or could not be resolved statically. */
  incomplete: boolean;
  includeCount: number;
  totalBytes: number;
  /** What `$[[ inputs ]]` interpolation may still build, all files together. */
  interpolation: InterpolationBudget;
  /** A limit was hit: stop reading more files so the walk ends quickly. */
  stopped: boolean;
  parsed: Map<string, ParsedYaml>;
}

export function newIncludeWalk(source: FileSource, options: LoadOptions, limits: LoadLimits, diagnostics: Diagnostic[]): IncludeWalk {
  return { source, options, limits, diagnostics, includes: [], files: [], incomplete: false, includeCount: 0, totalBytes: 0, interpolation: interpolationBudget(limits.maxFileBytes), stopped: false, parsed: new Map() };
}

const INCLUDE_KEYS = ["local", "project", "file", "ref", "remote", "template", "component", "artifact", "job", "rules", "inputs", "integrity", "cache"];

/**
 * A file the walk reads: a path of the analysed repository, or a file from elsewhere (another
 * project at a commit, an instance template, a remote URL) under a display name that says where
 * it came from (`freedesktop/ci-templates@593a0a5fe35a:templates/fedora.yml`). Its nested
 * `local:` includes are read where it lives (GitLab keeps the project and commit of the file).
 */
export interface IncludedFile {
  /** Unique across the walk: positions, cycles and the parse cache use it. */
  name: string;
  /** The text, or why there is none. */
  read(): Promise<Lookup<string>>;
  /** Where its `local:` includes are read. */
  base: LocalBase;
  /** A stable identity of the content for the parse cache (a commit names it); else its text. */
  contentId?: string;
}

/** The analysed repository (through the walk's FileSource), or another project at a commit. */
export type LocalBase = { kind: "repository" } | { kind: "project"; project: string; commit: string };

const REPOSITORY: LocalBase = { kind: "repository" };

/** A path of the analysed repository as a file of the walk. */
export function repositoryFile(walk: IncludeWalk, path: string): IncludedFile {
  return {
    name: path,
    base: REPOSITORY,
    read: async () => {
      const text = await walk.source.read(path);
      return text === undefined ? { missing: `${path} does not exist` } : { found: text };
    },
  };
}

/**
 * Read one file and everything it includes, merged the way GitLab's External::Processor does:
 * included files first, in list order (each with its own includes merged first), then the
 * file itself last, so it wins (`deep_merge`, lists replaced). Returns undefined when the file
 * cannot be used; the reason is a diagnostic.
 */
export async function loadFileWithIncludes(
  walk: IncludeWalk,
  file: IncludedFile,
  inputs: Record<string, unknown> | undefined,
  includedAt: Pos | undefined,
  chain: string[],
  /** GitLab's words for a file that is not there, when they differ from the plain "does not exist". */
  missingMessage?: string,
): Promise<YMap | undefined> {
  const path = file.name;
  const answer = await file.read();
  if (!("found" in answer)) {
    if ("unread" in answer) walk.diagnostics.push(warning("include-not-analysed", answer.unread, includedAt ?? { file: path, line: 1 }));
    else if (includedAt) walk.diagnostics.push(error("include-missing", missingMessage ?? `included file ${path} does not exist`, includedAt));
    else walk.diagnostics.push(error("file-missing", `${path} does not exist in ${walk.source.label}`, { file: path, line: 1 }));
    return undefined;
  }
  const text = answer.found;
  walk.totalBytes += text.length;
  if (walk.totalBytes > walk.limits.maxTotalBytes) {
    walk.stopped = true;
    walk.diagnostics.push(
      error("file-too-large", `the included files add up to more than ${walk.limits.maxTotalBytes} bytes; stopped reading includes`, includedAt ?? { file: path, line: 1 }),
    );
    return undefined;
  }
  if (!walk.files.includes(path)) walk.files.push(path);

  let parsed = walk.parsed.get(path);
  if (!parsed) {
    parsed = await parseThroughCache(walk, file, text);
    walk.parsed.set(path, parsed);
    walk.diagnostics.push(...parsed.diagnostics); // once per file, however often it is included
  }
  if (parsed.diagnostics.some((d) => d.severity === "error")) return undefined;
  const at = includedAt ?? { file: path, line: 1 };
  if (parsed.body === undefined || (parsed.body.kind === "scalar" && parsed.body.value === null)) {
    // GitLab: "Included file `x` is empty or does not exist!"
    walk.diagnostics.push(error(includedAt ? "include-invalid" : "config-invalid", `${path} is empty`, at));
    return undefined;
  }
  const body = applyInputs(path, parsed.header, parsed.body, inputs, at, walk.diagnostics, walk.interpolation, walk.options.includeVariables);
  if (!body) return undefined;
  if (body.kind !== "map") {
    walk.diagnostics.push(error("config-invalid", `${path} should be a hash of jobs and keywords, not a ${body.kind === "seq" ? "list" : "single value"}`, body.pos));
    return undefined;
  }

  const includeEntry = body.entries.get("include");
  if (includeEntry && walk.source.prefetch && file.base.kind === "repository") walk.source.prefetch(plainLocalPaths(includeEntry.value));
  const included = includeEntry ? await loadIncludes(walk, includeEntry.value, file, [...chain, path]) : [];
  const own = makeMap([...body.entries.values()].filter((e) => e.key !== "include"), body.pos);
  return deepMergeMaps([...included, own], body.pos);
}

/**
 * The files an `include:` value names plainly (a path, or `local:`, without variables or
 * wildcards): a hint for the source to start reading them all, instead of one at a time as the
 * walk reaches each. Only a hint: the walk still decides (rules, limits) and reads in order.
 */
function plainLocalPaths(node: YNode): string[] {
  const paths: string[] = [];
  for (const item of node.kind === "seq" ? node.items : [node]) {
    const local = item.kind === "map" ? item.entries.get("local")?.value : item;
    if (local?.kind === "scalar" && typeof local.value === "string" && !/[$*]/.test(local.value)) paths.push(normalizePath(local.value));
  }
  return paths;
}

/** Parse a file, or take its parse from the caller's cache when this content was parsed before. */
async function parseThroughCache(walk: IncludeWalk, file: IncludedFile, text: string): Promise<ParsedYaml> {
  const path = file.name;
  const cache = walk.options.parseCache;
  if (!cache) return parseYaml(path, text, walk.limits);
  const blob = file.contentId ?? (file.base.kind === "repository" && walk.source.blobId ? await walk.source.blobId(path) : undefined);
  const identity: FileIdentity = blob ? { blob } : { text };
  const hit = cache.get(path, identity, walk.limits);
  if (hit) return hit;
  const parsed = parseYaml(path, text, walk.limits);
  cache.set(path, identity, walk.limits, parsed, text.length);
  return parsed;
}

/** The `include:` value of one file: a string, a hash, or a list of either. */
async function loadIncludes(walk: IncludeWalk, node: YNode, from: IncludedFile, chain: string[]): Promise<YMap[]> {
  const items = node.kind === "seq" ? node.items : [node];
  const contents: YMap[] = [];
  for (const item of items) {
    if (walk.stopped) break;
    contents.push(...(await loadInclude(walk, item, from, chain)));
  }
  return contents;
}

async function loadInclude(walk: IncludeWalk, item: YNode, from: IncludedFile, chain: string[]): Promise<YMap[]> {
  const reader = new NodeReader(walk.diagnostics);
  let spec: YMap;
  if (item.kind === "scalar" && typeof item.value === "string") {
    // The short form: a URL means remote, anything else a local path.
    const kind = /^https?:\/\//.test(item.value) ? "remote" : "local";
    spec = makeMap([{ key: kind, keyPos: item.pos, value: item }], item.pos);
  } else if (item.kind === "map") {
    spec = item;
    reader.knownKeys(item, INCLUDE_KEYS, `include in ${from.name}`, "include-invalid");
  } else {
    reader.error("include-invalid", `include in ${from.name} should be a path or a hash (local, project, remote, template, component), not ${item.kind === "seq" ? "a list" : String(nodeToPlain(item))}`, item.pos);
    return [];
  }
  const get = (k: string) => spec.entries.get(k)?.value;
  const kind = (["local", "project", "remote", "template", "component", "artifact"] as const).find((k) => spec.entries.has(k));
  if (!kind) {
    reader.error("include-invalid", `include in ${from.name} needs one of local, project, remote, template or component`, spec.pos);
    return [];
  }
  const record: IncludeRecord = { kind, location: "", pos: spec.pos, status: "loaded", files: [] };
  walk.includes.push(record);

  const rules = buildRules(get("rules"), "include:rules", reader, WORKFLOW_WHEN);
  if (rules) record.rules = rules;
  const inputsNode = get("inputs");
  const inputs = inputsNode?.kind === "map" ? (nodeToPlain(inputsNode) as Record<string, unknown>) : undefined;
  if (inputsNode && !inputs) reader.wrongType("include:inputs", "a hash", inputsNode);
  if (inputs) record.inputs = inputs;

  if (rules) {
    const decision = walk.options.includeRuleMatches ? walk.options.includeRuleMatches(rules) : true;
    if (decision === false) {
      record.status = "skipped-by-rules";
      return [];
    }
    if (decision === "unknown") {
      record.rulesUnknown = true;
      walk.diagnostics.push(warning("include-rules-unknown", `include:rules of this include cannot be decided statically; it is taken as included, and the jobs it defines may be absent`, spec.pos));
    }
  }

  const at: IncludeAt = { walk, record, inputs, chain };
  if (kind === "remote" || kind === "template" || kind === "component") {
    const location = reader.string(get(kind), `include:${kind}`);
    record.location = location?.value ?? "";
    const resolver = walk.options.includes;
    if (!location) {
      record.status = "error";
      return [];
    }
    if (!resolver) return notAnalysed(walk, record, `${kind} include ${record.location} is not analysed (only files of this repository are read)`);
    const expanded = expandIncludeVariables(location.value, walk.options.includeVariables ?? {});
    if (expanded === undefined) return notAnalysed(walk, record, `${kind} include ${location.value} uses a variable whose value is not known here; not analysed`);
    if (kind === "template") return loadTemplate(at, resolver, expanded, location.pos);
    if (kind === "remote") return loadRemote(at, resolver, expanded, location.pos);
    return loadComponent(at, resolver, expanded, location.pos);
  }
  if (kind === "artifact") {
    record.location = reader.string(get("artifact"), "include:artifact")?.value ?? "";
    record.status = "error";
    reader.error("include-invalid", "include:artifact is only allowed in trigger:include of a child pipeline", spec.pos);
    return [];
  }
  if (kind === "project") {
    const project = reader.string(get("project"), "include:project");
    const files = reader.strings(get("file"), "include:file", true) ?? [];
    const ref = reader.string(get("ref"), "include:ref");
    record.location = files.map((f) => f.value).join(", ");
    if (project) record.project = project.value;
    if (ref) record.ref = ref.value;
    if (!project || files.length === 0) {
      record.status = "error";
      reader.error("include-invalid", "include:project needs `project` and `file`", spec.pos);
      return [];
    }
    return loadProject(at, project, ref, files);
  }
  const local = reader.string(get("local"), "include:local");
  if (!local) {
    record.status = "error";
    return [];
  }
  record.location = local.value;
  return loadLocal(at, from.base, local.value, local.pos, false);
}

/** One include entry being read: the walk, its record, its inputs and the files above it. */
interface IncludeAt {
  walk: IncludeWalk;
  record: IncludeRecord;
  inputs: Record<string, unknown> | undefined;
  chain: string[];
}

function notAnalysed(walk: IncludeWalk, record: IncludeRecord, message: string): YMap[] {
  record.status = "not-analysed";
  record.unread = message;
  walk.incomplete = true;
  if (countInclude(walk, record.pos)) walk.diagnostics.push(warning("include-not-analysed", message, record.pos));
  return [];
}

/** An include GitLab would reject: the pipeline is not created, with GitLab's words. */
function includeError(walk: IncludeWalk, record: IncludeRecord, message: string, pos: Pos): YMap[] {
  record.status = "error";
  walk.diagnostics.push(error("include-missing", message, pos));
  return [];
}

/** GitLab counts every included file, duplicates too, against `max_includes` (150). */
function countInclude(walk: IncludeWalk, pos: Pos): boolean {
  walk.includeCount++;
  if (walk.includeCount <= walk.limits.maxIncludes) return true;
  walk.stopped = true;
  walk.diagnostics.push(error("include-limit", `more than ${walk.limits.maxIncludes} includes (duplicates count); stopped here`, pos));
  return false;
}

/**
 * `include: project:` — the files of another project at `ref` (default: its default branch),
 * read at the commit the ref names. The analysed project itself without a ref (or at the ref
 * being analysed) is this revision's own files.
 */
async function loadProject(at: IncludeAt, project: Located<string>, ref: Located<string> | undefined, files: Located<string>[]): Promise<YMap[]> {
  const { walk, record } = at;
  const vars = walk.options.includeVariables ?? {};
  const path = expandIncludeVariables(project.value, vars)?.replace(/^\/+|\/+$/g, "");
  const refName = ref ? expandIncludeVariables(ref.value, vars) : undefined;
  const resolver = walk.options.includes;
  const label = `${project.value}${ref ? `@${ref.value}` : ""} (${record.location})`;
  if (path === undefined || (ref && refName === undefined)) {
    return notAnalysed(walk, record, `project include ${label} uses a variable whose value is not known here; not analysed`);
  }
  const self = walk.options.project !== undefined && path === walk.options.project;
  if (self && (refName === undefined || refName === walk.options.ref || !resolver)) {
    if (refName !== undefined && refName !== walk.options.ref && ref) {
      walk.diagnostics.push(warning("include-ref-approximate", `include of ${project.value} at ref ${ref.value} is read from ${walk.source.label} instead; the files may differ at that ref`, ref.pos));
    }
    const contents: YMap[] = [];
    for (const file of files) contents.push(...(await loadLocal(at, REPOSITORY, file.value, file.pos, true)));
    return contents;
  }
  if (!resolver) return notAnalysed(walk, record, `project include ${label} is not analysed: it is another project`);
  const commit = await resolver.commit(path, refName);
  if ("unread" in commit) return notAnalysed(walk, record, `project include ${label} is not analysed: ${commit.unread}`);
  // GitLab's words (Gitlab::Ci::Config::External::File::Project).
  if ("missing" in commit) return includeError(walk, record, `Project \`${path}\` reference \`${refName ?? "(default branch)"}\` does not exist!`, ref?.pos ?? project.pos);
  record.external = { target: path, ...(refName !== undefined ? { ref: refName } : {}), commit: commit.found };
  const base: LocalBase = { kind: "project", project: path, commit: commit.found };
  const contents: YMap[] = [];
  for (const file of files) contents.push(...(await loadLocal(at, base, file.value, file.pos, true)));
  return contents;
}

/**
 * `include: component: <fqdn>/<project path>/<name>@<version>` (ci/components): the project at
 * the version GitLab resolves, then `templates/<name>.yml`, else `templates/<name>/template.yml`.
 */
async function loadComponent(at: IncludeAt, resolver: IncludeResolver, location: string, pos: Pos): Promise<YMap[]> {
  const { walk, record } = at;
  const notFound = () => includeError(walk, record, `component '${location}' - content not found`, pos);
  const atSign = location.lastIndexOf("@");
  const segments = (atSign < 0 ? location : location.slice(0, atSign)).split("/").filter(Boolean);
  if (atSign < 0 || segments.length < 4) {
    return includeError(walk, record, `component '${location}' is not a component path: \`<fqdn>/<project path>/<component name>@<version>\``, pos);
  }
  const [host, ...rest] = segments;
  const name = rest[rest.length - 1];
  const project = rest.slice(0, -1).join("/");
  const version = location.slice(atSign + 1);
  const source = resolver.source;
  if (source.host !== undefined && host.toLowerCase() !== source.host.toLowerCase()) {
    return notAnalysed(walk, record, `component ${location} is on ${host}; includes are read from ${source.host}`);
  }
  const resolved = await resolver.componentVersion(project, version);
  if ("unread" in resolved) return notAnalysed(walk, record, `component ${location} is not analysed: ${resolved.unread}`);
  if ("missing" in resolved) return notFound();
  const { commit } = resolved.found;
  record.external = { target: project, ref: version, commit, ...(resolved.found.version !== version ? { version: resolved.found.version } : {}) };
  for (const path of [`templates/${name}.yml`, `templates/${name}/template.yml`]) {
    const text = await resolver.file(project, commit, path);
    if ("unread" in text) return notAnalysed(walk, record, `component ${location} is not analysed: ${text.unread}`);
    if ("found" in text) return loadFiles(at, [externalFile(resolver, project, commit, path, text)], pos);
  }
  return notFound();
}

/** `include: template:` — a template of the GitLab instance, through its templates API. */
async function loadTemplate(at: IncludeAt, resolver: IncludeResolver, name: string, pos: Pos): Promise<YMap[]> {
  const { walk, record } = at;
  // Gitlab::Ci::Config::External::File::Template: only `*.gitlab-ci.yml` names a template.
  if (!name.endsWith(".gitlab-ci.yml")) return includeError(walk, record, `Template file \`${name}\` is not a valid location!`, pos);
  const text = await resolver.template(name);
  if ("unread" in text) return notAnalysed(walk, record, `template ${name} is not analysed: ${text.unread}`);
  if ("missing" in text) return includeError(walk, record, `Included file \`${name}\` is empty or does not exist!`, pos);
  record.external = { target: name };
  return loadFiles(at, [{ name: `template:${name}`, base: REPOSITORY, read: async () => text }], pos);
}

/** `include: remote:` — fetched by the edge only from allowed hosts; else unknown, saying why. */
async function loadRemote(at: IncludeAt, resolver: IncludeResolver, url: string, pos: Pos): Promise<YMap[]> {
  const { walk, record } = at;
  if (!/^https?:\/\/[^/\s]+/.test(url)) return includeError(walk, record, `Remote file \`${url}\` does not have a valid address!`, pos);
  const text = await resolver.remote(url);
  if ("unread" in text) return notAnalysed(walk, record, `remote include ${url} is not analysed: ${text.unread}`);
  if ("missing" in text) return includeError(walk, record, `Remote file \`${url}\` could not be fetched: ${text.missing}`, pos);
  record.external = { target: url };
  return loadFiles(at, [{ name: url, base: REPOSITORY, read: async () => text }], pos);
}

/** A file of another project at a commit, named so that a reader sees where it came from. */
function externalFile(resolver: IncludeResolver, project: string, commit: string, path: string, known?: Lookup<string>): IncludedFile {
  return {
    name: externalFileName(project, commit, path),
    base: { kind: "project", project, commit },
    contentId: commit,
    read: known ? async () => known : () => resolver.file(project, commit, path),
  };
}

async function loadLocal(at: IncludeAt, base: LocalBase, written: string, pos: Pos, exact: boolean): Promise<YMap[]> {
  const { walk, record } = at;
  const location = expandIncludeVariables(written, walk.options.includeVariables ?? {});
  if (location === undefined) {
    record.status = "not-analysed";
    walk.incomplete = true;
    walk.diagnostics.push(warning("include-not-analysed", `include ${written} uses a variable whose value is not known here; not analysed`, pos));
    return [];
  }
  const path = normalizePath(location);
  if (!/\.ya?ml$/.test(path)) {
    record.status = "error";
    walk.diagnostics.push(error("include-invalid", `included file ${written} does not have a .yml or .yaml extension`, pos));
    return [];
  }
  if (base.kind === "project") {
    const resolver = walk.options.includes;
    if (!resolver) return notAnalysed(walk, record, `include ${written} of ${base.project} is not analysed`);
    if (!exact && hasIncludeWildcard(path)) return notAnalysed(walk, record, `include ${written} of ${base.project} is a wildcard; files of other projects are not listed`);
    // GitLab's words for a project file that is not there (External::File::Project).
    return loadFiles(at, [externalFile(resolver, base.project, base.commit, path)], pos, `Project \`${base.project}\` file \`${path}\` does not exist!`);
  }
  let paths = [path];
  if (!exact && hasIncludeWildcard(path)) {
    const matches = compileIncludeWildcard(path);
    paths = (await walk.source.list(includeWildcardFolder(path))).filter(matches).sort();
    if (paths.length === 0) {
      walk.diagnostics.push(warning("include-wildcard-empty", `include ${written} matches no file`, pos));
      return [];
    }
    // Every match will be read, in order: a source that can ask for several at once starts them now.
    walk.source.prefetch?.(paths);
  }
  return loadFiles(at, paths.map((p) => repositoryFile(walk, p)), pos);
}

/** Read the files one include resolved to, in order, within GitLab's count and depth limits and without cycles. */
async function loadFiles(at: IncludeAt, files: IncludedFile[], pos: Pos, missingMessage?: string): Promise<YMap[]> {
  const { walk, record, inputs, chain } = at;
  const contents: YMap[] = [];
  for (const file of files) {
    if (walk.stopped) break;
    if (!countInclude(walk, pos)) break;
    if (chain.includes(file.name)) {
      record.status = "error";
      walk.diagnostics.push(error("include-cycle", `include cycle: ${[...chain.slice(chain.indexOf(file.name)), file.name].join(" → ")}`, pos));
      continue;
    }
    if (chain.length >= walk.limits.maxIncludeDepth) {
      record.status = "error";
      walk.stopped = true;
      walk.diagnostics.push(error("include-limit", `includes are nested deeper than ${walk.limits.maxIncludeDepth} levels`, pos));
      break;
    }
    const answer = await file.read();
    if ("unread" in answer) {
      // Counted, but not read: what it defines is unknown, and the report says why.
      record.status = "not-analysed";
      record.unread = answer.unread;
      walk.incomplete = true;
      walk.diagnostics.push(warning("include-not-analysed", `${file.name} is not analysed: ${answer.unread}`, pos));
      continue;
    }
    record.files.push(file.name);
    const content = await loadFileWithIncludes(walk, { ...file, read: async () => answer }, inputs, pos, chain, missingMessage);
    const overBudget = content ? undefined : overInterpolationBudget(walk.interpolation);
    if (content) contents.push(content);
    else if (overBudget) {
      // What the file defines is unknown, not absent.
      record.status = "not-analysed";
      record.unread = overBudget;
      walk.incomplete = true;
      walk.diagnostics.push(warning("include-not-analysed", `${file.name} is not analysed: ${overBudget}`, pos));
    } else if (record.status === "loaded") record.status = "error";
  }
  return contents;
}
