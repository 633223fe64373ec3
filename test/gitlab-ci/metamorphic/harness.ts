import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { MemorySource } from "../../../src/core/memory-source.js";
import { loadSettings } from "../../../src/config/load-settings.js";
import { chooseContexts } from "../../../src/analysis/contexts.js";
import { refMentions } from "../../../src/analysis/ref-mentions.js";
import { synthesiseMatch } from "../../../src/analysis/synthesise-name.js";
import type { BranchContext } from "../../../src/analysis/model.js";
import { loadConfig } from "../../../src/gitlab-ci/index.js";
import { parseCondition, type Expr } from "../../../src/gitlab-ci/expr/index.js";
import type { CiConfig, RuleDef } from "../../../src/gitlab-ci/model.js";
import type { Pipeline } from "../../../src/gitlab-ci/pipeline.js";
import { simulatePipeline, SimulationShare, type JobOutcome } from "../../../src/gitlab-ci/simulate/index.js";
import { isMap, isScalar, isSeq, parseDocument, stringify } from "yaml";
import { readTree } from "../../app/read-tree.js";
import { documentedDomain } from "./documented-domains.js";

/**
 * The metamorphic check behind "never confidently wrong": an answer the simulation marks certain
 * must not depend on any input it reports as unknown. For every configuration, every context and
 * every unknown input of that context's pipeline, the input is replaced by concrete values from
 * its domain (empty, unset, a typical value, every literal the rules compare it with, a value that
 * matches each regex the rules test it against), and every certain answer of the first pipeline
 * (created or not, a job present or absent, its `when`, `allow_failure` and image, the errors that
 * make GitLab refuse the pipeline) must be the same in the new one. The other way round, an
 * answer given as uncertain must be earned: when every combination of those values gives it
 * alike (and certain), the uncertainty was not (the check reports it as "unearned").
 *
 * The domains come from GitLab's documentation (documented-domains.ts), not from the engine's
 * own table: a variable GitLab always sets is never tried unset or empty.
 *
 * An include that was not read (another project's file, a component, a template, a remote file)
 * is an unknown input too: it is replaced by files of the repository with concrete contents
 * (includeWorlds) — one that defines only what the files read leave undefined, and one that
 * also has `workflow:rules` letting every pipeline through and a job of its own that always runs.
 */

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** Every folder with a `.gitlab-ci.yml` under the test fixtures and `examples/`. */
export function configurationRoots(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (existsSync(join(dir, ".gitlab-ci.yml"))) out.push(dir);
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory() && !name.startsWith(".")) walk(path);
    }
  };
  walk(join(REPO, "test/fixtures"));
  walk(join(REPO, "examples"));
  return out.sort();
}

export function rootName(dir: string): string {
  return relative(REPO, dir);
}

/** One unknown input: a variable, with the values GitLab may give it. */
export interface UnknownVariable {
  name: string;
  /** GitLab may leave it unset. */
  maybeAbsent: boolean;
  /** GitLab sets it to a non-empty value whenever it sets it. */
  nonEmpty: boolean;
}

/** The variables the simulation reports as not known, with their domain. */
export function reportedUnknowns(p: Pipeline): UnknownVariable[] {
  return p.unknownInputs.filter((u) => u.kind === "variable").map((u) => ({ name: u.name, maybeAbsent: !!u.maybeAbsent, nonEmpty: !!u.nonEmpty }));
}

/** One answer a pipeline gives, and whether it gives it as certain. */
export interface Answer {
  certain: boolean;
  value: string;
}

/**
 * Every answer of a pipeline, by subject: whether it is created, the errors that make GitLab
 * refuse it (always certain), and per job its presence and what it runs as.
 */
export function answersOf(p: Pipeline): Map<string, Answer> {
  const out = new Map<string, Answer>();
  const creationCertain = p.creation !== "uncertain";
  out.set("pipeline created", { certain: creationCertain, value: String(p.created) });
  out.set("errors", { certain: true, value: p.errors.map((e) => e.message).sort().join(" | ") || "none" });
  if (!p.created) return out;
  for (const j of p.jobs) {
    out.set(`job ${j.name}`, { certain: creationCertain && j.presence === "present", value: "present" });
    out.set(`job ${j.name} runs`, { certain: creationCertain && j.certainty === "certain", value: describeJob(j) });
  }
  for (const e of p.excluded) out.set(`job ${e.name}`, { certain: creationCertain && e.presence === "absent", value: "absent" });
  return out;
}

function describeJob(j: Pipeline["jobs"][number]): string {
  return `when ${j.when}, allow_failure ${JSON.stringify(j.allowFailure)}${j.allowFailureExitCodes ? ` (exit codes ${j.allowFailureExitCodes.join(", ")})` : ""}${j.image ? `, image ${j.image.ref.known ? j.image.ref.text : "unknown"}` : ""}`;
}

/** The certain answers of `first` that `other` contradicts with a certain answer of its own. */
export function contradictions(first: Map<string, Answer>, other: Map<string, Answer>): Array<{ subject: string; before: string; after: string }> {
  const out: Array<{ subject: string; before: string; after: string }> = [];
  for (const [subject, answer] of first) {
    if (!answer.certain) continue;
    // A job not in a created pipeline's lists at all is absent.
    const now = other.get(subject) ?? (subject.startsWith("job ") && !subject.endsWith(" runs") && other.get("pipeline created")?.value === "true" ? { certain: true, value: "absent" } : undefined);
    if (now?.certain && now.value !== answer.value) out.push({ subject, before: answer.value, after: now.value });
  }
  return out;
}

/** The literals and regexes the configuration's rules compare a variable with. */
export function comparedValues(config: CiConfig): Map<string, { literals: Set<string>; patterns: Set<string> }> {
  const out = new Map<string, { literals: Set<string>; patterns: Set<string> }>();
  const entry = (name: string) => {
    let e = out.get(name);
    if (!e) out.set(name, (e = { literals: new Set(), patterns: new Set() }));
    return e;
  };
  const visit = (expr: Expr) => {
    if (expr.kind !== "binary") return;
    if (expr.op === "&&" || expr.op === "||") {
      visit(expr.left);
      visit(expr.right);
      return;
    }
    for (const [a, b] of [
      [expr.left, expr.right],
      [expr.right, expr.left],
    ] as const) {
      if (a.kind !== "variable") continue;
      if (b.kind === "string") (/^\/.+\/[ismU]*$/s.test(b.value) ? entry(a.name).patterns : entry(a.name).literals).add(b.value);
      if (b.kind === "pattern") entry(a.name).patterns.add(b.source);
    }
  };
  const rules: RuleDef[] = [...(config.workflow?.rules ?? []), ...config.jobs.flatMap((j) => j.rules ?? []), ...config.includes.flatMap((i) => i.rules ?? [])];
  const texts = [...rules.flatMap((r) => (r.if ? [r.if.value] : [])), ...config.jobs.flatMap((j) => [...(j.only?.variables ?? []), ...(j.except?.variables ?? [])].map((v) => v.value))];
  for (const text of texts) {
    const parsed = parseCondition(text);
    if (parsed.ok) visit(parsed.expr);
  }
  return out;
}

const TYPICAL = "ci-explain-typical-value";

/** The concrete values to try for one unknown variable (`undefined`: unset), within its domain. */
export function candidateValues(u: UnknownVariable, compared: ReturnType<typeof comparedValues>): Array<string | undefined> {
  const seen = compared.get(u.name);
  const values = new Set<string | undefined>(["", undefined, TYPICAL, "1", ...(seen?.literals ?? [])]);
  for (const pattern of seen?.patterns ?? []) {
    const witness = synthesiseMatch(pattern);
    if (witness !== undefined) values.add(witness);
  }
  return [...values].filter((v) => (v === undefined ? u.maybeAbsent : !u.nonEmpty || v.trim() !== ""));
}

export interface Finding {
  config: string;
  context: string;
  /** The replaced inputs, `NAME=value` (`NAME unset`). */
  inputs: string;
  subject: string;
  before: string;
  after: string;
}

export interface ConfigurationRun {
  config: string;
  contexts: number;
  simulations: number;
  unknownsTried: number;
  /** Simulations with concrete contents for the unread includes. */
  includeWorldsTried: number;
  /** Certain answers that a value of an unknown input contradicts: the engine was confidently wrong. */
  violations: Finding[];
  /**
   * Uncertain answers that every combination of values of the unknown inputs gives alike (each
   * combination itself certain): the uncertainty was not earned.
   */
  unearned: Finding[];
}

/** Most value combinations tried for the "uncertainty is earned" check of one pipeline. */
const MAX_COMBINATIONS = 256;

function describeInputs(values: Record<string, string | undefined>): string {
  return Object.entries(values).map(([k, v]) => (v === undefined ? `${k} unset` : `${k}=${JSON.stringify(v)}`)).join(", ");
}

/** Where the concrete contents of unread includes are written in a world. */
const WORLD_DIR = ".ci-explain-world";

/** Kinds of include the loader reads from outside the repository. */
const EXTERNAL: ReadonlySet<string> = new Set(["project", "component", "template", "remote"]);

/**
 * Concrete contents for the includes that were not read: each is replaced, where it is written,
 * by a local include of a file of the repository (keeping its `inputs:`, declared in a `spec:`
 * header, and its `rules:`). "completes" defines only what the files read leave undefined (a
 * job's `script`, a stage its `stage:` names, `extends` parents, `!reference` targets, needed
 * jobs); "adds" also lets every pipeline through (`workflow:rules`, when the files read have
 * none) and adds a job that always runs.
 */
export function includeWorlds(files: Record<string, string>, config: CiConfig, diagnostics: ReadonlyArray<{ message: string }>): Array<{ name: string; files: Record<string, string> }> {
  const unread = config.includes.filter((i) => i.status === "not-analysed" && EXTERNAL.has(i.kind));
  if (unread.length === 0) return [];
  const names = new Set(config.jobs.map((j) => j.name));
  const declared = config.stages.map((s) => s.value);
  const firstStage = declared.find((s) => s !== ".pre" && s !== ".post") ?? "test";
  const completes: Record<string, Record<string, unknown>> = {};
  const supply = (name: string, part: Record<string, unknown>) => (completes[name] = { ...completes[name], ...part });
  for (const job of config.jobs) {
    if (job.name.startsWith(".")) continue;
    if (job.script.length === 0 && !job.trigger) supply(job.name, { script: ["true"] });
    if (declared.length > 0 && !declared.includes(job.stage.value)) supply(job.name, { stage: firstStage });
    for (const parent of job.extends) if (!names.has(parent)) supply(parent, { script: ["true"] });
    for (const need of [...(job.needs ?? []).map((n) => n.job), ...(job.dependencies ?? []).map((d) => d.value)]) {
      if (!names.has(need)) supply(need, { stage: ".pre", script: ["true"] });
    }
  }
  // A `!reference` the loader could not resolve names its target only in its diagnostic.
  for (const d of diagnostics) {
    const ref = /!reference \[([^\]]+)\]/.exec(d.message)?.[1];
    if (!ref) continue;
    const [job, ...path] = ref.split(",").map((p) => p.trim().replace(/^["']|["']$/g, ""));
    if (!job || names.has(job) || path.length === 0) continue;
    let value: unknown = ["true"];
    for (const key of [...path].reverse()) value = { [key]: value };
    supply(job, value as Record<string, unknown>);
  }
  const adds: Record<string, unknown> = { ...completes, "ci-explain-world-job": { stage: firstStage, script: ["true"] } };
  if (!config.workflow?.rules) adds.workflow = { rules: [{ when: "always" }] };
  return [
    { name: "unread includes complete what is missing", files: rewriteIncludes(files, unread, completes) },
    { name: "unread includes also add workflow:rules and a job", files: rewriteIncludes(files, unread, adds) },
  ];
}

/** The repository's files with every unread include replaced by a local file with `content`. */
function rewriteIncludes(files: Record<string, string>, unread: CiConfig["includes"], content: Record<string, unknown>): Record<string, string> {
  const out = { ...files };
  let n = 0;
  for (const file of new Set(unread.map((i) => i.pos.file))) {
    const text = files[file];
    if (text === undefined) continue;
    const doc = parseDocument(text);
    const replace = (item: unknown): unknown => {
      const kind = isScalar(item) ? (/^https?:\/\//.test(String(item.value)) ? "remote" : "local") : isMap(item) ? ["project", "component", "template", "remote"].find((k) => item.has(k)) : undefined;
      if (!kind || !EXTERNAL.has(kind)) return item;
      const inputs = isMap(item) ? (item.toJSON() as Record<string, unknown>).inputs : undefined;
      const rules = isMap(item) ? (item.toJSON() as Record<string, unknown>).rules : undefined;
      const path = `${WORLD_DIR}/include-${++n}.yml`;
      out[path] = worldFile(content, inputs as Record<string, unknown> | undefined);
      return doc.createNode({ local: `/${path}`, ...(inputs ? { inputs } : {}), ...(rules ? { rules } : {}) });
    };
    const include = doc.get("include", true);
    if (isSeq(include)) include.items = include.items.map(replace);
    else if (include !== undefined) doc.set("include", replace(include));
    out[file] = doc.toString();
  }
  return out;
}

/** A file with `content`, declaring the inputs it is given (their type from the value). */
function worldFile(content: Record<string, unknown>, inputs: Record<string, unknown> | undefined): string {
  const body = stringify(Object.keys(content).length > 0 ? content : { ".ci-explain-world-nothing": { script: ["true"] } });
  if (!inputs) return body;
  const spec: Record<string, { type: string }> = {};
  for (const [name, value] of Object.entries(inputs)) spec[name] = { type: Array.isArray(value) ? "array" : typeof value === "boolean" ? "boolean" : typeof value === "number" ? "number" : "string" };
  return `${stringify({ spec: { inputs: spec } })}---\n${body}`;
}

/** Runs the check over one configuration root. */
export async function checkConfiguration(dir: string): Promise<ConfigurationRun> {
  const tree = readTree(dir);
  const source = new MemorySource(tree, rootName(dir));
  const { settings } = await loadSettings(source);
  const project = settings.project ?? "group/project";
  const defaultBranch = settings.defaultBranch ?? "main";
  const load = await loadConfig(source, { project });
  const compared = comparedValues(load.config);
  const { contexts } = chooseContexts({ settings, project, defaultBranch, mentions: refMentions(load.config), changedFiles: [] });
  const run: ConfigurationRun = { config: rootName(dir), contexts: contexts.length, simulations: 0, unknownsTried: 0, includeWorldsTried: 0, violations: [], unearned: [] };
  const worlds = includeWorlds(tree, load.config, load.diagnostics);
  // Shared results, as an analysis shares them: a result wrongly shared between two inputs shows here too.
  const share = new SimulationShare<JobOutcome>();
  const simulate = async (context: BranchContext, values: Record<string, string | undefined>) => {
    run.simulations++;
    const varied: BranchContext = { ...context, variables: { ...context.variables, ...values } as Record<string, string> };
    return answersOf(await simulatePipeline(source, varied, { project, share }));
  };
  for (const context of contexts) {
    const first = await simulatePipeline(source, context, { project, share });
    run.simulations++;
    const answers = answersOf(first);
    // Concrete contents for the includes not read: no certain answer may change.
    for (const world of worlds) {
      run.simulations++;
      run.includeWorldsTried++;
      const other = answersOf(await simulatePipeline(new MemorySource(world.files, rootName(dir)), context, { project }));
      for (const c of contradictions(answers, other)) run.violations.push({ config: run.config, context: context.name, inputs: world.name, ...c });
    }
    const unknowns = reportedUnknowns(first).map((u) => ({ ...u, ...documentedDomain(u.name, context) }));
    const candidates = unknowns.map((u) => candidateValues(u, compared));
    // One input at a time: no certain answer may change.
    for (const [i, u] of unknowns.entries()) {
      run.unknownsTried++;
      for (const value of candidates[i] ?? []) {
        const values = { [u.name]: value };
        for (const c of contradictions(answers, await simulate(context, values))) {
          run.violations.push({ config: run.config, context: context.name, inputs: describeInputs(values), ...c });
        }
      }
    }
    // Every combination: an uncertain answer must differ between some two of them.
    const combinations = candidates.reduce((n, c) => n * c.length, 1);
    const uncertain = [...answers].filter(([, a]) => !a.certain).map(([subject]) => subject);
    if (unknowns.length === 0 || uncertain.length === 0 || combinations > MAX_COMBINATIONS) continue;
    const seen = new Map<string, { values: Set<string>; anyUncertain: boolean; example: string }>();
    for (let k = 0; k < combinations; k++) {
      const values: Record<string, string | undefined> = {};
      let rest = k;
      unknowns.forEach((u, i) => {
        const list = candidates[i] as Array<string | undefined>;
        values[u.name] = list[rest % list.length];
        rest = Math.floor(rest / list.length);
      });
      const again = await simulate(context, values);
      for (const subject of uncertain) {
        const a = again.get(subject) ?? { certain: true, value: "absent" };
        let entry = seen.get(subject);
        if (!entry) seen.set(subject, (entry = { values: new Set(), anyUncertain: false, example: describeInputs(values) }));
        entry.values.add(a.value);
        if (!a.certain) entry.anyUncertain = true;
      }
    }
    for (const [subject, entry] of seen) {
      if (entry.anyUncertain || entry.values.size !== 1) continue;
      run.unearned.push({ config: run.config, context: context.name, inputs: `every value of ${unknowns.map((u) => u.name).join(", ")}`, subject, before: "uncertain", after: [...entry.values][0] as string });
    }
  }
  return run;
}
