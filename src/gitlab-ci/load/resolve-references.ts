import { makeMap, type YMap, type YNode } from "../yaml/node.js";
import type { NodeReader } from "./node-reader.js";

/**
 * `!reference [job, key, …]` as GitLab's Yaml::Tags::Resolver does it: after `extends`, so a
 * reference sees the extended job; from any file; a referenced value that itself holds
 * references is resolved too, up to `maxDepth` (10) levels. In a list, the referenced list
 * becomes a nested list, which the script and rules builders flatten.
 */
export function resolveReferences(top: YMap, maxDepth: number, reader: NodeReader): YMap {
  const cache = new Map<string, YNode | undefined>();
  /** The top-level entry being resolved, to note when its content lacks a reference target. */
  let current: string | undefined;

  const lookup = (path: string[]): YNode | undefined => {
    let node: YNode | undefined = top;
    for (const key of path) node = node?.kind === "map" ? node.entries.get(key)?.value : undefined;
    return node;
  };

  /** undefined: a reference that could not be resolved (reported); a list drops it, a hash gets null. */
  const resolve = (node: YNode, depth: number): YNode | undefined => {
    switch (node.kind) {
      case "scalar":
        return node;
      case "seq": {
        const resolved = node.items.map((i) => resolve(i, depth));
        if (resolved.every((i, n) => i === node.items[n])) return node;
        return { ...node, items: resolved.filter((i): i is YNode => i !== undefined) };
      }
      case "map": {
        let changed = false;
        const entries = [...node.entries.values()].map((e) => {
          const value = resolve(e.value, depth) ?? nullAt(e.value);
          if (value === e.value) return e;
          changed = true;
          return { ...e, value };
        });
        return changed ? makeMap(entries, node.pos) : node;
      }
      case "reference": {
        const shown = `!reference [${node.path.join(", ")}]`;
        if (depth >= maxDepth) {
          reader.error("reference-depth", `${shown}: references are nested deeper than ${maxDepth} levels`, node.pos);
          return undefined;
        }
        const cacheKey = node.path.join("\u0000");
        let target = cache.get(cacheKey);
        if (!cache.has(cacheKey)) {
          const raw = lookup(node.path);
          target = raw === undefined ? undefined : resolve(raw, depth + 1);
          cache.set(cacheKey, target);
        }
        if (target === undefined) {
          reader.errorUnlessIncomplete("reference-unknown", `${shown} could not be found`, node.pos);
          if (reader.incomplete && current !== undefined) reader.incompleteKeys.add(current);
          return undefined;
        }
        return target;
      }
    }
  };

  let changed = false;
  const entries = [...top.entries.values()].map((e) => {
    current = e.key;
    const value = resolve(e.value, 0) ?? nullAt(e.value);
    if (value === e.value) return e;
    changed = true;
    return { ...e, value };
  });
  current = undefined;
  return changed ? makeMap(entries, top.pos) : top;
}

function nullAt(node: YNode): YNode {
  return { kind: "scalar", value: null, pos: node.pos };
}
