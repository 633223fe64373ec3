import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { error } from "../core/diagnostic.js";
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
  const result = settingsFileSchema.safeParse(value);
  if (!result.success) {
    const diagnostics = result.error.issues.map((issue) => {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      return keys.map((key) => {
        const path = key === undefined ? issue.path : [...issue.path, key];
        const where = keyPath(path);
        const text =
          issue.code === "unrecognized_keys"
            ? `unknown key \`${where}\``
            : `\`${where || "(top level)"}\`: ${issue.message.replace(/^Invalid input: /, "").replace("expected record", "expected a map")}`;
        return error("config-invalid", text, positionOf(doc, lineCounter, file, path));
      });
    });
    return { settings: defaultSettings(), diagnostics: diagnostics.flat() };
  }
  const explicit = new Set(Object.entries(result.data).flatMap(([key, v]) => (v === undefined ? [] : [key])));
  return { settings: toSettings(result.data), diagnostics: [], explicit };
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
