import type { Pos } from "../core/pos.js";
import { parseCondition, refComparisons } from "../gitlab-ci/expr/index.js";
import type { CiConfig, OnlyExceptDef, RuleDef } from "../gitlab-ci/model.js";

/** A branch or tag name (or a pattern of them) that the CI configuration tests. */
export interface RefMention {
  /** What is compared: a branch, a tag, or either (`CI_COMMIT_REF_NAME`, `only: refs`). */
  target: "branch" | "tag";
  /** The literal name, or `/pattern/flags`. */
  value: string;
  pattern: boolean;
  pos: Pos;
  /** The `if:` text or `only:` entry it comes from. */
  text: string;
}

/**
 * Only/except `refs:` keywords (not branch names), from GitLab's `Build::Policy::Refs`.
 * `name@group/project` entries keep their branch part.
 */
const REF_KEYWORDS = new Set([
  "branches",
  "tags",
  "merge_requests",
  "schedules",
  "pushes",
  "web",
  "api",
  "triggers",
  "pipelines",
  "external_pull_requests",
  "chat",
  "external",
]);

/**
 * Every branch/tag literal and pattern the configuration tests, in file order, without repeats:
 * `workflow:rules`, job `rules:`, `include:rules` (`if:` comparisons with the ref variables)
 * and `only`/`except` `refs:` and `variables:`.
 */
export function refMentions(config: CiConfig): RefMention[] {
  const out: RefMention[] = [];
  const seen = new Set<string>();
  const add = (m: RefMention) => {
    const key = `${m.target}\0${m.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(m);
  };
  const fromRules = (rules: RuleDef[] | undefined) => {
    for (const rule of rules ?? []) if (rule.if) fromCondition(rule.if.value, rule.if.pos).forEach(add);
  };
  const fromPolicy = (policy: OnlyExceptDef | undefined) => {
    if (!policy) return;
    for (const ref of policy.refs ?? []) {
      const entry = ref.value.split("@")[0];
      if (REF_KEYWORDS.has(entry) || entry === "") continue;
      const pattern = /^\/.+\/[ismU]*$/s.test(entry);
      add({ target: "branch", value: entry, pattern, pos: ref.pos, text: ref.value });
    }
    for (const cond of policy.variables ?? []) fromCondition(cond.value, cond.pos).forEach(add);
  };
  fromRules(config.workflow?.rules);
  for (const include of config.includes) fromRules(include.rules);
  for (const job of config.jobs) {
    fromRules(job.rules);
    fromPolicy(job.only);
    fromPolicy(job.except);
  }
  return out;
}

/**
 * The ref literals and patterns one `if:` compares with (`refComparisons`). `CI_COMMIT_TAG`
 * names a tag; every other ref variable a branch (`CI_COMMIT_REF_NAME` may be either; a branch
 * is the common case in rules).
 */
export function fromCondition(text: string, pos: Pos): RefMention[] {
  const parsed = parseCondition(text);
  if (!parsed.ok) return [];
  return refComparisons(parsed.expr)
    .filter((c) => c.value !== "")
    .map((c) => ({
      target: c.variable === "CI_COMMIT_TAG" ? "tag" : "branch",
      value: c.value,
      pattern: c.kind === "pattern",
      pos,
      text,
    }));
}
