import type { Diagnostic } from "../../core/diagnostic.js";
import type { RuleDef } from "../model.js";
import type { RuleTrace, Truth } from "../pipeline.js";
import { and3 } from "./truth.js";

/** The result of one clause (`if`, `changes`, `exists`) of a rule. */
export interface ClauseOutcome {
  result: Truth;
  /** For `if:` — the variables it read and the values it saw (`null` = not defined). */
  reads?: Record<string, string | null>;
  /** Why the clause was unknown (or another fact worth showing). */
  note?: string;
  /** An error GitLab would report while evaluating (e.g. an invalid regex in a variable). */
  error?: Diagnostic;
}

/** How the clauses of a rule are evaluated in one context (a job's, a workflow's, an include's). */
export interface ClauseEvaluator {
  if(rule: RuleDef, text: string): ClauseOutcome;
  changes(rule: RuleDef, changes: NonNullable<RuleDef["changes"]>): ClauseOutcome;
  exists(rule: RuleDef, exists: NonNullable<RuleDef["exists"]>): ClauseOutcome;
}

export interface RulesOutcome {
  /** The first rule whose clauses all hold; undefined when none does (the job is not added). */
  matched?: RuleDef;
  /** Every rule evaluated, in order, up to and including the matching one. */
  trace: RuleTrace[];
  /** True when a rule before the decision was unknown (whether that matters: `outcomeIsCertain`). */
  uncertain: boolean;
  /** The rules before the decision whose result was unknown, in order (each might have matched). */
  unknownRules: RuleDef[];
  errors: Diagnostic[];
}

/**
 * `rules:` as GitLab evaluates them (lib/gitlab/ci/build/rules.rb): in order, the first rule
 * whose `if`, `changes` and `exists` all hold wins; a rule with none of them always holds.
 * A rule whose result is unknown is treated as not matching and recorded (`unknownRules`), so
 * the caller can say "unless …" when that rule would decide differently — we never silently pick.
 */
export function evaluateRules(rules: RuleDef[], clauses: ClauseEvaluator): RulesOutcome {
  const trace: RuleTrace[] = [];
  const errors: Diagnostic[] = [];
  const unknownRules: RuleDef[] = [];
  for (const rule of rules) {
    const parts: ClauseOutcome[] = [];
    if (rule.if) parts.push(clauses.if(rule, rule.if.value));
    if (rule.changes) parts.push(clauses.changes(rule, rule.changes));
    if (rule.exists) parts.push(clauses.exists(rule, rule.exists));
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
    if (result === true) return { matched: rule, trace, uncertain: unknownRules.length > 0, unknownRules, errors };
    if (result === "unknown") unknownRules.push(rule);
  }
  return { trace, uncertain: unknownRules.length > 0, unknownRules, errors };
}

/**
 * Whether the outcome is the same whichever way the unknown rules go. GitLab takes the first
 * matching rule, so the possible outcomes are those of the unknown rules and of the rule that
 * decides when they all fail (or no match). `effect` says what a rule (`undefined`: no rule
 * matches) does for the caller, as a comparable key; when every unknown rule does exactly what
 * the deciding one does, which rule matches cannot change the result.
 */
export function outcomeIsCertain(outcome: RulesOutcome, effect: (rule: RuleDef | undefined) => string): boolean {
  if (outcome.unknownRules.length === 0) return true;
  const decided = effect(outcome.matched);
  return outcome.unknownRules.every((rule) => effect(rule) === decided);
}
