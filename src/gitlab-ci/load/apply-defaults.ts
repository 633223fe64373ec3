import type { InheritDef } from "../model.js";
import { isNull, makeMap, type YEntry, type YMap, type YNode } from "../yaml/node.js";
import type { NodeReader } from "./node-reader.js";

/** The keywords a job takes from `default:` (GitLab docs "default"); nothing else is inherited. */
export const DEFAULT_KEYWORDS = [
  "after_script",
  "artifacts",
  "before_script",
  "cache",
  "hooks",
  "id_tokens",
  "image",
  "interruptible",
  "retry",
  "services",
  "tags",
  "timeout",
] as const;

/** Deprecated top-level keywords that act as `default:` values. */
export const DEPRECATED_GLOBAL_KEYWORDS = ["image", "services", "cache", "before_script", "after_script"] as const;

/**
 * The effective `default:` hash: `default:` plus the deprecated top-level keywords.
 * Where both set a keyword GitLab rejects the configuration (Entry::Default#overwrite_entry:
 * "image is defined in top-level and `default:` entry").
 */
export function collectDefaults(top: YMap, reader: NodeReader): YMap {
  const defaults = reader.map(top.entries.get("default")?.value, "default");
  if (defaults) {
    reader.knownKeys(defaults, DEFAULT_KEYWORDS, "default");
  }
  const inheritable = new Set<string>(DEFAULT_KEYWORDS);
  const entries = new Map<string, YEntry>([...(defaults?.entries ?? [])].filter(([key]) => inheritable.has(key)));
  for (const key of DEPRECATED_GLOBAL_KEYWORDS) {
    const global = top.entries.get(key);
    if (!global) continue;
    if (entries.has(key)) {
      reader.error("config-invalid", `${key} is defined in top-level and \`default:\` entry`, global.keyPos);
      continue;
    }
    entries.set(key, global);
  }
  return makeMap(entries.values(), defaults?.pos ?? top.pos);
}

/** `inherit: default` / `inherit: variables`: true (all, the default), false (none), or a list of names. */
export function readInherit(node: YNode | undefined, what: string, reader: NodeReader): InheritDef {
  const inherit: InheritDef = { default: true, variables: true };
  const map = reader.map(node, what);
  if (!map) return inherit;
  reader.knownKeys(map, ["default", "variables"], what);
  for (const key of ["default", "variables"] as const) {
    const v = map.entries.get(key)?.value;
    if (isNull(v) || !v) continue;
    if (v.kind === "scalar" && typeof v.value === "boolean") inherit[key] = v.value;
    else {
      const list = reader.strings(v, `${what}:${key}`);
      if (list) inherit[key] = list.map((l) => l.value);
    }
  }
  return inherit;
}

/**
 * Give a job the `default:` keywords it does not set itself, as `inherit:default` allows.
 * A job value replaces the default entirely (no merge); a `null` job value counts as unset.
 */
export function applyDefaults(job: YMap, defaults: YMap, inherit: InheritDef): YMap {
  if (inherit.default === false || defaults.entries.size === 0) return job;
  const allowed = inherit.default === true ? undefined : new Set(inherit.default);
  const entries = new Map<string, YEntry>(job.entries);
  for (const [key, entry] of defaults.entries) {
    if (allowed && !allowed.has(key)) continue;
    if (!isNull(entries.get(key)?.value)) continue;
    entries.set(key, entry);
  }
  return makeMap(entries.values(), job.pos);
}
