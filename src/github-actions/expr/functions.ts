import {
  FilteredArray,
  ObjectValue,
  Unknown,
  fromPlain,
  isUnknown,
  looseEquals,
  toPlain,
  toText,
  truthiness,
  unknownOf,
  type Value,
} from "./value.js";

/** A user error inside an expression (bad arguments, invalid JSON). */
export class ExprEvalError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** What the status functions answer for the job being decided. */
export interface JobStatus {
  /** success(): every job in `needs` succeeded (unknown when one only may run). */
  success: boolean | "unknown";
  /** failure(): some job in `needs` failed. A static prediction follows the success path. */
  failure: boolean | "unknown";
  cancelled: boolean | "unknown";
}

type Fn = (args: Value[], offset: number, status: JobStatus) => Value;

function statusValue(v: boolean | "unknown", name: string): Value {
  return v === "unknown" ? new Unknown([`${name}()`]) : v;
}

function str(v: Value): string | Unknown {
  return isUnknown(v) ? v : toText(v);
}

function caseInsensitive(fn: (a: string, b: string) => boolean): Fn {
  return ([a, b]) => {
    const x = str(a);
    const y = str(b);
    if (isUnknown(x) || isUnknown(y)) return unknownOf(x, y);
    return fn(x.toUpperCase(), y.toUpperCase());
  };
}

const FUNCTIONS: Record<string, { min: number; max: number; fn: Fn }> = {
  contains: {
    min: 2,
    max: 2,
    // An array: any element loosely equal to the item. Otherwise: a case-insensitive substring.
    fn: ([search, item]) => {
      if (Array.isArray(search)) {
        let sawUnknown = false;
        for (const el of search) {
          const eq = looseEquals(el, item);
          if (eq === true) return true;
          if (isUnknown(eq)) sawUnknown = true;
        }
        return sawUnknown ? unknownOf(item, ...search) : false;
      }
      return caseInsensitive((a, b) => a.includes(b))([search, item], 0, ALWAYS_OK);
    },
  },
  startswith: { min: 2, max: 2, fn: caseInsensitive((a, b) => a.startsWith(b)) },
  endswith: { min: 2, max: 2, fn: caseInsensitive((a, b) => a.endsWith(b)) },
  format: {
    min: 1,
    max: Infinity,
    fn: ([fmt, ...rest], offset) => {
      const f = str(fmt);
      if (isUnknown(f)) return f;
      const args = rest.map(str);
      let out = "";
      const unknowns: Value[] = [];
      for (let i = 0; i < f.length; i++) {
        const ch = f[i];
        if (ch === "{" && f[i + 1] === "{") {
          out += "{";
          i++;
        } else if (ch === "}" && f[i + 1] === "}") {
          out += "}";
          i++;
        } else if (ch === "{") {
          const m = /^\{(\d+)\}/.exec(f.slice(i));
          if (!m) throw new ExprEvalError(`format: invalid format string '${f}'`, offset);
          const idx = Number(m[1]);
          if (idx >= args.length) throw new ExprEvalError(`format: '{${idx}}' has no argument`, offset);
          const a = args[idx];
          if (isUnknown(a)) unknowns.push(a);
          else out += a;
          i += m[0].length - 1;
        } else if (ch === "}") {
          throw new ExprEvalError(`format: unbalanced '}' in '${f}'`, offset);
        } else {
          out += ch;
        }
      }
      return unknowns.length ? unknownOf(...unknowns) : out;
    },
  },
  join: {
    min: 1,
    max: 2,
    fn: ([array, sep]) => {
      const s = sep === undefined ? "," : str(sep);
      if (isUnknown(s)) return s;
      if (Array.isArray(array)) {
        const parts = array.map(str);
        const u = parts.filter(isUnknown);
        return u.length ? unknownOf(...u) : (parts as string[]).join(s);
      }
      return str(array);
    },
  },
  tojson: {
    min: 1,
    max: 1,
    fn: ([v]) => {
      const plain = toPlain(v);
      return plain === undefined ? unknownOf(v) : JSON.stringify(plain, null, 2);
    },
  },
  fromjson: {
    min: 1,
    max: 1,
    fn: ([v], offset) => {
      const s = str(v);
      if (isUnknown(s)) return s;
      try {
        return fromPlain(JSON.parse(s));
      } catch {
        throw new ExprEvalError(`fromJSON: '${s}' is not valid JSON`, offset);
      }
    },
  },
  // The files' content is not read: the hash is never known statically.
  hashfiles: { min: 1, max: Infinity, fn: (args) => new Unknown([`hashFiles(${args.map((a) => (typeof a === "string" ? `'${a}'` : "…")).join(", ")})`]) },
  // case(pred1, value1, pred2, value2, ..., default): the first true predicate's value.
  case: {
    min: 3,
    max: Infinity,
    fn: (args, offset) => {
      if (args.length % 2 === 0) throw new ExprEvalError("case: needs predicate/value pairs and a default (an odd number of arguments)", offset);
      for (let i = 0; i + 1 < args.length; i += 2) {
        const p = args[i];
        if (typeof p !== "boolean" && !isUnknown(p)) throw new ExprEvalError("case: predicates must be booleans", offset);
        if (isUnknown(p)) return unknownOf(p);
        if (p) return args[i + 1];
      }
      return args[args.length - 1];
    },
  },
  success: { min: 0, max: 0, fn: (_a, _o, s) => statusValue(s.success, "success") },
  always: { min: 0, max: 0, fn: () => true },
  failure: { min: 0, max: 0, fn: (_a, _o, s) => statusValue(s.failure, "failure") },
  cancelled: { min: 0, max: 0, fn: (_a, _o, s) => statusValue(s.cancelled, "cancelled") },
};

const ALWAYS_OK: JobStatus = { success: true, failure: false, cancelled: false };

export function callFunction(name: string, args: Value[], offset: number, status: JobStatus): Value {
  const def = FUNCTIONS[name.toLowerCase()];
  if (!def) throw new ExprEvalError(`unknown function '${name}'`, offset);
  if (args.length < def.min || args.length > def.max) {
    const want = def.min === def.max ? `${def.min}` : def.max === Infinity ? `at least ${def.min}` : `${def.min} to ${def.max}`;
    throw new ExprEvalError(`${name}() takes ${want} argument(s), got ${args.length}`, offset);
  }
  return def.fn(args, offset, status);
}

/** `x.*` on an object or array. */
export function starOf(v: Value): Value {
  if (isUnknown(v)) return v;
  if (Array.isArray(v)) return FilteredArray.from(v) as FilteredArray;
  if (v instanceof ObjectValue) return FilteredArray.from(v.entries().map(([, x]) => x)) as FilteredArray;
  return new FilteredArray();
}

export { truthiness };
