import type { PipelineContext } from "../context.js";
import type { RuleDef } from "../model.js";
import { clauseEvaluator } from "./clauses.js";
import { evaluateRules, outcomeEffect } from "./evaluate-rules.js";
import { workflowRuleEffect } from "./rule-effect.js";
import { prePipelineVariables, type PredefinedOptions } from "./predefined-variables.js";
import { entriesFromContext, unsetByContext, type VarScope } from "./variable-entry.js";

/**
 * The variables `include:rules` and include paths may use: pre-pipeline predefined variables
 * plus project/group/instance and pipeline variables — never YAML `variables:`, which do not
 * exist yet when includes are resolved (ci/yaml/includes.md, "Use rules with include").
 */
export function prePipelineScope(context: PipelineContext, options: PredefinedOptions = {}): VarScope {
  const scope: VarScope = new Map();
  for (const e of prePipelineVariables(context, options)) scope.set(e.name, e);
  for (const e of entriesFromContext(context.variables)) scope.set(e.name, e);
  for (const name of unsetByContext(context.variables)) scope.delete(name);
  return scope;
}

/** Known pre-pipeline values, for expanding variables in include paths. */
export function includeVariables(context: PipelineContext, options: PredefinedOptions = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, e] of prePipelineScope(context, options)) if (e.unknown === undefined) out[name] = e.raw;
  return out;
}

/**
 * Decides `include:rules` for one context: included when the first matching rule is not
 * `when: never`; not included when no rule matches. "unknown" when an unknown rule came first
 * that would decide otherwise.
 * `files` is the revision's file list for `exists:`; without it, `exists:` is unknown.
 */
export function includeRulesMatch(
  rules: RuleDef[],
  context: PipelineContext,
  files: string[] | undefined,
  options: PredefinedOptions = {},
): boolean | "unknown" {
  const outcome = evaluateRules(rules, clauseEvaluator({ scope: prePipelineScope(context, options), context, files }));
  if (!outcomeEffect(outcome, workflowRuleEffect).certain) return "unknown";
  return !!outcome.matched && outcome.matched.when?.value !== "never";
}
