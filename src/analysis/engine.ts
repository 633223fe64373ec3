import type { ImageBuild } from "../containers/index.js";
import { findImageBuildsMemo } from "./builds-memo.js";
import type { FileSource } from "../core/file-source.js";
import { loadConfig } from "../gitlab-ci/index.js";
import type { PipelineContext } from "../gitlab-ci/context.js";
import type { CiConfig, LoadOptions, LoadResult } from "../gitlab-ci/model.js";
import type { Pipeline, PipelineJob } from "../gitlab-ci/pipeline.js";
import { hasIncludeRules, simulateConfig, simulatePipeline, type JobOutcome, type SimulateStats, type SimulationShare } from "../gitlab-ci/simulate/index.js";

/**
 * The GitLab CI engine as the analysis uses it: load a revision once, simulate it per context,
 * find the image builds in each job. An interface so that tests can run the analysis on
 * hand-built pipelines, and so the analysis states exactly what it needs from the engine.
 */
export interface Engine {
  load(source: FileSource, options: LoadOptions): Promise<LoadResult>;
  /** Simulate one context; re-loads when `include:rules` make the configuration context-dependent. */
  simulate(
    load: LoadResult,
    context: PipelineContext,
    source: FileSource,
    options: LoadOptions,
    stats?: SimulateStats,
    /** Job results shared between the simulations of one analysis (base and head, every context). */
    share?: SimulationShare<JobOutcome>,
  ): Promise<Pipeline>;
  /** `files`: every path of the revision, so that a recipe path can be checked to exist. */
  builds(job: PipelineJob, pipeline: Pipeline, files: ReadonlySet<string>): ImageBuild[];
}

/**
 * The assembled configuration depends on the context when an include has `rules:` or a path
 * with variables (GitLab expands `$CI_COMMIT_REF_NAME` and the like in include paths).
 */
function dependsOnContext(config: CiConfig): boolean {
  return hasIncludeRules(config) || config.includes.some((i) => i.location.includes("$") || i.project?.includes("$") || i.ref?.includes("$"));
}

export const gitlabEngine: Engine = {
  load: (source, options) => loadConfig(source, options),
  simulate: (load, context, source, options, stats, share) =>
    dependsOnContext(load.config)
      ? simulatePipeline(source, context, {
          ciPath: options.ciPath,
          project: options.project,
          ...(stats ? { stats } : {}),
          ...(options.parseCache ? { parseCache: options.parseCache } : {}),
          ...(options.includes ? { includes: options.includes } : {}),
          ...(share ? { share } : {}),
        })
      : simulateConfig(load, context, source, { ciPath: options.ciPath, ...(stats ? { stats } : {}), ...(share ? { share } : {}) }),
  builds: (job, _pipeline, files) =>
    findImageBuildsMemo({
      job: job.name,
      beforeScript: job.beforeScript,
      script: job.script,
      variables: (name) => job.variables[name]?.value,
      fileExists: (path) => files.has(path),
    }),
};
