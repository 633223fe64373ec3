import type { RuleDef } from "../model.js";
import { conditionNames, factKey } from "./condition.js";
import { evaluateRules, type ClauseEvaluator, type RulesOutcome } from "./evaluate-rules.js";
import type { VarEntry, VarLookup } from "./variable-entry.js";

/**
 * Whole `rules:` evaluations remembered within one pipeline. Thousands of jobs share one rules
 * list (`extends` or `!reference` of a template), and with only `if:` clauses its outcome is a
 * pure function of the list and of what the job's scope says about the variables those `if:`s
 * name — usually pipeline-level ones, the same for every job. The outcome (and its trace) is then
 * shared between jobs: callers must not change it.
 *
 * A list with `changes:` or `exists:` is evaluated every time (those read expanded variables,
 * the context and the file list).
 */
interface Shape {
  /** The variables the conditions name, each with its position in the list of names. */
  names: Map<string, number>;
}

/**
 * A job's variables as layers: its own entries (`null`: absent for this job) over one table that
 * is the same for every job of the pipeline.
 */
export interface LayeredLookup extends VarLookup {
  readonly own: ReadonlyMap<string, VarEntry | null>;
}

/** Kept across pipelines: a loaded job's rules list is simulated in every context. */
const shapes = new WeakMap<RuleDef[], Shape | null>();
/** Equal for lists of the same written rules (each rule's position and `if:`), so jobs of one load share outcomes. */
const shapeIds = new Map<string, Shape>();

export class RulesMemo {
  private readonly outcomes = new Map<Shape, Map<string, RulesOutcome>>();

  /**
   * One memo serves one pipeline: a name the job's own entries do not touch reads the pipeline's
   * table, the same for every job, so the key is only what the job's own entries say about the
   * names its conditions read ("" for most jobs).
   */
  evaluate<S extends LayeredLookup>(rules: RuleDef[], scope: S, clauses: (scope: S) => ClauseEvaluator): RulesOutcome {
    const shape = shapeOf(rules);
    if (!shape) return evaluateRules(rules, clauses(scope));
    let key = "";
    for (const [name, entry] of scope.own) {
      const index = shape.names.get(name);
      if (index !== undefined) key += `${index}${factKey(entry ?? undefined)}`;
    }
    let byKey = this.outcomes.get(shape);
    if (!byKey) this.outcomes.set(shape, (byKey = new Map()));
    let outcome = byKey.get(key);
    if (!outcome) byKey.set(key, (outcome = evaluateRules(rules, clauses(scope))));
    return outcome;
  }
}

/**
 * The list's identity within one configuration (each rule's position and text: within one
 * load, the same position is the same written rule) and the variables its conditions name.
 */
function shapeOf(rules: RuleDef[]): Shape | null {
  const known = shapes.get(rules);
  if (known !== undefined) return known;
  let text = "";
  for (const r of rules) {
    if (r.changes || r.exists) {
      shapes.set(rules, null);
      return null;
    }
    text += `${r.pos.file}:${r.pos.line}:${r.pos.col ?? ""}:${r.if?.value ?? ""}\n`;
  }
  let shape = shapeIds.get(text);
  if (!shape) {
    const names = new Map<string, number>();
    for (const r of rules) if (r.if) for (const n of conditionNames(r.if.value)) if (!names.has(n)) names.set(n, names.size);
    shapeIds.set(text, (shape = { names }));
  }
  shapes.set(rules, shape);
  return shape;
}
