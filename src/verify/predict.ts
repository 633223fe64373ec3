import type { BranchContext } from "../analysis/model.js";
import { changePipelineName } from "../analysis/context-name.js";
import type { Settings } from "../config/settings.js";
import type { FileSource } from "../core/file-source.js";
import type { PipelineSource, RefSpec } from "../gitlab-ci/context.js";
import { simulatePipeline, type SimulateOptions } from "../gitlab-ci/simulate/simulate-pipeline.js";
import { GITHUB_SERVER, sourceOf } from "../github-actions/contexts.js";
import { loadWorkflows } from "../github-actions/load-workflows.js";
import { loadCalled } from "../github-actions/load-called.js";
import type { IncludeResolver } from "../gitlab-ci/load/include-resolver.js";
import { simulateActions } from "../github-actions/simulate.js";
import type { ObservedRun } from "./observed-run.js";
import { predictedRun, type PredictedRun } from "./predicted-run.js";

/** What a real run had that its context needs, beyond its ref and source. */
export interface RunInputs {
  ref: RefSpec;
  source: PipelineSource;
  /** GitHub Actions: the event. */
  event?: string;
  sha: string;
  /** The files the run's `changes:`/`paths:` saw, when the platform says; otherwise unknown. */
  changedFiles?: string[];
  /** Variables the run was given (a schedule's, a manual run's): they win over the settings' own. */
  variables?: Record<string, string | null>;
  /** Whether the branch had an open merge request (GitLab's CI_OPEN_MERGE_REQUESTS). */
  hasOpenMergeRequest?: boolean;
}

/** The project a run belongs to, as the settings and the platform say. */
export interface RunProject {
  settings: Settings;
  path: string;
  defaultBranch: string;
}

/** The pipeline context of a real run: its ref, source and commit, the project's variables and the run's own. */
export function contextForRun(run: RunInputs, project: RunProject, platform: ObservedRun["platform"]): BranchContext {
  const { settings } = project;
  return {
    name: runName(run.ref, run.event ?? run.source),
    origin: { kind: "configured" },
    ref: run.ref,
    source: run.source,
    ...(run.event ? { event: run.event } : {}),
    project: { path: project.path, defaultBranch: project.defaultBranch },
    server: platform === "github" ? { ...GITHUB_SERVER } : { url: settings.serverUrl, registry: settings.registry },
    variables: { ...settings.variables, ...run.variables },
    commitSha: run.sha,
    ...(run.changedFiles ? { changedFiles: [...run.changedFiles] } : {}),
    ...(run.hasOpenMergeRequest !== undefined ? { hasOpenMergeRequest: run.hasOpenMergeRequest } : {}),
  };
}

/** `main (push)`, `tag v1.2 (push)`, `MR !5 feature → main`. */
export function runName(ref: RefSpec, event: string): string {
  if (ref.kind === "mr") return changePipelineName("MR", ref);
  return `${ref.kind === "tag" ? `tag ${ref.name}` : ref.name} (${event})`;
}

/** The GitLab pipeline the engine predicts for one commit (read through `source`) and context. */
export async function predictGitLabRun(source: FileSource, context: BranchContext, options: SimulateOptions = {}): Promise<PredictedRun> {
  return predictedRun(await simulatePipeline(source, context, options));
}

/**
 * The GitHub Actions runs the engine predicts for one commit and event, as one pipeline: the
 * workflows as the analysis loads them (composite actions of the repository, and reusable
 * workflows of other repositories when `remote` reads them).
 */
export async function predictActionsRun(source: FileSource, context: BranchContext, remote?: IncludeResolver): Promise<PredictedRun> {
  const set = await loadCalled(await loadWorkflows(source), source, remote);
  return predictedRun(simulateActions(set, { ...context, source: sourceOf(context.event ?? "push") }).pipeline);
}
