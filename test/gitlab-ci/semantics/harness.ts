import { expect } from "vitest";
import type { PipelineContext } from "../../../src/gitlab-ci/context.js";
import type { Pipeline, PipelineJob } from "../../../src/gitlab-ci/pipeline.js";
import { context, simulateYaml } from "../simulate/build.js";

/** What a user sees of one job: only the fields a row names are compared. */
export interface JobExpect {
  stage?: string;
  when?: PipelineJob["when"];
  allowFailure?: boolean;
  startIn?: string;
  /** The resolved image reference as shown (`«$X»` for unknown parts). */
  image?: string;
  /** `null`: stage order (no `needs:`). */
  needs?: string[] | null;
  /** Resolved variable values; `null` means the variable is not defined for the job. */
  vars?: Record<string, string | null>;
}

/** One documented behaviour: a config, a context and what GitLab does. */
export interface SemanticsCase {
  /** `doc#anchor — behaviour`. */
  name: string;
  files: string | Record<string, string>;
  ctx?: Partial<PipelineContext>;
  /** Whether GitLab creates the pipeline (default true). */
  created?: boolean;
  /** The exact job names GitLab creates, in pipeline order. */
  jobs?: string[];
  /** Per-job details. */
  job?: Record<string, JobExpect>;
  /** A fragment of the first error message (pipeline not created because of it). */
  error?: string;
}

function summarize(j: PipelineJob, want: JobExpect): JobExpect {
  const got: JobExpect = {};
  if (want.stage !== undefined) got.stage = j.stage;
  if (want.when !== undefined) got.when = j.when;
  if (want.allowFailure !== undefined) got.allowFailure = j.allowFailure;
  if (want.startIn !== undefined) got.startIn = j.startIn as string;
  if (want.image !== undefined) got.image = j.image?.ref.text as string;
  if (want.needs !== undefined) got.needs = j.needs ?? null;
  if (want.vars) got.vars = Object.fromEntries(Object.keys(want.vars).map((k) => [k, j.variables[k]?.value.text ?? null]));
  return got;
}

export async function checkCase(c: SemanticsCase): Promise<Pipeline> {
  const p = await simulateYaml(c.files, context(c.ctx ?? {}));
  const messages = [...p.errors.map((e) => e.message), p.notCreated?.message ?? ""].join(" | ");
  if (c.error !== undefined) {
    expect(messages).toContain(c.error);
    expect(p.created).toBe(false);
    return p;
  }
  expect({ created: p.created, why: p.notCreated?.message }).toMatchObject({ created: c.created ?? true });
  if (c.jobs) expect(p.jobs.map((j) => j.name)).toEqual(c.jobs);
  for (const [name, want] of Object.entries(c.job ?? {})) {
    const j = p.jobs.find((x) => x.name === name);
    expect(j, `job ${name} in ${p.jobs.map((x) => x.name).join(", ")}`).toBeDefined();
    expect(summarize(j as PipelineJob, want)).toEqual(want);
  }
  return p;
}
