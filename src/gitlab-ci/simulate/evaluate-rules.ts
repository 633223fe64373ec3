import type { Diagnostic } from "../../core/diagnostic.js";
import { everyWorld, type World } from "../expr/worlds.js";
import type { RuleDef } from "../model.js";
import type { Presence, RuleTrace, Truth, UnknownInput } from "../pipeline.js";
import { MAX_WORLDS } from "./condition.js";
import { and3 } from "./truth.js";

/** The result of one clause (`if`, `changes`, `exists`) of a rule. */
export interface ClauseOutcome {
  result: Truth;
  /** For `if:` — the variables it read and the values it saw (`null` = not defined). */
  reads?: Record<string, string | null>;
  /** Why the clause was unknown (or another fact worth showing). */
  note?: string;
  /** The unknown inputs that make the result unknown. */
  unknowns?: UnknownInput[];
  /** An error GitLab would report while evaluating (e.g. an invalid regex in a variable). */
  error?: Diagnostic;
}

/** How the clauses of a rule are evaluated in one context (a job's, a workflow's, an include's). */
export interface ClauseEvaluator {
  if(rule: RuleDef, text: string): ClauseOutcome;
  /** The `if:` in one possible world of the unknown variables (worlds.ts). */
  ifInWorld(rule: RuleDef, text: string, world: World): Truth;
  changes(rule: RuleDef, changes: NonNullable<RuleDef["changes"]>): ClauseOutcome;
  exists(rule: RuleDef, exists: NonNullable<RuleDef["exists"]>): ClauseOutcome;
}

export interface RulesOutcome {
  /**
   * The rule shown as deciding: the first that matches when every question about an unknown
   * value is answered "no" (not set to that text, not matched by that pattern; worlds.ts).
   * Undefined: no rule matches (the job is not added). A caller whose subject may or may not be
   * there shows, from `possible`, an outcome that keeps it (selectByRules).
   */
  matched?: RuleDef;
  /** Every rule evaluated, in order, up to and including the first that surely matches. */
  trace: RuleTrace[];
  /**
   * Every outcome GitLab can reach, whatever the unknown inputs are: the rule that matches first
   * (`undefined`: none). One element when the rules decide for sure.
   */
  possible: Array<RuleDef | undefined>;
  /** The unknown inputs the unknown rules read (empty when `possible` has one element). */
  unknowns: UnknownInput[];
  errors: Diagnostic[];
}

/**
 * `rules:` as GitLab evaluates them (lib/gitlab/ci/build/rules.rb): in order, the first rule
 * whose `if`, `changes` and `exists` all hold wins; a rule with none of them always holds.
 *
 * Each rule is first evaluated on its own, an unknown input giving "unknown". When some rule on
 * the way is unknown, the whole list is evaluated again in every possible world of the unknown
 * inputs (worlds.ts), so that two rules reading one variable are correlated (`$U == "bot"` then
 * `$U != "bot"`: one of them always matches). A `changes:`/`exists:` whose files are not known
 * is a yes/no fact of the world. The outcomes reached are `possible`; we never silently pick.
 */
export function evaluateRules(rules: RuleDef[], clauses: ClauseEvaluator): RulesOutcome {
  const trace: RuleTrace[] = [];
  const errors: Diagnostic[] = [];
  const unknownRules: RuleDef[] = [];
  const unknowns: UnknownInput[] = [];
  /** Per unknown rule, which of its clauses (`if`, `changes`, `exists`) were unknown. */
  const unknownParts = new Map<RuleDef, UnknownClauses>();
  let matched: RuleDef | undefined;
  for (const rule of rules) {
    const parts: ClauseOutcome[] = [];
    const ifPart = rule.if ? clauses.if(rule, rule.if.value) : undefined;
    const changesPart = rule.changes ? clauses.changes(rule, rule.changes) : undefined;
    const existsPart = rule.exists ? clauses.exists(rule, rule.exists) : undefined;
    for (const p of [ifPart, changesPart, existsPart]) if (p) parts.push(p);
    const result = and3(parts.map((p) => p.result));
    const reads: Record<string, string | null> = {};
    for (const p of parts) Object.assign(reads, p.reads ?? {});
    const notes = parts.map((p) => p.note).filter((n): n is string => !!n);
    for (const p of parts) if (p.error) errors.push(p.error);
    trace.push({
      index: rule.index,
      pos: rule.pos,
      ...(rule.if ? { if: rule.if.value } : {}),
      result,
      reads,
      ...(notes.length ? { note: notes.join("; ") } : {}),
    });
    if (result === true) {
      matched = rule;
      break;
    }
    if (result === "unknown") {
      unknownRules.push(rule);
      unknownParts.set(rule, { if: ifPart?.result === "unknown", changes: changesPart?.result === "unknown", exists: existsPart?.result === "unknown" });
      for (const p of parts) if (p.result === "unknown") unknowns.push(...(p.unknowns ?? []));
    }
  }
  if (unknownRules.length === 0) return { ...(matched ? { matched } : {}), trace, possible: [matched], unknowns: [], errors };
  const reached = possibleOutcomes(rules.slice(0, trace.length), trace, unknownParts, clauses);
  // Shown: what GitLab does when every question about an unknown value is answered "no" (the
  // first world), or, with too many worlds, when every unknown rule fails.
  const possible = reached?.possible ?? [...unknownRules, matched];
  const shown = reached ? reached.first : matched;
  return { ...(shown ? { matched: shown } : {}), trace, possible, unknowns: uniqueInputs(unknowns), errors };
}

/** Which clauses of an unknown rule were unknown (the others held). */
interface UnknownClauses {
  if: boolean;
  changes: boolean;
  exists: boolean;
}

/**
 * The rules that can match first, in list order (`undefined` last: none matches), and the one of
 * the first world; undefined when there are too many worlds. `evaluated`: the rules up to the
 * first that surely matches, with their `trace` rows.
 */
function possibleOutcomes(
  evaluated: RuleDef[],
  trace: RuleTrace[],
  unknown: Map<RuleDef, UnknownClauses>,
  clauses: ClauseEvaluator,
): { possible: Array<RuleDef | undefined>; first: RuleDef | undefined } | undefined {
  const reached = everyWorld((world) => {
    for (let i = 0; i < evaluated.length; i++) {
      const rule = evaluated[i] as RuleDef;
      const parts = unknown.get(rule);
      if (parts ? holdsInWorld(rule, parts, clauses, world) : (trace[i] as RuleTrace).result === true) return rule;
    }
    return undefined;
  }, MAX_WORLDS);
  if (!reached) return undefined;
  const set = new Set(reached);
  return { possible: [...evaluated.filter((r) => set.has(r)), ...(set.has(undefined) ? [undefined] : [])], first: reached[0] };
}

/**
 * Whether an unknown rule holds in one world: its `if:` evaluated there; a `changes:`/`exists:`
 * whose files are not known, or an `if:` still unknown in the world, is a fact of the world.
 */
function holdsInWorld(rule: RuleDef, parts: UnknownClauses, clauses: ClauseEvaluator, world: World): boolean {
  const key = `${rule.pos.file}:${rule.pos.line}:${rule.pos.col ?? ""}:${rule.index}`;
  if (parts.if && rule.if) {
    const r = clauses.ifInWorld(rule, rule.if.value, world);
    if (r === false || (r === "unknown" && !world.flag(`if ${key}`))) return false;
  }
  if (parts.changes && !world.flag(`changes ${key}`)) return false;
  if (parts.exists && !world.flag(`exists ${key}`)) return false;
  return true;
}

function uniqueInputs(inputs: UnknownInput[]): UnknownInput[] {
  const seen = new Set<string>();
  return inputs.filter((u) => {
    const key = inputKey(u);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One key per distinct unknown input. */
export function inputKey(u: UnknownInput): string {
  return u.kind === "variable" ? `variable ${u.name}` : u.kind === "include" ? `include ${u.include}` : `fact ${u.why}`;
}

/**
 * What the possible outcomes make of the caller's subject: `effect` says what a rule
 * (`undefined`: no rule matches) does, as a comparable key, and `"excluded"` for leaving it out.
 * Certain when every possible outcome has the same effect; the presence is "absent" or "present"
 * when every outcome leaves it out or keeps it.
 */
export function outcomeEffect(outcome: RulesOutcome, effect: (rule: RuleDef | undefined) => string): { certain: boolean; presence: Presence } {
  let first: string | undefined;
  let certain = true;
  let anyIn = false;
  let anyOut = false;
  for (const rule of outcome.possible) {
    const e = effect(rule);
    if (first === undefined) first = e;
    else if (e !== first) certain = false;
    if (e === EXCLUDED) anyOut = true;
    else anyIn = true;
  }
  return { certain, presence: anyIn && anyOut ? "uncertain" : anyIn ? "present" : "absent" };
}

/** The effect of an outcome that leaves the job (pipeline, file) out. */
export const EXCLUDED = "excluded";
