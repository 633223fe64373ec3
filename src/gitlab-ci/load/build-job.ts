import type { Located, Pos } from "../../core/pos.js";
import type { ImageDef, InheritDef, JobDef, ScriptLine, TriggerDef } from "../model.js";
import { isNull, type YMap, type YNode } from "../yaml/node.js";
import { buildNeeds } from "./build-needs.js";
import { buildParallel } from "./build-parallel.js";
import { buildAllowFailure, buildOnlyExcept, buildRules, JOB_WHEN } from "./build-rules.js";
import { buildVariables } from "./build-variables.js";
import { flattenSeq, type NodeReader } from "./node-reader.js";

/** Job keywords GitLab knows (CI/CD YAML reference, "Job keywords"); others are reported. */
const JOB_KEYWORDS = [
  "after_script", "allow_failure", "artifacts", "before_script", "cache", "coverage", "dast_configuration",
  "dependencies", "environment", "extends", "hooks", "identity", "id_tokens", "image", "inherit", "inputs",
  "interruptible", "manual_confirmation", "needs", "pages", "parallel", "publish", "release", "resource_group",
  "retry", "rules", "run", "script", "secrets", "services", "stage", "start_in", "tags", "timeout", "trigger",
  "type", "variables", "when", "only", "except",
];

/** GitLab: `script` (and before/after) nest lists up to 10 levels, flattened. */
const SCRIPT_NESTING = 10;

/**
 * Build the typed job from its assembled hash (includes merged, `extends`, `!reference` and
 * `default:` applied). Wrong types are reported at their line and the field is left out.
 */
export function buildJob(name: string, pos: Pos, job: YMap, inherit: InheritDef, reader: NodeReader): JobDef {
  const get = (k: string) => job.entries.get(k)?.value;
  const at = (k: string) => `${name}:${k}`;
  // GitLab refuses the whole configuration: "jobs:build config contains unknown keys: rulse".
  for (const e of job.entries.values()) {
    if (!JOB_KEYWORDS.includes(e.key)) reader.error("unknown-keyword", `jobs:${name} config contains unknown keys: ${e.key}`, e.keyPos);
  }
  const stage = reader.string(get("stage"), at("stage")) ?? reader.string(get("type"), at("type"));
  const extendsList = reader.strings(get("extends"), at("extends"), true) ?? [];
  const def: JobDef = {
    name,
    pos,
    extends: extendsList.map((e) => e.value),
    // A job without `stage:` runs in `test` (GitLab's default).
    stage: stage ?? { value: "test", pos },
    services: buildServices(get("services"), at("services"), reader),
    variables: buildVariables(get("variables"), at("variables"), reader),
    inherit,
    beforeScript: buildScript(get("before_script"), at("before_script"), reader),
    script: buildScript(get("script"), at("script"), reader),
    afterScript: buildScript(get("after_script"), at("after_script"), reader),
    tags: reader.strings(get("tags"), at("tags")) ?? [],
  };
  const when = reader.oneOf(get("when"), JOB_WHEN, at("when"));
  if (when) def.when = when;
  const allowFailure = buildAllowFailure(get("allow_failure"), at("allow_failure"), reader);
  if (allowFailure) def.allowFailure = allowFailure;
  const startIn = reader.string(get("start_in"), at("start_in"));
  if (startIn) def.startIn = startIn;
  if (when?.value === "delayed" && !startIn) reader.error("invalid-value", `${name}: \`when: delayed\` needs \`start_in\``, when.pos);

  const rules = buildRules(get("rules"), at("rules"), reader);
  if (rules) def.rules = rules;
  const only = buildOnlyExcept(get("only"), at("only"), reader);
  if (only) def.only = only;
  const except = buildOnlyExcept(get("except"), at("except"), reader);
  if (except) def.except = except;
  if (rules && (only || except)) {
    reader.error("config-invalid", `${name}: \`rules\` cannot be used together with \`only\` or \`except\``, job.entries.get("rules")?.keyPos);
  }

  const image = buildImage(get("image"), at("image"), reader);
  if (image) def.image = image;
  const needs = buildNeeds(get("needs"), at("needs"), reader);
  if (needs) def.needs = needs;
  const dependencies = reader.strings(get("dependencies"), at("dependencies"));
  if (dependencies) def.dependencies = dependencies;
  const parallel = buildParallel(get("parallel"), at("parallel"), reader);
  if (parallel) def.parallel = parallel;
  const trigger = buildTrigger(get("trigger"), at("trigger"), reader);
  if (trigger) def.trigger = trigger;
  const interruptible = reader.boolean(get("interruptible"), at("interruptible"));
  if (interruptible) def.interruptible = interruptible;
  const environment = buildEnvironment(get("environment"), at("environment"), reader);
  if (environment) def.environment = environment;
  const resourceGroup = reader.string(get("resource_group"), at("resource_group"));
  if (resourceGroup) def.resourceGroup = resourceGroup;

  const unread: string[] = [];
  if (!trigger && def.script.length === 0 && isNull(get("run"))) {
    reader.errorUnlessIncomplete("script-missing", `${name}: a job needs \`script\` or \`trigger\``, pos);
    // A job that only adds to one an unread include defines (e.g. its `rules:`): the rest is there.
    if (reader.incomplete) unread.push("script");
  }
  if (reader.incompleteKeys.has(name)) unread.push("an `extends` parent or `!reference`");
  if (unread.length > 0) def.unreadParts = unread;
  return def;
}

/** `script:` — one string or a list (nested lists from anchors or `!reference` flattened). */
export function buildScript(node: YNode | undefined, what: string, reader: NodeReader): ScriptLine[] {
  if (isNull(node) || !node) return [];
  if (node.kind === "scalar" && typeof node.value === "string") return [{ text: node.value, pos: node.pos }];
  if (node.kind !== "seq") {
    reader.wrongType(what, "a string or a list of strings", node);
    return [];
  }
  const { items, tooDeep } = flattenSeq(node.items, SCRIPT_NESTING);
  if (tooDeep) reader.error("nesting-too-deep", `${what} nests lists more than ${SCRIPT_NESTING} levels deep`, tooDeep.pos);
  const lines: ScriptLine[] = [];
  for (const item of items) {
    if (item.kind === "scalar" && typeof item.value === "string") lines.push({ text: item.value, pos: item.pos });
    else if (item.kind !== "seq") reader.wrongType(`${what} line`, "a string", item);
  }
  return lines;
}

/** `image: name` or `image: { name, entrypoint, ... }`; services also take `alias`. */
function buildImage(node: YNode | undefined, what: string, reader: NodeReader, service = false): ImageDef | undefined {
  if (isNull(node) || !node) return undefined;
  if (node.kind === "scalar" && typeof node.value === "string") return { name: { value: node.value, pos: node.pos }, pos: node.pos };
  if (node.kind !== "map") {
    reader.wrongType(what, "an image name or a hash with `name`", node);
    return undefined;
  }
  const keys = ["name", "entrypoint", "docker", "pull_policy", "kubernetes"];
  reader.knownKeys(node, service ? [...keys, "alias", "command", "variables"] : keys, what);
  const name = reader.string(node.entries.get("name")?.value, `${what}:name`);
  if (!name) {
    reader.error("invalid-value", `${what} needs a \`name\``, node.pos);
    return undefined;
  }
  const image: ImageDef = { name, pos: node.pos };
  const entrypoint = reader.strings(node.entries.get("entrypoint")?.value, `${what}:entrypoint`);
  if (entrypoint) image.entrypoint = entrypoint.map((e) => e.value);
  const alias = reader.string(node.entries.get("alias")?.value, `${what}:alias`);
  if (alias) image.alias = alias.value;
  return image;
}

function buildServices(node: YNode | undefined, what: string, reader: NodeReader): ImageDef[] {
  if (isNull(node) || !node) return [];
  if (node.kind !== "seq") {
    reader.wrongType(what, "a list of images", node);
    return [];
  }
  return node.items.flatMap((item) => buildImage(item, `${what} item`, reader, true) ?? []);
}

/** `environment: name` or `environment: { name, url, action, ... }`. */
function buildEnvironment(node: YNode | undefined, what: string, reader: NodeReader): Located<string> | undefined {
  if (isNull(node) || !node) return undefined;
  if (node.kind === "map") return reader.string(node.entries.get("name")?.value, `${what}:name`);
  return reader.string(node, what);
}

/**
 * `trigger: group/project` or `{ project, branch, strategy, forward }` starts a multi-project
 * pipeline; `{ include }` a child pipeline. GitLab forwards YAML variables by default and
 * pipeline variables only when asked (`forward:`).
 */
function buildTrigger(node: YNode | undefined, what: string, reader: NodeReader): TriggerDef | undefined {
  if (isNull(node) || !node) return undefined;
  if (node.kind === "scalar" && typeof node.value === "string") {
    return { pos: node.pos, kind: "project", project: node.value, forwardYamlVariables: true, forwardPipelineVariables: false };
  }
  if (node.kind !== "map") {
    reader.wrongType(what, "a project path or a hash (project or include)", node);
    return undefined;
  }
  reader.knownKeys(node, ["project", "branch", "strategy", "forward", "include", "inputs"], what);
  const get = (k: string) => node.entries.get(k)?.value;
  const forward = reader.map(get("forward"), `${what}:forward`);
  const trigger: TriggerDef = {
    pos: node.pos,
    kind: node.entries.has("include") ? "child" : "project",
    forwardYamlVariables: reader.boolean(forward?.entries.get("yaml_variables")?.value, `${what}:forward:yaml_variables`)?.value ?? true,
    forwardPipelineVariables: reader.boolean(forward?.entries.get("pipeline_variables")?.value, `${what}:forward:pipeline_variables`)?.value ?? false,
  };
  const project = reader.string(get("project"), `${what}:project`);
  if (project) trigger.project = project.value;
  const branch = reader.string(get("branch"), `${what}:branch`);
  if (branch) trigger.branch = branch.value;
  const strategy = reader.string(get("strategy"), `${what}:strategy`);
  if (strategy) trigger.strategy = strategy.value;
  if (trigger.kind === "child") trigger.include = childIncludes(get("include"), `${what}:include`, reader);
  else if (!project) reader.error("invalid-value", `${what} needs \`project\` or \`include\``, node.pos);
  return trigger;
}

/** The locations a child pipeline includes, as written (`local`, `project`+`file`, `artifact`, `template`, `remote`). */
function childIncludes(node: YNode | undefined, what: string, reader: NodeReader): string[] {
  if (isNull(node) || !node) return [];
  const items = node.kind === "seq" ? node.items : [node];
  const out: string[] = [];
  for (const item of items) {
    if (item.kind === "scalar" && typeof item.value === "string") out.push(item.value);
    else if (item.kind === "map") {
      const key = ["local", "file", "artifact", "template", "remote", "component"].find((k) => item.entries.has(k));
      const value = key ? item.entries.get(key)?.value : undefined;
      const text = value?.kind === "scalar" ? String(value.value) : value?.kind === "seq" ? value.items.map((i) => (i.kind === "scalar" ? String(i.value) : "")).join(", ") : undefined;
      if (text !== undefined) out.push(text);
      else reader.error("invalid-value", `${what} item needs local, project+file, artifact, template or remote`, item.pos);
    } else reader.wrongType(`${what} item`, "a path or a hash", item);
  }
  return out;
}
