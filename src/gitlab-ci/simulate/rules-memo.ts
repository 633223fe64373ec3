import { variablesIn } from "../expr/index.js";
import type { RuleDef } from "../model.js";
import { parseConditionCached, factKey } from "./condition.js";
import { evaluateRules, type ClauseEvaluator, type RulesOutcome } from "./evaluate-rules.js";
import type { VarLookup } from "./variable-entry.js";

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
  /** Equal for lists of the same written rules (interned, so keys stay short). */
  id: number;
  names: string[];
}

/** Kept across pipelines: a loaded job's rules list is simulated in every context. */
const shapes = new WeakMap<RuleDef[], Shape | null>();
const shapeIds = new Map<string, number>();

export class RulesMemo {
  private readonly outcomes = new Map<string, RulesOutcome>();

  evaluate(rules: RuleDef[], scope: VarLookup, clauses: () => ClauseEvaluator): RulesOutcome {
    const shape = this.shapeOf(rules);
    if (!shape) return evaluateRules(rules, clauses());
    let key = String(shape.id);
    for (const name of shape.names) key += factKey(scope.get(name));
    let outcome = this.outcomes.get(key);
    if (!outcome) this.outcomes.set(key, (outcome = evaluateRules(rules, clauses())));
    return outcome;
  }

  /**
   * The list's identity within one configuration (each rule's position and text: within one
   * load, the same position is the same written rule) and the variables its conditions name.
   */
  private shapeOf(rules: RuleDef[]): Shape | null {
    const known = shapes.get(rules);
    if (known !== undefined) return known;
    let text = "";
    const names = new Set<string>();
    for (const r of rules) {
      if (r.changes || r.exists) {
        shapes.set(rules, null);
        return null;
      }
      text += `${r.pos.file}:${r.pos.line}:${r.pos.col ?? ""}:${r.if?.value ?? ""}\n`;
      if (!r.if) continue;
      const parsed = parseConditionCached(r.if.value);
      if (parsed.ok) for (const n of variablesIn(parsed.expr)) names.add(n);
    }
    let id = shapeIds.get(text);
    if (id === undefined) shapeIds.set(text, (id = shapeIds.size));
    const shape: Shape = { id, names: [...names] };
    shapes.set(rules, shape);
    return shape;
  }
}
