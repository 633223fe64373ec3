import type { Pos } from "../../core/pos.js";
import type { YEntry, YMap, YNode } from "../yaml/node.js";

/**
 * ActiveSupport `Hash#deep_merge`, as GitLab uses it for includes and `extends`: hashes
 * merge key by key, anything else (lists included) is replaced by the later value.
 * A key keeps its first position in the order; its value and position come from the winner,
 * so an inherited `image:` still points at the line that set it.
 */
export function deepMerge(base: YNode, over: YNode): YNode {
  if (base.kind !== "map" || over.kind !== "map") return over;
  return deepMergeMaps([base, over], over.pos);
}

/**
 * `deepMerge` of hashes in order, each later one over the result so far, placed at `pos`. The
 * result is built once: a file with a hundred includes would otherwise copy the growing hash of
 * every job a hundred times.
 */
export function deepMergeMaps(maps: readonly YMap[], pos: Pos): YMap {
  const entries = new Map<string, YEntry>();
  for (const over of maps) {
    for (const [key, entry] of over.entries) {
      const existing = entries.get(key);
      entries.set(key, existing ? { key, keyPos: entry.keyPos, value: deepMerge(existing.value, entry.value) } : entry);
    }
  }
  return { kind: "map", entries, pos };
}
