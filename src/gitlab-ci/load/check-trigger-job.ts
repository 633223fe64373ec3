import type { YMap } from "../yaml/node.js";
import type { NodeReader } from "./node-reader.js";

/**
 * The keywords a trigger job may have (Entry::Bridge ALLOWED_KEYS + Processable
 * PROCESSABLE_ALLOWED_KEYS). A trigger job runs no script and no container, so `script`, `image`,
 * `tags`, ... make GitLab reject the configuration. `default:` keywords are not inherited by
 * trigger jobs, so they are checked before defaults apply (after `extends`).
 */
const TRIGGER_JOB_KEYWORDS = [
  "trigger", "parallel", "extends", "stage", "only", "except", "rules", "variables", "inherit",
  "allow_failure", "when", "needs", "resource_group", "environment", "interruptible",
];

/** Entry::Bridge ALLOWED_WHEN: no `delayed`. */
const TRIGGER_JOB_WHEN = ["on_success", "on_failure", "always", "manual"];

export function checkTriggerJob(name: string, job: YMap, reader: NodeReader): void {
  const unknown = [...job.entries.values()].filter((e) => !TRIGGER_JOB_KEYWORDS.includes(e.key));
  if (unknown.length > 0) {
    reader.error(
      "config-invalid",
      // GitLab's wording (AllowedKeysValidator), so it reads like CI Lint.
      `jobs:${name} config contains unknown keys: ${unknown.map((e) => e.key).join(", ")} (a trigger job runs no script and no image)`,
      unknown[0]?.keyPos,
    );
  }
  const when = job.entries.get("when");
  if (when?.value.kind === "scalar" && typeof when.value.value === "string" && !TRIGGER_JOB_WHEN.includes(when.value.value)) {
    reader.error("invalid-value", `jobs:${name} when should be one of: ${TRIGGER_JOB_WHEN.join(", ")}`, when.value.pos);
  }
}
