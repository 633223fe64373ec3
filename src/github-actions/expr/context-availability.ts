import type { ContextName, ExprScope } from "./evaluate.js";

/**
 * Which contexts each workflow key may read ("Contexts reference", context availability, on
 * docs.github.com). GitHub refuses a workflow whose expression reads another context there
 * ("Unrecognized named-value"); `env`, for one, is not available in a job's own `env:`, `if:`,
 * `name:`, `container:` or `concurrency:`.
 */
const STEP: readonly ContextName[] = ["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "secrets", "steps", "inputs"];

export const CONTEXT_AVAILABILITY = {
  concurrency: ["github", "inputs", "vars"],
  env: ["github", "secrets", "inputs", "vars"],
  "jobs.<job_id>.concurrency": ["github", "needs", "strategy", "matrix", "inputs", "vars"],
  "jobs.<job_id>.container": ["github", "needs", "strategy", "matrix", "vars", "inputs"],
  "jobs.<job_id>.continue-on-error": ["github", "needs", "strategy", "vars", "matrix", "inputs"],
  "jobs.<job_id>.env": ["github", "needs", "strategy", "matrix", "vars", "secrets", "inputs"],
  "jobs.<job_id>.if": ["github", "needs", "vars", "inputs"],
  "jobs.<job_id>.name": ["github", "needs", "strategy", "matrix", "vars", "inputs"],
  "jobs.<job_id>.services": ["github", "needs", "strategy", "matrix", "vars", "inputs"],
  "jobs.<job_id>.strategy": ["github", "needs", "vars", "inputs"],
  "jobs.<job_id>.with.<with_id>": ["github", "needs", "strategy", "matrix", "inputs", "vars"],
  "jobs.<job_id>.steps.env": STEP,
  "jobs.<job_id>.steps.if": STEP.filter((c) => c !== "secrets"),
  "jobs.<job_id>.steps.run": STEP,
  "jobs.<job_id>.steps.with": STEP,
} as const satisfies Record<string, readonly ContextName[]>;

export type WorkflowKey = keyof typeof CONTEXT_AVAILABILITY;

/** `scope` as evaluated at `key`: reading a context not available there is an error. */
export function scopeAt(scope: ExprScope, key: WorkflowKey): ExprScope {
  return { ...scope, available: { key, names: CONTEXT_AVAILABILITY[key] } };
}
