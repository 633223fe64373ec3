import type { PipelineSource, RefSpec } from "../../gitlab-ci/context.js";
import type { ObservedJob, ObservedRun } from "../../verify/observed-run.js";
import type { GitHubApi, RepoRef } from "./github-api.js";
import { workflowJobSchema, workflowRunSchema, type WorkflowRun } from "./schema.js";

/**
 * What GitHub Actions ran for one commit and event, read into the comparison's shape: the
 * workflow runs (one per workflow) and their jobs, each job named `<workflow> / <job>` as the
 * prediction names it. A job GitHub did not run (its `if:` was false, or a job it needs did
 * not succeed) is listed with the conclusion `skipped`.
 */

/** The jobs of one run, the newest attempt of each (`filter=latest`), every page. */
export async function runJobs(api: GitHubApi, repo: RepoRef, run: WorkflowRun): Promise<ObservedJob[]> {
  const jobs = await api.paginate(api.rest.actions.listJobsForWorkflowRun, { ...repo, run_id: run.id, filter: "latest", per_page: 100 });
  const workflow = run.name ?? run.path ?? "";
  return jobs.map((raw) => {
    const job = workflowJobSchema.parse(raw);
    const status = job.conclusion ?? job.status;
    return { name: `${workflow} / ${job.name}`, stage: workflow, status, ran: status !== "skipped", ...(job.html_url ? { url: job.html_url } : {}) };
  });
}

/** The runs of one commit and event as one run of every workflow (the prediction's shape). */
export async function observedRuns(
  api: GitHubApi,
  repo: RepoRef,
  runs: readonly WorkflowRun[],
  at: { ref: RefSpec; source: PipelineSource; event: string; sha: string; unseenInputs?: string[] },
): Promise<ObservedRun> {
  const jobs = (await Promise.all(runs.map((run) => runJobs(api, repo, run)))).flat();
  const names = runs.map((r) => r.name ?? r.path ?? String(r.id));
  return {
    platform: "github",
    oracle: "runs",
    label: runs.length === 1 ? `run #${runs[0].id} (${names[0]})` : `${runs.length} runs of ${at.sha.slice(0, 8)} (${names.join(", ")})`,
    ...(runs.length === 1 && runs[0].html_url ? { url: runs[0].html_url } : {}),
    ref: at.ref,
    source: at.source,
    event: at.event,
    sha: at.sha,
    created: runs.length > 0,
    errors: [],
    jobs,
    unseenInputs: at.unseenInputs ?? [],
    downstream: [],
  };
}

/** Recent runs of the repository (newest first), filtered as GitHub filters them. */
export async function recentRuns(api: GitHubApi, repo: RepoRef, filter: { branch?: string; event?: string; head_sha?: string; check_suite_id?: number }, perPage = 100): Promise<WorkflowRun[]> {
  const response = await api.rest.actions.listWorkflowRunsForRepo({ ...repo, ...filter, per_page: perPage });
  return response.data.workflow_runs.map((r) => workflowRunSchema.parse(r));
}

/** Of `runs` (newest first), those of the newest commit that has a run of `event`. */
export function newestCommitRuns(runs: readonly WorkflowRun[], event: string, where: (run: WorkflowRun) => boolean = () => true): WorkflowRun[] {
  const newest = runs.find((r) => r.event === event && where(r));
  return newest ? runs.filter((r) => r.event === event && r.head_sha === newest.head_sha && where(r)) : [];
}
