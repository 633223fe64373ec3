import { error, type Diagnostic } from "../../core/diagnostic.js";
import { errorUnlessUnread } from "../load/node-reader.js";
import { hasUnreadIncludes } from "./unread-includes.js";
import type { CiConfig, RuleDef } from "../model.js";
import { parseConditionCached } from "./condition.js";
import { validateNeeds } from "./needs.js";

/**
 * Checks GitLab makes on the whole configuration before any rule runs, independent of the
 * context; any failure rejects the configuration (no pipeline at all):
 * - every `if:` (workflow, job rules, `only/except: variables`) must parse (Entry::Rules::Rule);
 * - `needs:` must name defined jobs in the same or earlier stages;
 * - `when: delayed` needs `start_in`;
 * - there is at least one visible job.
 */
export function validateConfig(config: CiConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  // The owner ("job rule 3", "job only/except") is spelled only for a message: a big
  // configuration has hundreds of thousands of rules.
  const checkIf = (owner: string, rule: RuleDef | undefined, text: string, pos: RuleDef["pos"]) => {
    const p = parseConditionCached(text);
    if (p.ok) return;
    const what = rule ? `${owner} rule ${rule.index + 1}` : `${owner} only/except`;
    out.push(error("expression-syntax", `${what}: invalid expression \`${text}\`: ${p.message} (column ${p.col})`, pos));
  };
  const checkRules = (owner: string, rules: RuleDef[] | undefined) => {
    for (const rule of rules ?? []) {
      if (rule.if) checkIf(owner, rule, rule.if.value, rule.if.pos);
      if (rule.when?.value === "delayed" && !rule.startIn) {
        out.push(error("invalid-value", `${owner} rule ${rule.index + 1}: \`when: delayed\` needs \`start_in\``, rule.when.pos));
      }
    }
  };
  checkRules("workflow", config.workflow?.rules);
  for (const include of config.includes) checkRules(`include ${include.location}`, include.rules);
  for (const job of config.jobs) {
    checkRules(job.name, job.rules);
    for (const policy of [job.only, job.except]) for (const v of policy?.variables ?? []) checkIf(job.name, undefined, v.value, v.pos);
    if (!job.rules && job.when?.value === "delayed" && !job.startIn) {
      out.push(error("invalid-value", `${job.name}: start in should be specified for delayed job`, job.when.pos));
    }
  }
  out.push(...validateNeeds(config));
  // Config::Entry::Jobs: "jobs config should contain at least one visible job" (which an include
  // that was not read may have).
  if (config.jobs.length === 0) {
    const message = "jobs config should contain at least one visible job";
    const at = { file: config.root, line: 1 };
    out.push(errorUnlessUnread(hasUnreadIncludes(config), "config-invalid", message, at));
  }
  return out;
}
