import type { PipelineSource, RefSpec } from "../../gitlab-ci/context.js";
import type { When } from "../../gitlab-ci/model.js";
import { PIPELINE_SOURCES } from "../../gitlab-ci/context.js";
import type { ObservedJob, ObservedRun } from "../../verify/observed-run.js";
import type { GitLabApi, LintRequest } from "./gitlab-api.js";
import { jobSchema, lintResultSchema, pipelineDetailSchema, type JobRecord, type PipelineHook, type PipelineSummary } from "./schema.js";

/**
 * What GitLab says it created, read into the comparison's shape: a CI Lint dry run, a real
 * pipeline's jobs (jobs and bridges APIs), or a Pipeline Hook's jobs.
 */

const WHENS: readonly When[] = ["on_success", "on_failure", "always", "never", "manual", "delayed"];

/**
 * The Lint request an instance of `version` reads as "this commit, for this ref" (the API's
 * GET parameters changed twice, gitlab-org/gitlab#430322):
 * - 16.10 and later: `content_ref` + `dry_run_ref` (`sha` and `ref` deprecated, still read);
 * - 16.5 to 16.9: `sha` + `ref`;
 * - earlier, or a version not readable (`GET /metadata` came in 15.2): GET cannot name the
 *   commit and would lint the default branch's configuration, so the configuration's text is
 *   POSTed with `ref` (the project endpoint's `ref`, gitlab-org/gitlab!79992).
 */
export function lintRequestFor(version: string | undefined, at: { sha: string; ref: string }, content: string | undefined): LintRequest | undefined {
  const [major, minor] = (version?.match(/^(\d+)\.(\d+)/)?.slice(1) ?? []).map(Number);
  if (major !== undefined && minor !== undefined) {
    if (major > 16 || (major === 16 && minor >= 10)) return { method: "GET", names: "content_ref", ...at };
    if (major === 16 && minor >= 5) return { method: "GET", names: "sha", ...at };
  }
  return content === undefined ? undefined : { method: "POST", content, ref: at.ref };
}

/** A CI Lint dry run: the push pipeline GitLab would create for `ref` at `sha`, as a run. */
export async function lintDryRun(api: GitLabApi, project: number | string, request: LintRequest, at: { ref: RefSpec; sha: string }): Promise<ObservedRun> {
  const result = lintResultSchema.parse(await api.lint(project, request));
  const jobs = (result.jobs ?? []).map(
    (j): ObservedJob => ({
      name: j.name,
      stage: j.stage,
      status: "created",
      ...(j.allow_failure !== undefined ? { allowFailure: j.allow_failure } : {}),
      ...(isWhen(j.when) ? { when: j.when } : {}),
      ran: true,
    }),
  );
  return {
    platform: "gitlab",
    oracle: "lint",
    label: "CI Lint dry run",
    ref: at.ref,
    source: "push",
    sha: at.sha,
    // "Pipeline will not run for the selected trigger" is an error too: no pipeline, and why.
    created: result.valid && jobs.length > 0,
    errors: result.errors,
    jobs,
    unseenInputs: [],
    downstream: [],
  };
}

/** What a real pipeline had: its jobs (the newest attempt of each), its trigger jobs and their downstream pipelines. */
export async function readPipeline(
  api: GitLabApi,
  project: number | string,
  summary: PipelineSummary,
  run: { ref: RefSpec; source: PipelineSource; unseenInputs: string[] },
): Promise<ObservedRun> {
  const [jobs, bridges] = await Promise.all([api.pipelineJobs(project, summary.id), api.pipelineBridges(project, summary.id)]);
  const bridgeRecords = bridges.map((b) => jobSchema.parse(b));
  const downstream = bridgeRecords.flatMap((b) =>
    b.downstream_pipeline
      ? [{ job: b.name, pipeline: b.downstream_pipeline.id, ...(b.downstream_pipeline.project_id !== undefined ? { project: b.downstream_pipeline.project_id } : {}), ...(b.downstream_pipeline.web_url ? { url: b.downstream_pipeline.web_url } : {}) }]
      : [],
  );
  const observed = observedJobs([...jobs.map((j) => jobSchema.parse(j)), ...bridgeRecords.map((b) => ({ ...b, bridge: true }))]);
  return pipelineRun({ id: summary.id, sha: summary.sha, ...(summary.web_url ? { url: summary.web_url } : {}) }, run, observed, downstream);
}

/** A real pipeline as a run: `pipeline #<id>` with its jobs (from the jobs API or a Pipeline Hook). */
export function pipelineRun(
  pipeline: { id: number; sha: string; url?: string },
  run: { ref: RefSpec; source: PipelineSource; unseenInputs: string[] },
  jobs: ObservedJob[],
  downstream: ObservedRun["downstream"] = [],
): ObservedRun {
  return {
    platform: "gitlab",
    oracle: "pipeline",
    label: `pipeline #${pipeline.id}`,
    ...(pipeline.url ? { url: pipeline.url } : {}),
    ref: run.ref,
    source: run.source,
    sha: pipeline.sha,
    created: true,
    errors: [],
    jobs,
    unseenInputs: run.unseenInputs,
    downstream,
  };
}

/** One pipeline's details: the commit before the push (for `changes:`) and whether its ref is a tag. */
export async function pipelineDetail(api: GitLabApi, project: number | string, id: number) {
  return pipelineDetailSchema.parse(await api.pipeline(project, id));
}

/**
 * The jobs of a Pipeline Hook (GitLab sends the newest attempt of each build, with its `when`;
 * bridges are not in it, so they come from the API when the prediction has trigger jobs).
 */
export function hookJobs(hook: PipelineHook, bridges: readonly unknown[]): ObservedJob[] {
  const builds = hook.builds.map((b) => ({ ...b, ...(isWhen(b.when) ? { when: b.when } : { when: undefined }) }));
  return observedJobs([...builds, ...bridges.map((b) => ({ ...jobSchema.parse(b), bridge: true }))]);
}

/**
 * Jobs as the comparison reads them. With `include_retried`, a retried job is listed once per
 * attempt: the newest (highest id) is the one the pipeline has. The jobs API says `when` only
 * while a job waits for it: `manual` (not yet played) or `scheduled` (delayed, not yet due).
 */
function observedJobs(records: Array<Pick<JobRecord, "id" | "name" | "stage" | "status" | "allow_failure" | "web_url"> & { when?: When; bridge?: boolean }>): ObservedJob[] {
  const newest = new Map<string, (typeof records)[number]>();
  for (const r of records) {
    const key = `${r.bridge ? "bridge" : "job"}\0${r.name}`;
    const known = newest.get(key);
    if (!known || known.id < r.id) newest.set(key, r);
  }
  return [...newest.values()]
    .sort((a, b) => a.id - b.id)
    .map((r) => {
      const when = r.when ?? (r.status === "manual" ? "manual" : r.status === "scheduled" ? "delayed" : undefined);
      return {
        name: r.name,
        stage: r.stage,
        status: r.status,
        ...(r.allow_failure !== undefined ? { allowFailure: r.allow_failure } : {}),
        ...(when ? { when } : {}),
        ...(r.bridge ? { trigger: true } : {}),
        ...(r.web_url ? { url: r.web_url } : {}),
        ran: true,
      };
    });
}

/** A pipeline's ref as a RefSpec: `refs/merge-requests/:iid/head|merge|train` are merge request pipelines. */
export function mergeRequestEventType(ref: string): "detached" | "merged_result" | "merge_train" | undefined {
  const m = ref.match(/^refs\/merge-requests\/\d+\/(head|merge|train)$/);
  if (!m) return undefined;
  return m[1] === "merge" ? "merged_result" : m[1] === "train" ? "merge_train" : "detached";
}

/** A `source` GitLab reports, if the engine models it. */
export function pipelineSource(source: string | undefined): PipelineSource | undefined {
  return (PIPELINE_SOURCES as readonly string[]).includes(source ?? "") ? (source as PipelineSource) : undefined;
}

function isWhen(value: string | undefined): value is When {
  return (WHENS as readonly string[]).includes(value ?? "");
}
