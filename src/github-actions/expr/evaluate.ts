import { ExprSyntaxError } from "./lexer.js";
import { callFunction, ExprEvalError, starOf, type JobStatus } from "./functions.js";
import { parseExpression, pathText, type Expr } from "./parser.js";
import {
  FilteredArray,
  ObjectValue,
  Unknown,
  compare,
  isUnknown,
  looseEquals,
  toNumber,
  toText,
  truthiness,
  type Value,
} from "./value.js";

/** The named values an expression may read (GitHub's "contexts"). */
export const CONTEXT_NAMES = ["github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix", "needs", "inputs"] as const;
export type ContextName = (typeof CONTEXT_NAMES)[number];

export interface ExprScope {
  /** A context left out is Unknown as a whole (e.g. `secrets`, `steps`, `runner`). */
  contexts: Partial<Record<ContextName, Value>>;
  status: JobStatus;
  /**
   * The contexts the workflow key being evaluated may read, and that key ("Contexts
   * reference", context availability): reading another is an error there, as GitHub reports it
   * when it reads the workflow. Absent: every context may be read.
   */
  available?: { key: string; names: readonly ContextName[] };
}

export type EvalOutcome =
  | { ok: true; value: Value; reads: Record<string, string | null> }
  | { ok: false; message: string; offset: number };

/** Parse and evaluate; syntax and evaluation errors come back as values with an offset. */
export function evaluateExpressionText(text: string, scope: ExprScope): EvalOutcome {
  let expr: Expr;
  try {
    expr = parseExpression(text);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
  return evaluateExpression(expr, scope);
}

export function evaluateExpression(expr: Expr, scope: ExprScope): EvalOutcome {
  const reads: Record<string, string | null> = {};
  try {
    const value = new Evaluator(scope, reads).eval(expr);
    return { ok: true, value, reads };
  } catch (e) {
    if (e instanceof ExprEvalError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

class Evaluator {
  constructor(
    private readonly scope: ExprScope,
    private readonly reads: Record<string, string | null>,
  ) {}

  eval(expr: Expr): Value {
    const v = this.evalInner(expr);
    this.record(expr, v);
    return v;
  }

  /** Remember the scalar values the expression read, to show next to the decision. */
  private record(expr: Expr, v: Value): void {
    if (expr.kind !== "context" && expr.kind !== "property" && expr.kind !== "index") return;
    const path = pathText(expr);
    if (path === undefined) return;
    if (isUnknown(v)) this.reads[path] = "(unknown)";
    else if (v === null) this.reads[path] = null;
    else if (typeof v !== "object") this.reads[path] = toText(v);
  }

  private evalInner(expr: Expr): Value {
    switch (expr.kind) {
      case "literal":
        return expr.value;
      case "context": {
        const name = expr.name.toLowerCase() as ContextName;
        if (!(CONTEXT_NAMES as readonly string[]).includes(name)) {
          throw new ExprEvalError(`unrecognized named-value '${expr.name}'`, expr.offset);
        }
        if (this.scope.available && !this.scope.available.names.includes(name)) {
          throw new ExprEvalError(`unrecognized named-value '${expr.name}': ${this.scope.available.key} may read only ${this.scope.available.names.join(", ")}`, expr.offset);
        }
        const v = this.scope.contexts[name];
        return v === undefined ? new Unknown([name]) : v;
      }
      case "property":
        return property(this.eval(expr.object), expr.name);
      case "index": {
        const obj = this.eval(expr.object);
        const idx = this.eval(expr.index);
        return index(obj, idx);
      }
      case "star":
        return starOf(this.eval(expr.object));
      case "call":
        return callFunction(
          expr.name,
          expr.args.map((a) => this.eval(a)),
          expr.offset,
          this.scope.status,
        );
      case "not": {
        const operand = this.eval(expr.operand);
        const t = truthiness(operand);
        return t === "unknown" ? new Unknown(unknownReasons(operand)) : !t;
      }
      case "compare": {
        const a = this.eval(expr.left);
        const b = this.eval(expr.right);
        if (expr.op === "==" || expr.op === "!=") {
          const eq = looseEquals(a, b);
          if (isUnknown(eq)) return eq;
          return expr.op === "==" ? eq : !eq;
        }
        return compare(expr.op, a, b);
      }
      case "logical": {
        // `&&` and `||` return one of their operands, as in JavaScript, and short-circuit.
        const left = this.eval(expr.left);
        const lt = truthiness(left);
        if (expr.op === "&&") {
          if (lt === false) return left;
          const right = this.eval(expr.right);
          if (lt === true) return right;
          const rt = truthiness(right);
          return new Unknown([...unknownReasons(left), ...unknownReasons(right)], rt === false ? false : undefined);
        }
        if (lt === true) return left;
        const right = this.eval(expr.right);
        if (lt === false) return right;
        const rt = truthiness(right);
        return new Unknown([...unknownReasons(left), ...unknownReasons(right)], rt === true ? true : undefined);
      }
    }
  }
}

function unknownReasons(v: Value): readonly string[] {
  return v instanceof Unknown ? v.reasons : [];
}

function property(obj: Value, name: string): Value {
  if (isUnknown(obj)) return new Unknown(obj.reasons.map((r) => `${r}.${name}`));
  if (obj instanceof FilteredArray) {
    // `labels.*.name`: the property of every element that has it.
    const out = new FilteredArray();
    for (const el of obj) {
      if (el instanceof ObjectValue && el.has(name)) out.push(el.get(name));
      else if (el instanceof ObjectValue && el.openAs !== undefined) out.push(el.get(name));
    }
    return out;
  }
  if (obj instanceof ObjectValue) return obj.get(name);
  return null;
}

function index(obj: Value, idx: Value): Value {
  if (isUnknown(obj)) return obj;
  if (isUnknown(idx)) return idx;
  if (Array.isArray(obj) && !(obj instanceof FilteredArray)) {
    const n = toNumber(idx);
    if (!Number.isInteger(n) || n < 0 || n >= obj.length) return null;
    return obj[n];
  }
  if (obj instanceof FilteredArray || obj instanceof ObjectValue) return property(obj, toText(idx));
  return null;
}
