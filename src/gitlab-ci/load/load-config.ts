import { warning, type Diagnostic } from "../../core/diagnostic.js";
import { normalizePath, type FileSource } from "../../core/file-source.js";
import type { Located, Pos } from "../../core/pos.js";
import type { CiConfig, JobDef, LoadOptions, LoadResult, WorkflowDef } from "../model.js";
import type { YMap } from "../yaml/node.js";
import { applyDefaults, collectDefaults, readInherit } from "./apply-defaults.js";
import { buildJob } from "./build-job.js";
import { buildRules, WORKFLOW_WHEN } from "./build-rules.js";
import { buildVariables } from "./build-variables.js";
import { checkOnStopJobs } from "./check-on-stop.js";
import { checkTriggerJob } from "./check-trigger-job.js";
import { capJobs } from "./cap-jobs.js";
import { checkExpansionSizes } from "./check-expansion-sizes.js";
import { resolveLimits } from "./limits.js";
import { overInterpolationBudget } from "./interpolate-inputs.js";
import { loadFileWithIncludes, newIncludeWalk, repositoryFile } from "./load-includes.js";
import { errorUnlessUnread, NodeReader } from "./node-reader.js";
import { resolveExtends } from "./resolve-extends.js";
import { resolveReferences } from "./resolve-references.js";

export const DEFAULT_CI_PATH = ".gitlab-ci.yml";

/** Top-level keys that are keywords, not jobs (GitLab's Root entry). `pages` IS a job. */
export const RESERVED_TOP_LEVEL_KEYS = [
  "stages", "types", "variables", "default", "include", "workflow",
  "image", "services", "cache", "before_script", "after_script",
];

/** GitLab's stages when `stages:` is absent. */
const DEFAULT_STAGES = ["build", "test", "deploy"];

/**
 * Assemble a revision's GitLab CI configuration the way GitLab does before it evaluates any
 * rule: YAML → includes → `extends` → `!reference` → `.pre`/`.post` stages, then the typed
 * model with every value at the line that won. Never throws for bad input: problems are
 * diagnostics, and one bad file does not hide the others' findings.
 */
export async function loadConfig(source: FileSource, options: LoadOptions = {}): Promise<LoadResult> {
  const limits = resolveLimits(options.limits);
  const root = normalizePath(options.ciPath ?? DEFAULT_CI_PATH);
  const diagnostics: Diagnostic[] = [];
  const walk = newIncludeWalk(source, options, limits, diagnostics);
  const merged = await loadFileWithIncludes(walk, repositoryFile(walk, root), options.inputs, undefined, []);
  const rootPos: Pos = { file: root, line: 1 };
  const config: CiConfig = {
    root,
    files: walk.files,
    stages: edgeStages(DEFAULT_STAGES.map((value) => ({ value, pos: rootPos })), rootPos),
    variables: [],
    jobs: [],
    includes: walk.includes,
  };
  if (!merged) {
    const overBudget = overInterpolationBudget(walk.interpolation);
    if (overBudget) diagnostics.push(warning("include-not-analysed", `${root} is not analysed: ${overBudget}`, rootPos));
    return { config, diagnostics: dedupe(diagnostics) };
  }

  const reader = new NodeReader(diagnostics, walk.incomplete);
  const extended = resolveExtends(merged, limits.maxExtendsDepth, reader);
  const top = resolveReferences(extended, limits.maxReferenceDepth, reader);

  config.stages = buildStages(top, rootPos, reader);
  config.variables = buildVariables(top.entries.get("variables")?.value, "variables", reader);
  const workflow = buildWorkflow(top, reader);
  if (workflow) config.workflow = workflow;
  const capped = capJobs(buildJobs(top, reader), limits.maxJobs);
  config.jobs = capped.jobs;
  if (capped.leftOut) config.jobsLeftOut = capped.leftOut;
  diagnostics.push(...capped.diagnostics, ...checkExpansionSizes(config));

  const stageNames = new Set(config.stages.map((s) => s.value));
  const stagesWritten = top.entries.has("stages") || top.entries.has("types");
  for (const job of config.jobs) {
    if (stageNames.has(job.stage.value)) continue;
    // GitLab's own wording (YamlProcessor#validate_job_stage!), so it reads like CI Lint.
    const message = `${job.name} job: chosen stage ${job.stage.value} does not exist; available stages are ${config.stages.map((s) => s.value).join(", ")}`;
    // An unread include may give a job that lacks parts its stage, or define `stages:` itself.
    const unread = reader.incomplete && (!!job.unreadParts || !stagesWritten);
    diagnostics.push(errorUnlessUnread(unread, "stage-unknown", message, job.stage.pos));
    if (unread) (job.unreadParts ??= []).push("stage");
  }
  return { config, diagnostics: dedupe(diagnostics) };
}

function buildJobs(top: YMap, reader: NodeReader): JobDef[] {
  const defaults = collectDefaults(top, reader);
  const jobs: JobDef[] = [];
  const jobMaps = new Map<string, YMap>();
  for (const entry of top.entries.values()) {
    if (RESERVED_TOP_LEVEL_KEYS.includes(entry.key)) continue;
    // Hidden jobs (`.name`) are templates for `extends`, `!reference` and anchors; GitLab creates no job.
    if (entry.key.startsWith(".")) continue;
    if (entry.value.kind !== "map") {
      reader.error("invalid-type", `${entry.key}: a job should be a hash with \`script\` or \`trigger\`, not ${entry.value.kind === "seq" ? "a list" : "a single value"}`, entry.keyPos);
      continue;
    }
    jobMaps.set(entry.key, entry.value);
    if (entry.value.entries.has("trigger")) checkTriggerJob(entry.key, entry.value, reader);
    const inherit = readInherit(entry.value.entries.get("inherit")?.value, `${entry.key}:inherit`, reader);
    const withDefaults = applyDefaults(entry.value, defaults, inherit);
    jobs.push(buildJob(entry.key, entry.keyPos, withDefaults, inherit, reader));
  }
  checkOnStopJobs(jobMaps, reader);
  return jobs;
}

/** `stages:` (or the deprecated `types:`), with `.pre` always first and `.post` always last. */
function buildStages(top: YMap, rootPos: Pos, reader: NodeReader): Located<string>[] {
  const entry = top.entries.get("stages") ?? top.entries.get("types");
  if (!entry) return edgeStages(DEFAULT_STAGES.map((value) => ({ value, pos: rootPos })), rootPos);
  const list = reader.strings(entry.value, entry.key) ?? [];
  return edgeStages(list, entry.keyPos);
}

function edgeStages(stages: Located<string>[], pos: Pos): Located<string>[] {
  const middle = stages.filter((s) => s.value !== ".pre" && s.value !== ".post");
  const pre = stages.find((s) => s.value === ".pre") ?? { value: ".pre", pos };
  const post = stages.find((s) => s.value === ".post") ?? { value: ".post", pos };
  return [pre, ...middle, post];
}

function buildWorkflow(top: YMap, reader: NodeReader): WorkflowDef | undefined {
  const entry = top.entries.get("workflow");
  if (!entry) return undefined;
  const map = reader.map(entry.value, "workflow");
  if (!map) return undefined;
  reader.knownKeys(map, ["rules", "name", "auto_cancel"], "workflow");
  const workflow: WorkflowDef = { pos: entry.keyPos };
  const rules = buildRules(map.entries.get("rules")?.value, "workflow:rules", reader, WORKFLOW_WHEN);
  if (rules) workflow.rules = rules;
  const name = reader.string(map.entries.get("name")?.value, "workflow:name");
  if (name) workflow.name = name;
  return workflow;
}

/**
 * A mistake in a template reaches every job that uses it; report it once, at its place
 * (the first job's message names one user of it).
 */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = d.pos ? `${d.code}|${d.pos.file}|${d.pos.line}|${d.pos.col}` : `${d.code}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
