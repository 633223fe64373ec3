import type { Pos } from "../core/pos.js";
import { refComparisons, type Expr } from "../gitlab-ci/expr/index.js";
import { parseConditionCached } from "../gitlab-ci/simulate/condition.js";
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
  // A mention is built only the first time its ref is seen (most rules repeat a template's).
  const fromText = (text: string, pos: Pos) => {
    for (const r of comparedRefs(text)) if (!seen.has(`${r.target}\0${r.value}`)) add({ ...r, pos, text });
  };
  const fromRules = (rules: RuleDef[] | undefined) => {
    for (const rule of rules ?? []) if (rule.if) fromText(rule.if.value, rule.if.pos);
  };
  const fromPolicy = (policy: OnlyExceptDef | undefined) => {
    if (!policy) return;
    for (const ref of policy.refs ?? []) {
      const entry = ref.value.split("@")[0];
      if (REF_KEYWORDS.has(entry) || entry === "") continue;
      const pattern = /^\/.+\/[ismU]*$/s.test(entry);
      add({ target: "branch", value: entry, pattern, pos: ref.pos, text: ref.value });
    }
    for (const cond of policy.variables ?? []) fromText(cond.value, cond.pos);
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
  return comparedRefs(text).map((r) => ({ ...r, pos, text }));
}

type ComparedRef = Pick<RefMention, "target" | "value" | "pattern">;

/**
 * The refs one `if:` text compares with, found once per text: a configuration repeats the same
 * few conditions in hundreds of rules, in both revisions. The parse is the one the simulation
 * uses (`parseConditionCached`), so each distinct text is parsed once per process.
 */
const comparedByExpr = new WeakMap<Expr, ComparedRef[]>();

function comparedRefs(text: string): ComparedRef[] {
  const parsed = parseConditionCached(text);
  if (!parsed.ok) return [];
  let refs = comparedByExpr.get(parsed.expr);
  if (!refs) {
    refs = refComparisons(parsed.expr)
      .filter((c) => c.value !== "")
      .map((c) => ({ target: c.variable === "CI_COMMIT_TAG" ? "tag" : "branch", value: c.value, pattern: c.kind === "pattern" }));
    comparedByExpr.set(parsed.expr, refs);
  }
  return refs;
}
