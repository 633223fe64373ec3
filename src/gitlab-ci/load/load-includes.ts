import { error, warning, type Diagnostic } from "../../core/diagnostic.js";
import { normalizePath, type FileSource } from "../../core/file-source.js";
import type { Pos } from "../../core/pos.js";
import type { IncludeRecord, LoadLimits, LoadOptions } from "../model.js";
import { parseYaml, type ParsedYaml } from "../yaml/parse-yaml.js";
import { makeMap, nodeToPlain, type YMap, type YNode } from "../yaml/node.js";
import { buildRules, WORKFLOW_WHEN } from "./build-rules.js";
import { deepMergeMaps } from "./deep-merge.js";
import { compileIncludeWildcard, includeWildcardFolder, hasIncludeWildcard } from "./include-wildcard.js";
import { expandIncludeVariables } from "./expand-include-variables.js";
import { applyInputs } from "./interpolate-inputs.js";
import { NodeReader } from "./node-reader.js";
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
  /** A limit was hit: stop reading more files so the walk ends quickly. */
  stopped: boolean;
  parsed: Map<string, ParsedYaml>;
}

export function newIncludeWalk(source: FileSource, options: LoadOptions, limits: LoadLimits, diagnostics: Diagnostic[]): IncludeWalk {
  return { source, options, limits, diagnostics, includes: [], files: [], incomplete: false, includeCount: 0, totalBytes: 0, stopped: false, parsed: new Map() };
}

const INCLUDE_KEYS = ["local", "project", "file", "ref", "remote", "template", "component", "artifact", "job", "rules", "inputs", "integrity", "cache"];

/**
 * Read one file and everything it includes, merged the way GitLab's External::Processor does:
 * included files first, in list order (each with its own includes merged first), then the
 * file itself last, so it wins (`deep_merge`, lists replaced). Returns undefined when the file
 * cannot be used; the reason is a diagnostic.
 */
export async function loadFileWithIncludes(
  walk: IncludeWalk,
  path: string,
  inputs: Record<string, unknown> | undefined,
  includedAt: Pos | undefined,
  chain: string[],
): Promise<YMap | undefined> {
  const text = await walk.source.read(path);
  if (text === undefined) {
    if (includedAt) walk.diagnostics.push(error("include-missing", `included file ${path} does not exist`, includedAt));
    else walk.diagnostics.push(error("file-missing", `${path} does not exist in ${walk.source.label}`, { file: path, line: 1 }));
    return undefined;
  }
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
    parsed = await parseThroughCache(walk, path, text);
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
  const body = applyInputs(path, parsed.header, parsed.body, inputs, at, walk.diagnostics, walk.options.includeVariables);
  if (body.kind !== "map") {
    walk.diagnostics.push(error("config-invalid", `${path} should be a hash of jobs and keywords, not a ${body.kind === "seq" ? "list" : "single value"}`, body.pos));
    return undefined;
  }

  const includeEntry = body.entries.get("include");
  if (includeEntry && walk.source.prefetch) walk.source.prefetch(plainLocalPaths(includeEntry.value));
  const included = includeEntry ? await loadIncludes(walk, includeEntry.value, path, [...chain, path]) : [];
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
async function parseThroughCache(walk: IncludeWalk, path: string, text: string): Promise<ParsedYaml> {
  const cache = walk.options.parseCache;
  if (!cache) return parseYaml(path, text, walk.limits);
  const blob = walk.source.blobId ? await walk.source.blobId(path) : undefined;
  const identity: FileIdentity = blob ? { blob } : { text };
  const hit = cache.get(path, identity, walk.limits);
  if (hit) return hit;
  const parsed = parseYaml(path, text, walk.limits);
  cache.set(path, identity, walk.limits, parsed);
  return parsed;
}

/** The `include:` value of one file: a string, a hash, or a list of either. */
async function loadIncludes(walk: IncludeWalk, node: YNode, from: string, chain: string[]): Promise<YMap[]> {
  const items = node.kind === "seq" ? node.items : [node];
  const contents: YMap[] = [];
  for (const item of items) {
    if (walk.stopped) break;
    contents.push(...(await loadInclude(walk, item, from, chain)));
  }
  return contents;
}

async function loadInclude(walk: IncludeWalk, item: YNode, from: string, chain: string[]): Promise<YMap[]> {
  const reader = new NodeReader(walk.diagnostics);
  let spec: YMap;
  if (item.kind === "scalar" && typeof item.value === "string") {
    // The short form: a URL means remote, anything else a local path.
    const kind = /^https?:\/\//.test(item.value) ? "remote" : "local";
    spec = makeMap([{ key: kind, keyPos: item.pos, value: item }], item.pos);
  } else if (item.kind === "map") {
    spec = item;
    reader.knownKeys(item, INCLUDE_KEYS, `include in ${from}`, "include-invalid");
  } else {
    reader.error("include-invalid", `include in ${from} should be a path or a hash (local, project, remote, template, component), not ${item.kind === "seq" ? "a list" : String(nodeToPlain(item))}`, item.pos);
    return [];
  }
  const get = (k: string) => spec.entries.get(k)?.value;
  const kind = (["local", "project", "remote", "template", "component", "artifact"] as const).find((k) => spec.entries.has(k));
  if (!kind) {
    reader.error("include-invalid", `include in ${from} needs one of local, project, remote, template or component`, spec.pos);
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
      walk.diagnostics.push(warning("include-rules-unknown", `include:rules of this include cannot be decided statically; it is taken as included`, spec.pos));
    }
  }

  if (kind === "remote" || kind === "template" || kind === "component") {
    const location = reader.string(get(kind), `include:${kind}`);
    record.location = location?.value ?? "";
    return notAnalysed(walk, record, `${kind} include ${record.location} is not analysed (only files of this repository are read)`);
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
    if (project.value.includes("$") || !walk.options.project || project.value.replace(/^\/+|\/+$/g, "") !== walk.options.project) {
      return notAnalysed(walk, record, `project include ${project.value}${ref ? `@${ref.value}` : ""} (${record.location}) is not analysed: it is another project`);
    }
    if (ref && ref.value !== walk.options.ref) {
      walk.diagnostics.push(
        warning("include-ref-approximate", `include of ${project.value} at ref ${ref.value} is read from ${walk.source.label} instead; the files may differ at that ref`, ref.pos),
      );
    }
    const contents: YMap[] = [];
    for (const file of files) contents.push(...(await loadLocal(walk, record, file.value, file.pos, inputs, chain, true)));
    return contents;
  }
  const local = reader.string(get("local"), "include:local");
  if (!local) {
    record.status = "error";
    return [];
  }
  record.location = local.value;
  return loadLocal(walk, record, local.value, local.pos, inputs, chain, false);
}

function notAnalysed(walk: IncludeWalk, record: IncludeRecord, message: string): YMap[] {
  record.status = "not-analysed";
  walk.incomplete = true;
  if (countInclude(walk, record.pos)) walk.diagnostics.push(warning("include-not-analysed", message, record.pos));
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

async function loadLocal(
  walk: IncludeWalk,
  record: IncludeRecord,
  written: string,
  pos: Pos,
  inputs: Record<string, unknown> | undefined,
  chain: string[],
  exact: boolean,
): Promise<YMap[]> {
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
  let paths = [path];
  if (!exact && hasIncludeWildcard(path)) {
    const matches = compileIncludeWildcard(path);
    paths = (await walk.source.list(includeWildcardFolder(path))).filter(matches).sort();
    if (paths.length === 0) {
      walk.diagnostics.push(warning("include-wildcard-empty", `include ${written} matches no file`, pos));
      return [];
    }
  }
  const contents: YMap[] = [];
  for (const p of paths) {
    if (walk.stopped) break;
    if (!countInclude(walk, pos)) break;
    if (chain.includes(p)) {
      record.status = "error";
      walk.diagnostics.push(error("include-cycle", `include cycle: ${[...chain.slice(chain.indexOf(p)), p].join(" → ")}`, pos));
      continue;
    }
    if (chain.length >= walk.limits.maxIncludeDepth) {
      record.status = "error";
      walk.stopped = true;
      walk.diagnostics.push(error("include-limit", `includes are nested deeper than ${walk.limits.maxIncludeDepth} levels`, pos));
      break;
    }
    record.files.push(p);
    const content = await loadFileWithIncludes(walk, p, inputs, pos, chain);
    if (content) contents.push(content);
    else record.status = "error";
  }
  return contents;
}
