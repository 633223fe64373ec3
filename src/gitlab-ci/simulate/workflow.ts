import type { Diagnostic } from "../../core/diagnostic.js";
import type { WorkflowDef } from "../model.js";
import type { Decision, Pipeline } from "../pipeline.js";
import { clauseEvaluator, type ClauseScope } from "./clauses.js";
import { evaluateRules, outcomeIsCertain } from "./evaluate-rules.js";
import { workflowRuleEffect } from "./rule-effect.js";
import { entriesFromDefs, type VarEntry } from "./variable-entry.js";

export interface WorkflowOutcome {
  created: boolean;
  notCreated?: Pipeline["notCreated"];
  decision?: Decision;
  /** The matched rule's `variables:`: they become pipeline-level defaults. */
  variables: VarEntry[];
  uncertain: boolean;
  errors: Diagnostic[];
}

/**
 * `workflow:rules` (ci/yaml#workflowrules): evaluated before any job. The first matching rule
 * decides; no match, or a match with `when: never`, means no pipeline. The matched rule's
 * variables override top-level `variables:` (job variables still override them). Workflow rules
 * see top-level YAML variables but no job variables (Build::Context::Global).
 */
export function evaluateWorkflow(workflow: WorkflowDef | undefined, scope: ClauseScope): WorkflowOutcome {
  if (!workflow?.rules) return { created: true, variables: [], uncertain: false, errors: [] };
  const outcome = evaluateRules(workflow.rules, clauseEvaluator(scope));
  const uncertain = !outcomeIsCertain(outcome, workflowRuleEffect);
  const rule = outcome.matched;
  if (!rule) {
    return {
      created: false,
      notCreated: { reason: "workflow-no-match", message: "Pipeline filtered out by workflow rules: no rule matches.", pos: workflow.pos },
      decision: { kind: "workflow", trace: outcome.trace },
      variables: [],
      uncertain,
      errors: outcome.errors,
    };
  }
  const when = rule.when?.value;
  const decision: Decision = {
    kind: "workflow",
    rule: { index: rule.index, pos: rule.pos, ...(rule.if ? { if: rule.if.value } : {}), ...(when ? { when } : {}) },
    trace: outcome.trace,
  };
  if (when === "never") {
    return {
      created: false,
      notCreated: { reason: "workflow-never", message: "Pipeline filtered out by workflow rules: the matching rule says `when: never`.", pos: rule.pos },
      decision,
      variables: [],
      uncertain,
      errors: outcome.errors,
    };
  }
  return {
    created: true,
    decision,
    variables: entriesFromDefs(rule.variables, "workflow-rule"),
    uncertain,
    errors: outcome.errors,
  };
}
