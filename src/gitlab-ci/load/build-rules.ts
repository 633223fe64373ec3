import type { Located } from "../../core/pos.js";
import type { AllowFailure, OnlyExceptDef, RuleDef, When } from "../model.js";
import { isNull, type YMap, type YNode } from "../yaml/node.js";
import { buildNeeds } from "./build-needs.js";
import { buildVariables } from "./build-variables.js";
import { flattenSeq, type NodeReader } from "./node-reader.js";

export const JOB_WHEN: readonly When[] = ["on_success", "on_failure", "always", "manual", "delayed"];
export const RULE_WHEN: readonly When[] = ["on_success", "on_failure", "always", "never", "manual", "delayed"];
/** `workflow:rules` and `include:rules` only decide yes or no. */
export const WORKFLOW_WHEN: readonly When[] = ["always", "never"];

const RULE_KEYS = ["if", "changes", "exists", "when", "start_in", "allow_failure", "variables", "needs", "interruptible", "auto_cancel"];

/**
 * `rules:` of a job, of `workflow:` or of an `include:`. `!reference [.x, rules]` items nest a
 * list inside the list; GitLab flattens one level (docs "Reuse rules").
 */
export function buildRules(node: YNode | undefined, what: string, reader: NodeReader, allowedWhen: readonly When[] = RULE_WHEN): RuleDef[] | undefined {
  if (isNull(node) || !node) return undefined;
  if (node.kind !== "seq") {
    reader.wrongType(what, "a list of rules", node);
    return undefined;
  }
  const { items, tooDeep } = flattenSeq(node.items, 1);
  if (tooDeep) reader.error("invalid-type", `${what} nests lists more than one level deep`, tooDeep.pos);
  const rules: RuleDef[] = [];
  for (const item of items) {
    if (item.kind !== "map") {
      if (item.kind !== "seq") reader.wrongType(`${what} item`, "a hash (if, changes, exists, when, ...)", item);
      continue;
    }
    rules.push(sharedRule(item, rules.length, what, reader, allowedWhen));
  }
  return rules;
}

/**
 * Rules written once and used by many jobs (a template that thousands of jobs `!reference` or
 * `extends`) are the same parsed node in every job, and parsed nodes are never changed. A rule
 * is a function of its node, its index in the list and the `when`s allowed there; `what` only
 * names it in diagnostics. So a rule built without a diagnostic is built once and shared (rules
 * are never changed after loading either); one with a diagnostic is built for each user, so each
 * gets its own message.
 */
const builtRules = new WeakMap<readonly When[], WeakMap<YMap, RuleDef[]>>();

function sharedRule(map: YMap, index: number, what: string, reader: NodeReader, allowedWhen: readonly When[]): RuleDef {
  let byNode = builtRules.get(allowedWhen);
  if (!byNode) builtRules.set(allowedWhen, (byNode = new WeakMap()));
  const byIndex = byNode.get(map);
  const known = byIndex?.[index];
  if (known) return known;
  const before = reader.diagnostics.length;
  const rule = buildRule(map, index, what, reader, allowedWhen);
  if (reader.diagnostics.length === before) {
    const built = byIndex ?? [];
    built[index] = rule;
    if (!byIndex) byNode.set(map, built);
  }
  return rule;
}

function buildRule(map: YMap, index: number, what: string, reader: NodeReader, allowedWhen: readonly When[]): RuleDef {
  const at = `${what}:${index}`;
  reader.knownKeys(map, RULE_KEYS, `${what} rule`);
  const get = (k: string) => map.entries.get(k)?.value;
  const rule: RuleDef = { index, pos: map.pos, variables: buildVariables(get("variables"), `${at}:variables`, reader, false) };
  const cond = reader.string(get("if"), `${at}:if`);
  if (cond) rule.if = cond;
  const changes = buildChanges(get("changes"), `${at}:changes`, reader);
  if (changes) rule.changes = { paths: changes.paths, pos: changes.pos, ...(changes.compareTo ? { compareTo: changes.compareTo } : {}) };
  const exists = buildExists(get("exists"), `${at}:exists`, reader);
  if (exists) rule.exists = exists;
  const when = reader.oneOf(get("when"), allowedWhen, `${at}:when`);
  if (when) rule.when = when;
  const allowFailure = buildAllowFailure(get("allow_failure"), `${at}:allow_failure`, reader);
  if (allowFailure) rule.allowFailure = allowFailure;
  const startIn = reader.string(get("start_in"), `${at}:start_in`);
  if (startIn) rule.startIn = startIn;
  const needs = buildNeeds(get("needs"), `${at}:needs`, reader);
  if (needs) rule.needs = needs;
  const interruptible = reader.boolean(get("interruptible"), `${at}:interruptible`);
  if (interruptible) rule.interruptible = interruptible;
  return rule;
}

/** `changes: [paths]` or `changes: { paths, compare_to }`. */
export function buildChanges(
  node: YNode | undefined,
  what: string,
  reader: NodeReader,
): { paths: Located<string>[]; compareTo?: Located<string>; pos: YNode["pos"] } | undefined {
  if (isNull(node) || !node) return undefined;
  if (node.kind === "map") {
    reader.knownKeys(node, ["paths", "compare_to"], what);
    const paths = reader.strings(node.entries.get("paths")?.value, `${what}:paths`) ?? [];
    if (!node.entries.has("paths")) reader.error("invalid-value", `${what} needs \`paths\``, node.pos);
    const compareTo = reader.string(node.entries.get("compare_to")?.value, `${what}:compare_to`);
    return { paths, pos: node.pos, ...(compareTo ? { compareTo } : {}) };
  }
  const paths = reader.strings(node, what);
  return paths ? { paths, pos: node.pos } : undefined;
}

/** `exists: [paths]` or `exists: { paths, project, ref }`. */
function buildExists(node: YNode | undefined, what: string, reader: NodeReader): RuleDef["exists"] {
  if (isNull(node) || !node) return undefined;
  if (node.kind === "map") {
    reader.knownKeys(node, ["paths", "project", "ref"], what);
    const paths = reader.strings(node.entries.get("paths")?.value, `${what}:paths`) ?? [];
    const project = reader.string(node.entries.get("project")?.value, `${what}:project`);
    const ref = reader.string(node.entries.get("ref")?.value, `${what}:ref`);
    return { paths, pos: node.pos, ...(project ? { project: project.value } : {}), ...(ref ? { ref: ref.value } : {}) };
  }
  const paths = reader.strings(node, what);
  return paths ? { paths, pos: node.pos } : undefined;
}

/** `allow_failure: true|false` or `allow_failure: { exit_codes: N | [N, ...] }`. */
export function buildAllowFailure(node: YNode | undefined, what: string, reader: NodeReader): Located<AllowFailure> | undefined {
  if (isNull(node) || !node) return undefined;
  if (node.kind === "scalar" && typeof node.value === "boolean") return { value: { value: node.value }, pos: node.pos };
  if (node.kind === "map") {
    reader.knownKeys(node, ["exit_codes"], what);
    const codes = node.entries.get("exit_codes")?.value;
    const list = codes?.kind === "seq" ? codes.items : codes ? [codes] : [];
    const exitCodes: number[] = [];
    for (const c of list) {
      if (c.kind === "scalar" && typeof c.value === "number" && Number.isInteger(c.value)) exitCodes.push(c.value);
      else reader.wrongType(`${what}:exit_codes`, "a whole number or a list of them", c);
    }
    // With exit_codes the job may fail only with those codes; any other failure fails the pipeline.
    return { value: { value: false, exitCodes }, pos: node.pos };
  }
  reader.wrongType(what, "true, false or a hash with `exit_codes`", node);
  return undefined;
}

/**
 * `only:`/`except:` — a list is shorthand for `refs`; the hash form has `refs`, `variables`,
 * `changes` and `kubernetes` (GitLab docs "only / except").
 */
export function buildOnlyExcept(node: YNode | undefined, what: string, reader: NodeReader): OnlyExceptDef | undefined {
  if (isNull(node) || !node) return undefined;
  if (node.kind === "seq") {
    const refs = reader.strings(node, what) ?? [];
    return { pos: node.pos, refs };
  }
  if (node.kind !== "map") {
    reader.wrongType(what, "a list of refs or a hash (refs, variables, changes, kubernetes)", node);
    return undefined;
  }
  reader.knownKeys(node, ["refs", "variables", "changes", "kubernetes"], what);
  const def: OnlyExceptDef = { pos: node.pos };
  const refs = reader.strings(node.entries.get("refs")?.value, `${what}:refs`);
  if (refs) def.refs = refs;
  const variables = reader.strings(node.entries.get("variables")?.value, `${what}:variables`);
  if (variables) def.variables = variables;
  const changes = buildChanges(node.entries.get("changes")?.value, `${what}:changes`, reader);
  if (changes) def.changes = { paths: changes.paths, ...(changes.compareTo ? { compareTo: changes.compareTo } : {}) };
  const kubernetes = reader.string(node.entries.get("kubernetes")?.value, `${what}:kubernetes`);
  if (kubernetes) def.kubernetes = kubernetes;
  return def;
}
