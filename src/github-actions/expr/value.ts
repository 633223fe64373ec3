/**
 * Values of GitHub's expression language, plus `Unknown`: a value the workflow would see at
 * run time but a static reading cannot (an event payload field, a secret, a step output).
 * Every operation on an Unknown stays Unknown, so a condition that reads one makes its job
 * "may run" instead of a guess.
 *
 * Coercions follow "Evaluate expressions in workflows and actions" (docs.github.com):
 * loose equality compares strings case-insensitively and, when the types differ, both
 * sides as numbers (null → 0, true → 1, '' → 0, other strings parsed, arrays/objects → NaN).
 */
export type Value = null | boolean | number | string | Value[] | ObjectValue | Unknown;

export class Unknown {
  constructor(
    /** What could not be known, e.g. `github.actor`, `secrets.TOKEN`, `hashFiles(...)`. */
    readonly reasons: readonly string[],
    /** Known truthiness of an unknown value (`x && false` is falsy whatever x is). */
    readonly truthy?: boolean,
  ) {}
}

/** An object whose property names compare case-insensitively, as GitHub's do. */
export class ObjectValue {
  private readonly props = new Map<string, { key: string; value: Value }>();

  constructor(
    entries: Iterable<[string, Value]> = [],
    /**
     * When set, properties not listed are Unknown rather than null: the object is only
     * partly known (e.g. `github.event` holds just what the context supplies). A function
     * names the reason for each property itself.
     */
    readonly openAs?: string | ((name: string) => string),
  ) {
    for (const [k, v] of entries) this.props.set(k.toLowerCase(), { key: k, value: v });
  }

  get(name: string): Value {
    const hit = this.props.get(name.toLowerCase());
    if (hit) return hit.value;
    if (this.openAs === undefined) return null;
    return new Unknown([typeof this.openAs === "string" ? `${this.openAs}.${name}` : this.openAs(name)]);
  }

  has(name: string): boolean {
    return this.props.has(name.toLowerCase());
  }

  entries(): Array<[string, Value]> {
    return [...this.props.values()].map((e) => [e.key, e.value]);
  }
}

/** The result of `x.*`: later property accesses apply to every element. */
export class FilteredArray extends Array<Value> {}

export function isUnknown(v: Value): v is Unknown {
  return v instanceof Unknown;
}

export function unknownOf(...values: Value[]): Unknown {
  const reasons = new Set<string>();
  for (const v of values) if (v instanceof Unknown) for (const r of v.reasons) reasons.add(r);
  return new Unknown([...reasons]);
}

export function typeName(v: Value): "null" | "boolean" | "number" | "string" | "array" | "object" | "unknown" {
  if (v === null) return "null";
  if (v instanceof Unknown) return "unknown";
  if (Array.isArray(v)) return "array";
  if (v instanceof ObjectValue) return "object";
  return typeof v as "boolean" | "number" | "string";
}

/** Truthiness: false, 0, -0, '', null and NaN are falsy; everything else (arrays too) is truthy. */
export function truthiness(v: Value): boolean | "unknown" {
  if (v instanceof Unknown) return v.truthy ?? "unknown";
  if (v === null || v === false || v === "") return false;
  if (typeof v === "number") return !(v === 0 || Number.isNaN(v));
  return true;
}

/** String → number the way the runner does: trimmed, '' is 0, decimal/hex/octal/Infinity; else NaN. */
export function parseNumber(text: string): number {
  const s = text.trim();
  if (s === "") return 0;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  const m = /^([+-]?)0x([0-9a-f]+)$/i.exec(s);
  if (m) return (m[1] === "-" ? -1 : 1) * parseInt(m[2], 16);
  const o = /^([+-]?)0o([0-7]+)$/i.exec(s);
  if (o) return (o[1] === "-" ? -1 : 1) * parseInt(o[2], 8);
  if (/^[+]?Infinity$/.test(s)) return Infinity;
  if (s === "-Infinity") return -Infinity;
  return NaN;
}

export function toNumber(v: Exclude<Value, Unknown>): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") return parseNumber(v);
  return NaN;
}

/** The text a value becomes in `${{ }}` and in string functions. */
export function toText(v: Exclude<Value, Unknown>): string {
  if (v === null) return "";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return numberText(v);
  if (typeof v === "string") return v;
  return Array.isArray(v) ? "Array" : "Object";
}

function numberText(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (Object.is(n, -0)) return "0";
  return String(n);
}

function upper(s: string): string {
  return s.toUpperCase();
}

/** `==` with GitHub's coercions. */
export function looseEquals(a: Value, b: Value): boolean | Unknown {
  if (a instanceof Unknown || b instanceof Unknown) return unknownOf(a, b);
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta === tb) {
    if (ta === "string") return upper(a as string) === upper(b as string);
    if (ta === "number") return (a as number) === (b as number);
    return a === b; // null, boolean, and same-instance arrays/objects
  }
  return toNumber(a) === toNumber(b);
}

/** `<`, `<=`, `>`, `>=`: strings compare case-insensitively, mixed types as numbers. */
export function compare(op: "<" | "<=" | ">" | ">=", a: Value, b: Value): boolean | Unknown {
  if (a instanceof Unknown || b instanceof Unknown) return unknownOf(a, b);
  const ta = typeName(a);
  const tb = typeName(b);
  let x: number | string;
  let y: number | string;
  if (ta === "string" && tb === "string") {
    x = upper(a as string);
    y = upper(b as string);
  } else if ((ta === "array" || ta === "object") && ta === tb) {
    return false;
  } else {
    x = toNumber(a);
    y = toNumber(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return false;
  }
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
  }
}

/** A plain JS value (parsed YAML or JSON) as an expression value. */
export function fromPlain(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
  if (v instanceof Unknown || v instanceof ObjectValue) return v;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === "object") return new ObjectValue(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromPlain(x)]));
  return null;
}

/** Back to JSON-able data; undefined when some part is Unknown. */
export function toPlain(v: Value): unknown {
  if (v instanceof Unknown) return undefined;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const p = toPlain(x);
      if (p === undefined) return undefined;
      out.push(p);
    }
    return out;
  }
  if (v instanceof ObjectValue) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v.entries()) {
      const p = toPlain(x);
      if (p === undefined) return undefined;
      out[k] = p;
    }
    return out;
  }
  return v;
}

/** True when an Unknown sits anywhere inside. */
export function containsUnknown(v: Value): boolean {
  if (v instanceof Unknown) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v instanceof ObjectValue) return v.entries().some(([, x]) => containsUnknown(x));
  return false;
}
