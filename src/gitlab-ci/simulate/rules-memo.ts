import type { Pos } from "../../core/pos.js";
import type { RuleDef } from "../model.js";
import { conditionNames, factKey } from "./condition.js";
import { evaluateRules, type ClauseEvaluator, type RulesOutcome } from "./evaluate-rules.js";
import type { OwnEntries } from "./job-variables.js";
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
export interface Shape {
  /** The variables the conditions name, each with its position in the list of names. */
  names: Map<string, number>;
}

/**
 * A job's variables as layers: its own entries (`null`: absent for this job) over one table that
 * is the same for every job of the pipeline.
 */
export interface LayeredLookup extends VarLookup {
  readonly own: OwnEntries;
}

export class RulesMemo {
  private readonly outcomes = new Map<Shape, Map<string, RulesOutcome>>();

  constructor(private readonly shapes: RuleShapes) {}

  /**
   * One memo serves one pipeline: a name the job's own entries do not touch reads the pipeline's
   * table, the same for every job, so the key is only what the job's own entries say about the
   * names its conditions read ("" for most jobs).
   */
  evaluate<S extends LayeredLookup>(rules: RuleDef[], scope: S, clauses: (scope: S) => ClauseEvaluator, shape: Shape | null = this.shapes.of(rules)): RulesOutcome {
    if (!shape) return evaluateRules(rules, clauses(scope));
    const key = scope.own.derive(shape, ownKey);
    let byKey = this.outcomes.get(shape);
    if (!byKey) this.outcomes.set(shape, (byKey = new Map()));
    let outcome = byKey.get(key);
    if (!outcome) byKey.set(key, (outcome = evaluateRules(rules, clauses(scope))));
    return outcome;
  }
}

/** What a job's own entries say about the names a shape's conditions read (remembered per map by `derive`). */
function ownKey(own: OwnEntries, shape: Shape): string {
  let key = "";
  for (const [name, entry] of own) {
    const index = shape.names.get(name);
    if (index !== undefined) key += `${index}${factKey(entry ?? undefined)}`;
  }
  return key;
}

/** One step of a rules list: the rule's position, then its `if:` text. */
interface ShapeStep {
  shape?: Shape;
  next: Map<Pos, Map<string, ShapeStep>>;
}

/**
 * The rules lists of one loaded configuration by what they are written as: lists of the same
 * written rules (each rule's position and `if:` text, in order; within one load, the same
 * position is the same written rule) get one shape, so their jobs share outcomes. A list with
 * `changes:` or `exists:` has none. The lists are walked as a tree keyed by position objects,
 * which the loader shares between the jobs that inherit one rule (positions equal in value are
 * made one object first), instead of building a text per list.
 */
export class RuleShapes {
  private readonly known = new WeakMap<RuleDef[], Shape | null>();
  private readonly root: ShapeStep = { next: new Map() };
  private readonly positions = new WeakMap<Pos, Pos>();
  private readonly positionsByValue = new Map<string, Pos>();

  of(rules: RuleDef[]): Shape | null {
    const known = this.known.get(rules);
    if (known !== undefined) return known;
    let step = this.root;
    for (const r of rules) {
      if (r.changes || r.exists) {
        this.known.set(rules, null);
        return null;
      }
      const pos = this.canonical(r.pos);
      let byIf = step.next.get(pos);
      if (!byIf) step.next.set(pos, (byIf = new Map()));
      const text = r.if?.value ?? "";
      let next = byIf.get(text);
      if (!next) byIf.set(text, (next = { next: new Map() }));
      step = next;
    }
    if (!step.shape) {
      const names = new Map<string, number>();
      for (const r of rules) if (r.if) for (const n of conditionNames(r.if.value)) if (!names.has(n)) names.set(n, names.size);
      step.shape = { names };
    }
    this.known.set(rules, step.shape);
    return step.shape;
  }

  private canonical(pos: Pos): Pos {
    let same = this.positions.get(pos);
    if (!same) {
      const key = `${pos.file}:${pos.line}:${pos.col ?? ""}`;
      same = this.positionsByValue.get(key);
      if (!same) this.positionsByValue.set(key, (same = pos));
      this.positions.set(pos, same);
    }
    return same;
  }
}
