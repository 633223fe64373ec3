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

/** Runs the check over one configuration root. */
export async function checkConfiguration(dir: string): Promise<ConfigurationRun> {
  const source = new MemorySource(readTree(dir), rootName(dir));
  const { settings } = await loadSettings(source);
  const project = settings.project ?? "group/project";
  const defaultBranch = settings.defaultBranch ?? "main";
  const load = await loadConfig(source, { project });
  const compared = comparedValues(load.config);
  const { contexts } = chooseContexts({ settings, project, defaultBranch, mentions: refMentions(load.config), changedFiles: [] });
  const run: ConfigurationRun = { config: rootName(dir), contexts: contexts.length, simulations: 0, unknownsTried: 0, violations: [], unearned: [] };
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
