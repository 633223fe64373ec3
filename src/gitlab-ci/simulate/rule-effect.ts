import type { JobDef, RuleDef, When } from "../model.js";
import { EXCLUDED } from "./evaluate-rules.js";

/** What a job's matched rule (or no rule, for a job without `rules:`) makes of the job. */
export interface JobRuleResult {
  when: When;
  allowFailure: boolean;
  /** `allow_failure: exit_codes`: a failure with one of these codes does not fail the pipeline. */
  allowFailureExitCodes?: number[];
  startIn?: string;
  interruptible?: boolean;
}

/**
 * A matched rule's attributes over the job's own (Build::Rules::Result): `when` defaults to the
 * job's, then `on_success`. Job-level allow_failure, else true exactly for a job-level
 * `when: manual` (Entry::Job#ignored?); a matched rule's allow_failure wins. So
 * `rules: when: manual` alone gives a blocking manual job.
 */
export function jobRuleResult(job: JobDef, rule: RuleDef | undefined): JobRuleResult {
  const when: When = rule?.when?.value ?? job.when?.value ?? "on_success";
  const jobAllowFailure = job.allowFailure ? job.allowFailure.value.value : job.when?.value === "manual";
  const allowFailure = rule?.allowFailure ? rule.allowFailure.value.value : jobAllowFailure;
  const exitCodes = (rule?.allowFailure ?? job.allowFailure)?.value.exitCodes;
  const startIn = when === "delayed" ? (rule?.startIn?.value ?? job.startIn?.value) : undefined;
  const interruptible = rule?.interruptible?.value ?? job.interruptible?.value;
  return {
    when,
    allowFailure,
    ...(exitCodes?.length ? { allowFailureExitCodes: exitCodes } : {}),
    ...(startIn ? { startIn } : {}),
    ...(interruptible !== undefined ? { interruptible } : {}),
  };
}

/**
 * Everything a matching rule decides about a job, as a comparable key: two rules with the same
 * key give the same job whichever of them matches. `undefined` (no rule matches) and
 * `when: never` both leave the job out.
 */
export function jobRuleEffect(job: JobDef, rule: RuleDef | undefined): string {
  if (!rule) return EXCLUDED;
  const result = jobRuleResult(job, rule);
  if (result.when === "never") return EXCLUDED;
  const needs = (rule.needs ?? job.needs)?.map(({ pos: _pos, ...need }) => need);
  return JSON.stringify({ ...result, variables: variablesKey(rule), needs });
}

/** `workflow:rules` and `include:rules`: whether the pipeline (or file) is in, and with which variables. */
export function workflowRuleEffect(rule: RuleDef | undefined): string {
  if (!rule || rule.when?.value === "never") return EXCLUDED;
  return JSON.stringify(variablesKey(rule));
}

/** A rule's `variables:` by content (not position), in name order. */
function variablesKey(rule: RuleDef): Array<[string, string, boolean]> {
  return rule.variables.map((v): [string, string, boolean] => [v.name, v.value, v.expand]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
