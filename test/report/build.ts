/**
 * Small builders of Analysis values for report tests: the report works from the types,
 * so tests state only the facts they check and the builders fill in the rest.
 */
import type {
  AnalysedJob,
  AnalysedPipeline,
  Analysis,
  BranchContext,
  ContextAnalysis,
  ContextOrigin,
  Hazard,
  ImageChange,
  JobChange,
  JobField,
} from "../../src/analysis/model.js";
import type { ImageBuild } from "../../src/containers/model.js";
import type { Pos } from "../../src/core/pos.js";
import type { Decision, ExcludedJob, ResolvedImage, ResolvedText, ResolvedVar, RuleTrace } from "../../src/gitlab-ci/pipeline.js";
import type { When } from "../../src/gitlab-ci/model.js";

export const pos = (file: string, line: number): Pos => ({ file, line });

/** `«$NAME»` parts mark what is unknown, as the simulator writes them. */
export function text(value: string): ResolvedText {
  const unknowns = Array.from(value.matchAll(/«\$?([^»]+)»/g), (m) => m[1]);
  return { text: value, known: unknowns.length === 0, unknowns };
}

export function variable(value: string, origin: ResolvedVar["origin"], at?: Pos, raw = value): ResolvedVar {
  return { value: text(value), raw, origin, pos: at };
}

export function image(ref: string, at: Pos, raw = ref): ResolvedImage {
  return { ref: text(ref), raw, pos: at };
}

export function ruleDecision(index: number, at: Pos, ifText: string | undefined, when?: When, trace?: RuleTrace[]): Decision {
  return {
    kind: "rules",
    rule: { index, pos: at, if: ifText, when },
    trace: trace ?? [{ index, pos: at, if: ifText, result: true, reads: {} }],
  };
}

export function noRuleMatched(trace: RuleTrace[]): Decision {
  return { kind: "rules", trace };
}

export function context(name: string, origin: ContextOrigin = { kind: "configured" }, ref?: BranchContext["ref"]): BranchContext {
  return {
    name,
    origin,
    ref: ref ?? { kind: "branch", name },
    source: "push",
    project: { path: "acme/app", defaultBranch: "main" },
    server: { url: "https://gitlab.example", registry: "registry.example" },
    variables: {},
  };
}

export function job(name: string, overrides: Partial<AnalysedJob> = {}): AnalysedJob {
  return {
    name,
    baseName: name,
    stage: "test",
    when: "on_success",
    allowFailure: false,
    certainty: "certain",
    presence: "present",
    services: [],
    variables: {},
    source: pos(".gitlab-ci.yml", 1),
    decidedBy: { kind: "default", trace: [] },
    beforeScript: [],
    script: [],
    builds: [],
    ...overrides,
  };
}

export function build(jobName: string, ref: string, dockerfile: string | undefined, at: Pos): ImageBuild {
  return { job: jobName, tool: "docker", image: text(ref), dockerfile: dockerfile ? text(dockerfile) : undefined, push: true, pos: at };
}

export function pipeline(ctx: BranchContext, jobs: AnalysedJob[], overrides: Partial<AnalysedPipeline> = {}): AnalysedPipeline {
  return {
    context: ctx,
    created: true,
    creation: "certain",
    unknownInputs: [],
    assumedUnset: [],
    variables: {},
    stages: [...new Set(jobs.map((j) => j.stage))],
    jobs,
    excluded: [],
    errors: [],
    warnings: [],
    ...overrides,
  };
}

export function excluded(name: string, decidedBy: Decision, at: Pos): ExcludedJob {
  return { name, stage: "test", source: at, decidedBy, certainty: "certain", presence: "absent" };
}

/** The fields the comparison reports, as short strings (a stand-in for the analysis' own compare). */
function fieldValues(j: AnalysedJob): Partial<Record<JobField, string>> {
  return {
    when: j.when,
    allowFailure: String(j.allowFailure),
    stage: j.stage,
    image: j.image?.ref.text ?? "",
    builds: j.builds.filter((b) => b.push).map((b) => b.image.text).join(", "),
  };
}

export function diffJobs(before: AnalysedJob[], after: AnalysedJob[]): JobChange[] {
  const changes: JobChange[] = [];
  const afterByName = new Map(after.map((j) => [j.name, j]));
  const beforeByName = new Map(before.map((j) => [j.name, j]));
  for (const b of before) {
    const a = afterByName.get(b.name);
    if (!a) {
      changes.push({ job: b.name, kind: "removed", fields: [], before: b });
      continue;
    }
    const fb = fieldValues(b);
    const fa = fieldValues(a);
    const fields = (Object.keys(fb) as JobField[])
      .filter((f) => fb[f] !== fa[f])
      .map((f) => ({ field: f, before: fb[f] ?? "", after: fa[f] ?? "" }));
    if (fields.length) changes.push({ job: b.name, kind: "changed", fields, before: b, after: a });
  }
  for (const a of after) if (!beforeByName.has(a.name)) changes.push({ job: a.name, kind: "added", fields: [], after: a });
  return changes;
}

export function contextAnalysis(
  ctx: BranchContext,
  before: AnalysedJob[] | AnalysedPipeline,
  after: AnalysedJob[] | AnalysedPipeline,
  images: ImageChange[] = [],
): ContextAnalysis {
  const b = Array.isArray(before) ? pipeline(ctx, before) : before;
  const a = Array.isArray(after) ? pipeline(ctx, after) : after;
  return { context: ctx, before: b, after: a, changes: diffJobs(b.jobs, a.jobs), images };
}

export function imageChange(repository: string, tagsBefore: string[], tagsAfter: string[], more: Partial<ImageChange> = {}): ImageChange {
  return { repository, tagsBefore, tagsAfter, builtBy: [], dockerfiles: [], usedBy: [], ...more };
}

export function hazard(overrides: Partial<Hazard> & Pick<Hazard, "kind">): Hazard {
  return { severity: "warning", status: "introduced", message: "something to look at", contexts: [], images: [], jobs: [], ...overrides };
}

export function analysis(overrides: Partial<Analysis> = {}): Analysis {
  return {
    dialect: "gitlab-ci",
    base: { sha: "1111111111111111111111111111111111111111", label: "base", diagnostics: [], ciFiles: [".gitlab-ci.yml"] },
    head: { sha: "2222222222222222222222222222222222222222", label: "head", diagnostics: [], ciFiles: [".gitlab-ci.yml"] },
    changedFiles: [".gitlab-ci.yml"],
    ciRelevant: true,
    contexts: [],
    recipes: [],
    hazards: [],
    verdict: { conclusion: "success", title: "", summary: "" },
    ...overrides,
  };
}
