import type { Pos } from "../../core/pos.js";
import { makeMap, type YEntry, type YMap, type YNode } from "../yaml/node.js";
import { deepMerge } from "./deep-merge.js";
import type { NodeReader } from "./node-reader.js";

/**
 * `extends:` as GitLab's Config::Extendable applies it, after includes and before `!reference`:
 * each parent is itself extended first, the parents are deep-merged in order (the last parent
 * wins), and the job is merged over them last. Lists are replaced; `key: null` removes an
 * inherited key. Parents may be hidden or visible jobs from any file. GitLab refuses more than
 * 10 ancestors above a job ("up to 11 levels"), unknown parents, and cycles.
 * A job whose `extends` fails is kept as written, so its own errors still show.
 */
export function resolveExtends(top: YMap, maxDepth: number, reader: NodeReader): YMap {
  const resolved = new Map<string, YNode>();
  const failed = new Set<string>();

  const parentsOf = (key: string, value: YNode): { names: string[]; pos: Pos } | undefined => {
    if (value.kind !== "map") return undefined;
    const entry = value.entries.get("extends");
    if (!entry) return undefined;
    const list = reader.strings(entry.value, `${key}:extends`, true);
    return list ? { names: list.map((l) => l.value), pos: entry.keyPos } : undefined;
  };

  const extend = (key: string, stack: string[]): YNode | undefined => {
    const done = resolved.get(key);
    if (done) return done;
    const value = top.entries.get(key)?.value;
    if (!value) return undefined;
    const parents = parentsOf(key, value);
    if (!parents || failed.has(key)) return value;
    const here = [...stack, key];
    if (stack.includes(key)) {
      failed.add(key);
      reader.error("extends-cycle", `${key}: circular dependency in \`extends\` (${here.slice(here.indexOf(key)).join(" → ")})`, parents.pos);
      return undefined;
    }
    if (stack.length > maxDepth) {
      failed.add(key);
      reader.error("extends-depth", `${here[0]}: \`extends\` is nested deeper than ${maxDepth + 1} levels (${here.join(" → ")})`, parents.pos);
      return undefined;
    }
    let merged: YNode = makeMap([], value.pos);
    let ok = true;
    for (const name of parents.names) {
      const parent = top.entries.has(name) ? extend(name, here) : undefined;
      if (!top.entries.has(name)) {
        reader.errorUnlessIncomplete("extends-unknown", `${key}: unknown job \`${name}\` in \`extends\``, parents.pos);
        if (reader.incomplete) reader.incompleteKeys.add(key);
        ok = false;
        continue;
      }
      if (reader.incompleteKeys.has(name)) reader.incompleteKeys.add(key);
      if (parent === undefined) {
        ok = false;
        continue;
      }
      if (parent.kind !== "map") {
        reader.error("invalid-type", `${key}: \`extends\` parent \`${name}\` is not a hash`, parents.pos);
        ok = false;
        continue;
      }
      merged = deepMerge(merged, parent);
    }
    if (!ok && !reader.incomplete) {
      failed.add(key);
      return stack.length === 0 ? value : undefined;
    }
    const result = deepMerge(merged, value);
    resolved.set(key, result);
    return result;
  };

  const entries: YEntry[] = [];
  for (const [key, entry] of top.entries) {
    const value = entry.value.kind === "map" && entry.value.entries.has("extends") ? extend(key, []) ?? entry.value : entry.value;
    entries.push(value === entry.value ? entry : { key, keyPos: entry.keyPos, value });
  }
  return makeMap(entries, top.pos);
}
