import type { Diagnostic } from "../../core/diagnostic.js";
import type { WorkflowDef } from "../model.js";
import type { Decision, Pipeline, UnknownInput } from "../pipeline.js";
import { clauseEvaluator, type ClauseScope } from "./clauses.js";
import { EXCLUDED, evaluateRules, outcomeEffect } from "./evaluate-rules.js";
import { workflowRuleEffect } from "./rule-effect.js";
import { entriesFromDefs, type VarEntry } from "./variable-entry.js";

export interface WorkflowOutcome {
  created: boolean;
  notCreated?: Pipeline["notCreated"];
  decision?: Decision;
  /** The matched rule's `variables:`: they become pipeline-level defaults. */
  variables: VarEntry[];
  /** Another rule, depending on unknown inputs, may decide (the pipeline, or its variables, may differ). */
  uncertain: boolean;
  /** Whether the pipeline is created at all depends on unknown inputs. */
  creationUncertain: boolean;
  /** The unknown inputs that make it uncertain. */
  unknowns: UnknownInput[];
  errors: Diagnostic[];
}

/**
 * `workflow:rules` (ci/yaml#workflowrules): evaluated before any job. The first matching rule
 * decides; no match, or a match with `when: never`, means no pipeline. The matched rule's
 * variables override top-level `variables:` (job variables still override them). Workflow rules
 * see top-level YAML variables but no job variables (Build::Context::Global).
 */
export function evaluateWorkflow(workflow: WorkflowDef | undefined, scope: ClauseScope): WorkflowOutcome {
  if (!workflow?.rules) return { created: true, variables: [], uncertain: false, creationUncertain: false, unknowns: [], errors: [] };
  const outcome = evaluateRules(workflow.rules, clauseEvaluator(scope));
  const { certain, presence } = outcomeEffect(outcome, workflowRuleEffect);
  const certainty = { uncertain: !certain, creationUncertain: presence === "uncertain", unknowns: certain ? [] : outcome.unknowns };
  // A pipeline GitLab may or may not create is simulated as created, so its jobs are shown.
  const rule = presence === "uncertain" ? outcome.possible.find((r) => workflowRuleEffect(r) !== EXCLUDED) : outcome.matched;
  if (!rule) {
    return {
      created: false,
      notCreated: { reason: "workflow-no-match", message: "Pipeline filtered out by workflow rules: no rule matches.", pos: workflow.pos },
      decision: { kind: "workflow", trace: outcome.trace },
      variables: [],
      ...certainty,
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
      ...certainty,
      errors: outcome.errors,
    };
  }
  return {
    created: true,
    decision,
    variables: entriesFromDefs(rule.variables, "workflow-rule"),
    ...certainty,
    errors: outcome.errors,
  };
}
