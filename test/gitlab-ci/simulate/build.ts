import { fileURLToPath } from "node:url";
import { MemorySource } from "../../../src/core/memory-source.js";
import type { FileSource } from "../../../src/core/file-source.js";
import type { PipelineContext, RefSpec } from "../../../src/gitlab-ci/context.js";
import type { Pipeline, PipelineJob } from "../../../src/gitlab-ci/pipeline.js";
import { simulatePipeline } from "../../../src/gitlab-ci/simulate/index.js";
import { DirSource } from "../../../src/platforms/local/dir-source.js";

/** A pipeline context with readable defaults: a push to `main` of `qemu-project/qemu` on gitlab.com. */
export function context(over: Partial<PipelineContext> & { ref?: RefSpec } = {}): PipelineContext {
  const ref = over.ref ?? { kind: "branch", name: "main" };
  return {
    ref,
    source: over.source ?? (ref.kind === "mr" ? "merge_request_event" : "push"),
    project: over.project ?? { path: "qemu-project/qemu", defaultBranch: "main" },
    server: over.server ?? { url: "https://gitlab.com", registry: "registry.gitlab.com" },
    variables: over.variables ?? {},
    ...(over.commitSha ? { commitSha: over.commitSha } : {}),
    ...(over.changedFiles ? { changedFiles: over.changedFiles } : {}),
    hasOpenMergeRequest: over.hasOpenMergeRequest ?? false,
  };
}

export const branch = (name: string): RefSpec => ({ kind: "branch", name });
export const tag = (name: string): RefSpec => ({ kind: "tag", name });
export const mr = (source: string, target: string): RefSpec => ({ kind: "mr", source, target, iid: 7 });

/** Simulates a config given as inline files (`.gitlab-ci.yml` first). */
export function simulateYaml(files: Record<string, string> | string, ctx: PipelineContext = context()): Promise<Pipeline> {
  const source = new MemorySource(typeof files === "string" ? { ".gitlab-ci.yml": files } : files);
  return simulatePipeline(source, ctx);
}

export function fixture(name: string): FileSource {
  return new DirSource(fileURLToPath(new URL(`../../fixtures/simulate/${name}`, import.meta.url)));
}

export function job(p: Pipeline, name: string): PipelineJob {
  const j = p.jobs.find((x) => x.name === name);
  if (!j) throw new Error(`no job "${name}" in the pipeline; jobs: ${p.jobs.map((x) => x.name).join(", ")}; ${p.notCreated?.message ?? ""}`);
  return j;
}

export const names = (p: Pipeline): string[] => p.jobs.map((j) => j.name);
