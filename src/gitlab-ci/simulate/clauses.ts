import { error } from "../../core/diagnostic.js";
import type { PipelineContext } from "../context.js";
import type { ResolvedVar, UnknownInput } from "../pipeline.js";
import { evaluateConditionInScope, evaluateConditionInWorld } from "./condition.js";
import type { ClauseEvaluator, ClauseOutcome } from "./evaluate-rules.js";
import { existsOutcome, ruleChangesOutcome } from "./match-paths.js";
import { resolveScope } from "./resolve-variables.js";
import type { VarEntry, VarLookup, VarScope } from "./variable-entry.js";
import type { Pos } from "../../core/pos.js";

/**
 * Everything the clauses of a rule may look at in one evaluation context: the raw variables
 * (for `if:`), their expanded values (for `changes:`/`exists:` paths, computed only when
 * needed), the pipeline context and the revision's file list.
 */
export interface ClauseScope {
  /** A whole scope, or a job's layers (then `expanded` says how its variables expand). */
  scope: VarScope | VarLookup;
  /** The expanded variables, when `scope` is not a whole scope to resolve. */
  expanded?: () => Record<string, ResolvedVar>;
  context: PipelineContext;
  /** Every file of the revision; undefined when not available. */
  files: string[] | undefined;
}

export function ifOutcome(text: string, scope: VarLookup, pos: Pos): ClauseOutcome {
  const r = evaluateConditionInScope(text, scope);
  const note = r.unknowns.length ? `not known statically: ${r.unknowns.map((u) => `$${u}`).join(", ")}` : undefined;
  return {
    result: r.result,
    reads: r.reads,
    ...(note ? { note, unknowns: r.unknowns.map((name) => variableInput(name, scope.get(name))) } : {}),
    ...(r.error ? { error: error("expression-syntax", `invalid rules:if expression \`${text}\`: ${r.error.message} (column ${r.error.col})`, pos) } : {}),
  };
}

/** An unknown variable as an input of an answer, with what is known of its values. */
export function variableInput(name: string, entry: VarEntry | undefined): UnknownInput {
  return {
    kind: "variable",
    name,
    why: entry?.unknown ?? "not known statically",
    ...(entry?.maybeAbsent ? { maybeAbsent: true } : {}),
    ...(entry?.nonEmpty ? { nonEmpty: true } : {}),
  };
}

export function clauseEvaluator(s: ClauseScope): ClauseEvaluator {
  const variables = expandedVariables(s);
  return {
    if: (rule, text) => ifOutcome(text, s.scope, rule.if?.pos ?? rule.pos),
    ifInWorld: (_rule, text, world) => evaluateConditionInWorld(text, s.scope, world),
    changes: (_rule, changes) => ruleChangesOutcome(changes, s.context, variables()),
    exists: (_rule, exists) => existsOutcome(exists, s.context, variables(), s.files),
  };
}

/** The scope's expanded variables, computed at most once and only when a clause needs them. */
export function expandedVariables(s: ClauseScope): () => Record<string, ResolvedVar> {
  if (s.expanded) return s.expanded;
  const scope = s.scope;
  let expanded: Record<string, ResolvedVar> | undefined;
  return () => (expanded ??= resolveScope(scope instanceof Map ? scope : new Map()).variables);
}
