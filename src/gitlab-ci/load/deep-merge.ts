import type { YEntry, YNode } from "../yaml/node.js";

/**
 * ActiveSupport `Hash#deep_merge`, as GitLab uses it for includes and `extends`: hashes
 * merge key by key, anything else (lists included) is replaced by the later value.
 * A key keeps its first position in the order; its value and position come from the winner,
 * so an inherited `image:` still points at the line that set it.
 */
export function deepMerge(base: YNode, over: YNode): YNode {
  if (base.kind !== "map" || over.kind !== "map") return over;
  const entries = new Map<string, YEntry>(base.entries);
  for (const [key, entry] of over.entries) {
    const existing = entries.get(key);
    entries.set(key, existing ? { key, keyPos: entry.keyPos, value: deepMerge(existing.value, entry.value) } : entry);
  }
  return { kind: "map", entries, pos: over.pos };
}
