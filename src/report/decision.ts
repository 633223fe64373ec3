import type { Decision } from "../gitlab-ci/pipeline.js";
import { code, trusted, type Inline } from "./document.js";
import { location } from "./location.js";
import type { ReportOptions } from "./options.js";
import { plural } from "./wording.js";

/**
 * `rule 4`: counted from 1, as a person counts the entries of a `rules:` list and as the
 * simulator's diagnostics and text output say it. Only JSON keeps the 0-based `index`.
 */
export function ruleLabel(index: number): string {
  return `rule ${index + 1}`;
}

/**
 * Which rule decided, with its file:line and `if:` text: the "why" of a job.
 * GitLab checks rules in order and the first match wins; no match means the job is not
 * added (job rules docs), which is said as such.
 */
export function describeDecision(decision: Decision, options: ReportOptions, side: "base" | "head" = "head"): Inline {
  const rule = decision.rule;
  switch (decision.kind) {
    case "rules":
    case "workflow": {
      const prefix = decision.kind === "workflow" ? "workflow " : "";
      if (!rule) {
        const last = decision.trace[decision.trace.length - 1];
        return [
          trusted(`no ${prefix}rule matched (${plural(decision.trace.length, "rule")} checked`),
          ...(last ? [trusted(", last at "), location(last.pos, options, side)] : []),
          trusted(")"),
        ];
      }
      const out: Inline = [trusted(`${prefix}${ruleLabel(rule.index)} at `), location(rule.pos, options, side)];
      if (rule.if !== undefined) out.push(trusted(" "), code(`if: ${rule.if}`));
      else out.push(trusted(" (no if:)"));
      if (rule.when) out.push(trusted(" → "), code(`when: ${rule.when}`));
      return out;
    }
    case "only-except":
      return [trusted("only/except: "), decision.explanation ?? "matched"];
    case "default":
      return [trusted("no rules: the job's own "), code("when")];
  }
}
