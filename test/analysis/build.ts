/**
 * Hand-built pipelines for the analysis tests: the smallest values that read like the story
 * they tell ("staging pushes debian:latest"), without going through the loader or simulator.
 */
import type { ImageBuild } from "../../src/containers/model.js";
import type { PipelineContext } from "../../src/gitlab-ci/context.js";
import type { When } from "../../src/gitlab-ci/model.js";
import type { Decision, ResolvedText } from "../../src/gitlab-ci/pipeline.js";
import type { RevisionView } from "../../src/analysis/hazards/check.js";
import type { AnalysedJob, AnalysedPipeline, BranchContext, ContextOrigin } from "../../src/analysis/model.js";

export const REGISTRY = "registry.example.com/acme/widget";

export function text(t: string): ResolvedText {
  const unknowns = [...t.matchAll(/«\$(\w+)»/g)].map((m) => m[1]);
  return { text: t, known: unknowns.length === 0, unknowns };
}

export function context(
  name: string,
  opts: { origin?: ContextOrigin; tag?: boolean; mr?: { source: string; target: string }; project?: string } = {},
): BranchContext {
  const ref: PipelineContext["ref"] = opts.mr
    ? { kind: "mr", ...opts.mr }
    : opts.tag
      ? { kind: "tag", name }
      : { kind: "branch", name };
  return {
    name,
    origin: opts.origin ?? { kind: "configured" },
    ref,
    source: opts.mr ? "merge_request_event" : "push",
    project: { path: opts.project ?? "acme/widget", defaultBranch: "main" },
    server: { url: "https://gitlab.example.com", registry: "registry.example.com" },
    variables: {},
  };
}

export interface JobSpec {
  when?: When;
  allowFailure?: boolean;
  stage?: string;
  image?: string;
  needs?: string[];
  /** `push:ref` / `build:ref`, optionally `@dockerfile`. */
  builds?: string[];
  rule?: { if?: string; when?: When; line?: number };
}

export function job(name: string, spec: JobSpec = {}): AnalysedJob {
  const decidedBy: Decision = spec.rule
    ? {
        kind: "rules",
        rule: { index: 0, pos: { file: ".gitlab-ci.yml", line: spec.rule.line ?? 1 }, if: spec.rule.if, when: spec.rule.when },
        trace: [],
      }
    : { kind: "default", trace: [] };
  const builds: ImageBuild[] = (spec.builds ?? []).map((b) => {
    const [action, rest] = b.split(/:(.*)/s);
    const [ref, dockerfile] = rest.split("@");
    return {
      job: name,
      tool: "docker",
      image: text(ref),
      dockerfile: dockerfile === undefined ? undefined : text(dockerfile),
      push: action === "push",
      pos: { file: ".gitlab-ci.yml", line: 10 },
    };
  });
  return {
    name,
    baseName: name,
    stage: spec.stage ?? "test",
    when: spec.when ?? "on_success",
    allowFailure: spec.allowFailure ?? false,
    certainty: "certain",
    presence: "present",
    image: spec.image ? { ref: text(spec.image), raw: spec.image, pos: { file: ".gitlab-ci.yml", line: 5 } } : undefined,
    services: [],
    variables: {},
    needs: spec.needs,
    source: { file: ".gitlab-ci.yml", line: 3 },
    decidedBy,
    beforeScript: [],
    script: [],
    builds,
  };
}

export function pipeline(ctx: BranchContext, jobs: AnalysedJob[] | "not-created"): AnalysedPipeline {
  const created = jobs !== "not-created";
  return {
    context: ctx,
    created,
    creation: "certain",
    unknownInputs: [],
    assumedUnset: [],
    notCreated: created ? undefined : { reason: "workflow-never", message: "workflow rule 1 says never" },
    variables: {
      CI_REGISTRY_IMAGE: { value: text(REGISTRY), raw: REGISTRY, origin: "predefined" },
    },
    stages: [".pre", "containers", "build", "test", ".post"],
    jobs: created ? jobs : [],
    excluded: [],
    errors: [],
    warnings: [],
  };
}

export function revision(
  side: "base" | "head",
  runs: Array<[BranchContext, AnalysedPipeline]>,
  extra: Partial<RevisionView> = {},
): RevisionView {
  return {
    side,
    loads: true,
    diagnostics: [],
    includes: [],
    runs: runs.map(([c, p]) => ({ context: c, pipeline: p })),
    ...extra,
  };
}
