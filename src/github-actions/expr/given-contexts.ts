import { GITHUB_CONTEXT_PROPERTIES } from "../github-context.js";
import { CONTEXT_NAMES, type ContextName } from "./evaluate.js";
import { ObjectValue, Unknown, fromPlain, type Value } from "./value.js";

/**
 * Contexts for one expression, from what a person gives (`eval --dialect github-actions`): JSON
 * objects, complete as given (a property they lack is null, as in a run), and single
 * `path=value` strings, which leave the rest of their objects unknown. A context nothing gives
 * is unknown as a whole, except `github`: a property the docs list that nothing gives is unknown
 * and any other is null.
 */
type Node = { kind: "object"; complete: boolean; entries: Map<string, { key: string; node: Node }> } | { kind: "value"; value: unknown };

export interface GivenContexts {
  contexts: Partial<Record<ContextName, Value>>;
  /** Problems with what was given, in words (a usage error). */
  errors: string[];
}

function fromJson(v: unknown): Node {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const entries = new Map<string, { key: string; node: Node }>();
    for (const [k, x] of Object.entries(v)) entries.set(k.toLowerCase(), { key: k, node: fromJson(x) });
    return { kind: "object", complete: true, entries };
  }
  return { kind: "value", value: v };
}

function toValue(node: Node, path: string): Value {
  if (node.kind === "value") return fromPlain(node.value);
  const entries = [...node.entries.values()].map(({ key, node: n }): [string, Value] => [key, toValue(n, `${path}.${key}`)]);
  if (path === "github") {
    const given = new Set(node.entries.keys());
    for (const p of GITHUB_CONTEXT_PROPERTIES) if (!given.has(p.toLowerCase())) entries.push([p, new Unknown([`${path}.${p}`])]);
    return new ObjectValue(entries);
  }
  return new ObjectValue(entries, node.complete ? undefined : path);
}

export function givenContexts(json: Record<string, unknown> | undefined, pairs: ReadonlyArray<readonly [string, string]>): GivenContexts {
  const errors: string[] = [];
  const roots = new Map<string, Node>();
  const isContext = (name: string): name is ContextName => (CONTEXT_NAMES as readonly string[]).includes(name);
  for (const [name, v] of Object.entries(json ?? {})) {
    if (!isContext(name.toLowerCase())) errors.push(`"${name}" is not an expression context (${CONTEXT_NAMES.join(", ")})`);
    else roots.set(name.toLowerCase(), fromJson(v));
  }
  for (const [path, value] of pairs) {
    const parts = path.split(".");
    const name = parts[0].toLowerCase();
    if (!isContext(name)) {
      errors.push(`"${parts[0]}" is not an expression context (${CONTEXT_NAMES.join(", ")})`);
      continue;
    }
    if (parts.length === 1 || parts.some((p) => p === "")) {
      errors.push(`"${path}" names no property: give context.property=value`);
      continue;
    }
    let node = roots.get(name);
    if (!node || node.kind !== "object") {
      node = { kind: "object", complete: false, entries: new Map() };
      roots.set(name, node);
    }
    for (const [i, part] of parts.slice(1).entries()) {
      const last = i === parts.length - 2;
      if (last) {
        node.entries.set(part.toLowerCase(), { key: part, node: { kind: "value", value } });
        break;
      }
      let next: Node | undefined = node.entries.get(part.toLowerCase())?.node;
      if (!next || next.kind !== "object") {
        next = { kind: "object", complete: false, entries: new Map() };
        node.entries.set(part.toLowerCase(), { key: part, node: next });
      }
      node = next;
    }
  }
  // `github` has a fixed set of properties whether or not any is given.
  if (!roots.has("github")) roots.set("github", { kind: "object", complete: false, entries: new Map() });
  const contexts: Partial<Record<ContextName, Value>> = {};
  for (const [name, node] of roots) contexts[name as ContextName] = toValue(node, name);
  return { contexts, errors };
}
