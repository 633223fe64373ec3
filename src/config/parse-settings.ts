import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { closestName } from "../core/closest-name.js";
import { error, type Diagnostic } from "../core/diagnostic.js";
import type { Pos } from "../core/pos.js";
import type { PipelineSource, RunInputs } from "../gitlab-ci/context.js";
import { obviouslyTooDeep } from "../gitlab-ci/yaml/parse-yaml.js";
import { defaultSettings } from "./defaults.js";
import { settingsFileSchema, type SettingsFile } from "./schema.js";
import type { ContextSetting, LoadedSettings, Settings } from "./settings.js";

/**
 * Parsing and validating a settings file's text. A module of its own because the validator's
 * schema library is large: `loadSettings` loads it only when a repository has a settings file.
 */

/** The settings schema is four levels deep; far deeper nesting is an attack, not a setting. */
const MAX_SETTINGS_DEPTH = 20;

/** Parse and validate the text of one settings file. */
export function parseSettingsText(text: string, file: string): Omit<LoadedSettings, "path"> {
  // The `yaml` parser can exhaust memory (a process abort) on deeply nested brackets, so a
  // hostile settings file is refused before it is parsed, as CI files are (parse-yaml.ts).
  if (obviouslyTooDeep(text, MAX_SETTINGS_DEPTH)) {
    return { settings: defaultSettings(), diagnostics: [error("nesting-too-deep", `${file} is nested deeper than ${MAX_SETTINGS_DEPTH} levels`, { file, line: 1 })] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const diagnostics = doc.errors.map((e) => {
      const at = lineCounter.linePos(e.pos[0]);
      return error("yaml-syntax", e.message.split("\n")[0], { file, line: at.line, col: at.col });
    });
    return { settings: defaultSettings(), diagnostics };
  }
  let value: unknown;
  try {
    value = doc.toJS() ?? {};
  } catch (e) {
    // `toJS` refuses an alias bomb ("billion laughs") by throwing a ReferenceError.
    if (!(e instanceof ReferenceError)) throw e;
    return { settings: defaultSettings(), diagnostics: [error("yaml-alias-limit", `${file}: ${e.message}`, { file, line: 1 })] };
  }
  // A mistake costs only what it is about: an unknown key or an invalid value is reported with
  // its line and left out, and every valid key still applies (each pass removes at least one
  // offending part, so this ends; the bound is for safety).
  const diagnostics: Diagnostic[] = [];
  for (let pass = 0; pass < MAX_PRUNE_PASSES; pass++) {
    const result = settingsFileSchema.safeParse(value);
    if (result.success) {
      const explicit = new Set(Object.entries(result.data).flatMap(([key, v]) => (v === undefined ? [] : [key])));
      return { settings: toSettings(result.data), diagnostics: byLine(diagnostics), explicit };
    }
    const offending: Array<ReadonlyArray<PropertyKey>> = [];
    for (const issue of result.error.issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      for (const key of keys) {
        const path = key === undefined ? issue.path : [...issue.path, key];
        const where = keyPath(path);
        const text =
          issue.code === "unrecognized_keys"
            ? `unknown key \`${where}\`${suggestion(String(key), issue.path)}`
            : `\`${where || "(top level)"}\`: ${issue.message.replace(/^Invalid input: /, "").replace("expected record", "expected a map")}`;
        diagnostics.push(error("config-invalid", text, positionOf(doc, lineCounter, file, path)));
        offending.push(path);
      }
    }
    value = withoutPaths(value, offending);
  }
  return { settings: defaultSettings(), diagnostics: byLine(diagnostics) };
}

/** In the order of the file, as a reader goes through it. */
function byLine(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0));
}

/** Passes of leaving out what is invalid before the whole file is given up. */
const MAX_PRUNE_PASSES = 10;

/** `; did you mean \`on_drafts\`?` for a misspelt key of a map whose keys are known. */
function suggestion(key: string, parent: ReadonlyArray<PropertyKey>): string {
  const known = knownKeys(parent);
  const meant = known.length ? closestName(key, known) : undefined;
  return meant ? `; did you mean \`${meant}\`?` : "";
}

/** The keys the schema allows in the map at `path` (none for a map of free names, such as `variables`). */
function knownKeys(path: ReadonlyArray<PropertyKey>): string[] {
  let schema: unknown = settingsFileSchema;
  for (const step of path) {
    schema = unwrap(schema);
    if (typeof step === "number") schema = (schema as { element?: unknown }).element;
    else schema = (schema as { shape?: Record<string, unknown> }).shape?.[String(step)];
  }
  const shape = (unwrap(schema) as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** The schema inside an optional, nullable or array wrapper, as far as the key names go. */
function unwrap(schema: unknown): unknown {
  let s = schema as { unwrap?: () => unknown; element?: unknown } | undefined;
  for (let i = 0; i < 5 && s && typeof s.unwrap === "function"; i++) s = s.unwrap() as typeof s;
  return s;
}

/**
 * The value with each path removed: a map entry is deleted, a list item dropped, and an invalid
 * whole file becomes empty. Paths are applied deepest first, so earlier removals do not shift later ones.
 */
function withoutPaths(value: unknown, paths: Array<ReadonlyArray<PropertyKey>>): unknown {
  if (paths.some((p) => p.length === 0)) return {};
  const copy: unknown = structuredClone(value);
  const sorted = [...paths].sort((a, b) => b.length - a.length || Number(b[b.length - 1]) - Number(a[a.length - 1]));
  for (const path of sorted) {
    let parent: unknown;
    let node: unknown = copy;
    for (const step of path.slice(0, -1)) {
      parent = node;
      node = node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[step as string] : undefined;
    }
    const last = path[path.length - 1];
    if (Array.isArray(node) && typeof last === "number") {
      node.splice(last, 1);
      // A list left empty by removals is left out as a whole: `contexts: []` would mean "none",
      // and the automatic choice is what a list with nothing valid in it should leave in place.
      if (node.length === 0 && parent !== null && typeof parent === "object" && path.length >= 2) delete (parent as Record<PropertyKey, unknown>)[path[path.length - 2] as string];
    } else if (node !== null && typeof node === "object") delete (node as Record<PropertyKey, unknown>)[last as string];
  }
  return copy;
}

/** `contexts[1].variables.QEMU_CI` */
function keyPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

/** The line of the deepest YAML node on `path` (the key itself for a map entry). */
function positionOf(doc: Document, lineCounter: LineCounter, file: string, path: ReadonlyArray<PropertyKey>): Pos {
  let node: unknown = doc.contents;
  let offset = 0;
  const at = (n: unknown): number | undefined =>
    typeof n === "object" && n !== null && "range" in n && Array.isArray(n.range) ? Number(n.range[0]) : undefined;
  offset = at(node) ?? 0;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) break;
      offset = at(pair.key) ?? offset;
      node = pair.value;
    } else if (typeof node === "object" && node !== null && "items" in node && Array.isArray(node.items) && typeof step === "number") {
      node = node.items[step];
      offset = at(node) ?? offset;
    } else break;
  }
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, col };
}

function toSettings(file: SettingsFile): Settings {
  const defaults = defaultSettings();
  return {
    project: file.project,
    defaultBranch: file.default_branch,
    serverUrl: file.server_url ?? defaults.serverUrl,
    registry: file.registry ?? defaults.registry,
    ciConfigPath: file.ci_config_path ?? defaults.ciConfigPath,
    variables: file.variables ?? {},
    forkVariables: file.fork_variables ?? {},
    contexts: file.contexts?.map(toContextSetting),
    containers: { recipes: file.containers?.recipes ?? defaults.containers.recipes },
    includes: { remoteHosts: file.includes?.remote_hosts ?? defaults.includes.remoteHosts },
    hazards: { ...file.hazards },
    comment: {
      onDrafts: file.comment?.on_drafts ?? defaults.comment.onDrafts,
      commandsFrom: file.comment?.commands_from ?? defaults.comment.commandsFrom,
      warningConclusion: file.comment?.warning_conclusion ?? defaults.comment.warningConclusion,
      predictionMisses: file.comment?.prediction_misses ?? defaults.comment.predictionMisses,
    },
  };
}

type ContextFile = NonNullable<SettingsFile["contexts"]>[number];

function toContextSetting(c: ContextFile): ContextSetting {
  const source: PipelineSource = c.source ?? (c.mr ? "merge_request_event" : "push");
  const refName = c.branch ?? (c.tag ? `tag ${c.tag}` : c.mr ? `MR ${c.mr.source} → ${c.mr.target}` : "");
  const name = c.name ?? (c.project ? `${refName} (${c.project})` : refName);
  const run: RunInputs = {
    ...(c.sha !== undefined ? { sha: c.sha } : {}),
    ...(c.pr_number !== undefined ? { prNumber: c.pr_number } : {}),
    ...(c.pr_head_sha !== undefined ? { prHeadSha: c.pr_head_sha } : {}),
    ...(c.now !== undefined ? { now: c.now } : {}),
    ...(c.event !== undefined ? { event: c.event } : {}),
    ...(c.event_payload !== undefined ? { eventPayload: c.event_payload } : {}),
  };
  return { name, branch: c.branch, tag: c.tag, mr: c.mr, source, project: c.project, variables: c.variables ?? {}, event: c.event, ...(Object.keys(run).length > 0 ? { run } : {}) };
}
