import type { Pos } from "../../core/pos.js";

/**
 * A YAML value that remembers where it was written. The `yaml` Document is gone after
 * includes, `extends` and `!reference` have merged values from many files, so every node
 * carries its own `{ file, line, col }`, converted once at parse time.
 *
 * Nodes are never mutated after parsing: merges build new maps and share the rest, which
 * is also why an alias can be shared rather than copied.
 */
export type YNode = YScalar | YMap | YSeq | YReference;

export type ScalarValue = string | number | boolean | null;

export interface YScalar {
  kind: "scalar";
  value: ScalarValue;
  /** The plain source text of a number (e.g. `1.0`), so it can be turned into text the way GitLab does. */
  source?: string;
  pos: Pos;
}

export interface YEntry {
  key: string;
  keyPos: Pos;
  value: YNode;
}

export interface YMap {
  kind: "map";
  /** Keys in order; the last duplicate wins, as in GitLab's YAML parser. */
  entries: Map<string, YEntry>;
  pos: Pos;
}

export interface YSeq {
  kind: "seq";
  items: YNode[];
  pos: Pos;
}

/** `!reference [job, key, ...]`: resolved after `extends`, from any file. */
export interface YReference {
  kind: "reference";
  path: string[];
  pos: Pos;
}

export function mapGet(node: YNode | undefined, key: string): YNode | undefined {
  return node?.kind === "map" ? node.entries.get(key)?.value : undefined;
}

export function mapEntry(node: YNode | undefined, key: string): YEntry | undefined {
  return node?.kind === "map" ? node.entries.get(key) : undefined;
}

export function makeMap(entries: Iterable<YEntry>, pos: Pos): YMap {
  const map = new Map<string, YEntry>();
  for (const e of entries) map.set(e.key, e);
  return { kind: "map", entries: map, pos };
}

/** `key: null` (or `key:`) — in GitLab an explicit null removes an inherited value. */
export function isNull(node: YNode | undefined): boolean {
  return node === undefined || (node.kind === "scalar" && node.value === null);
}

/** A short word for messages: "a string", "a list", ... */
export function describeNode(node: YNode): string {
  switch (node.kind) {
    case "map":
      return "a hash";
    case "seq":
      return "a list";
    case "reference":
      return "a !reference";
    case "scalar":
      if (node.value === null) return "null";
      return `a ${typeof node.value}`;
  }
}

/**
 * The text GitLab makes of a scalar where it wants a string (variable values): Ruby's
 * `to_s` of what Psych parsed. Integers print in decimal; floats keep a fraction (`1.0`).
 */
export function scalarText(node: YScalar): string {
  const v = node.value;
  if (v === null) return "";
  if (typeof v === "number") return rubyNumberText(v, node.source);
  return String(v);
}

/** Whether Psych made a Float (not an Integer) of a number's source text. */
function isFloatSource(source: string | undefined): boolean {
  return source !== undefined && /[.eE]/.test(source) && !/^[-+]?0x/i.test(source);
}

/**
 * GitLab's AlphanumericValidator: a String or an Integer (not a Float, boolean or nil). Matrix
 * values and variable names must be alphanumeric; plain `variables:` values may be any scalar.
 */
export function isAlphanumericScalar(node: YScalar): boolean {
  const v = node.value;
  if (typeof v === "string") return true;
  return typeof v === "number" && Number.isInteger(v) && !isFloatSource(node.source);
}

function rubyNumberText(v: number, source: string | undefined): string {
  const isFloat = isFloatSource(source);
  if (!isFloat) return String(v);
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  // Ruby prints whole floats with ".0" and switches to exponent form at 1e16.
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  return String(v).replace(/e\+?/, (m) => (m === "e+" ? "e+" : "e"));
}

/** A plain JSON-like value (from `include:inputs` or a spec default) as a node placed at `pos`. */
export function nodeFromPlain(value: unknown, pos: Pos): YNode {
  if (Array.isArray(value)) return { kind: "seq", items: value.map((v) => nodeFromPlain(v, pos)), pos };
  if (value !== null && typeof value === "object") {
    return makeMap(
      Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, keyPos: pos, value: nodeFromPlain(v, pos) })),
      pos,
    );
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return { kind: "scalar", value, pos };
  return { kind: "scalar", value: null, pos };
}

/** The plain value of a node (a `!reference` becomes its `!reference [..]` text). */
export function nodeToPlain(node: YNode): unknown {
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "seq":
      return node.items.map(nodeToPlain);
    case "map":
      return Object.fromEntries([...node.entries.values()].map((e) => [e.key, nodeToPlain(e.value)]));
    case "reference":
      return `!reference [${node.path.join(", ")}]`;
  }
}
