import type { PipelineSource, RefSpec } from "../gitlab-ci/context.js";
import type { When } from "../gitlab-ci/model.js";

/**
 * What a platform says it created for one commit, ref and source: GitLab's CI Lint dry run,
 * a real GitLab pipeline, or the GitHub Actions runs of one event. The platform's answer, in
 * the shape the comparison reads; every reader (API, webhook) fills it from its own reply.
 */
export interface ObservedRun {
  platform: "gitlab" | "github";
  /** `lint`: GitLab's pipeline creation simulation; `pipeline`/`runs`: what really ran. */
  oracle: "lint" | "pipeline" | "runs";
  /** A label for people: `pipeline #1234`, `lint dry run`, `runs of 3f2a9c1e (push)`. */
  label: string;
  url?: string;
  ref: RefSpec;
  source: PipelineSource;
  /** GitHub Actions: the event (`push`, `pull_request`, `schedule`, ...). */
  event?: string;
  sha: string;
  /** False when the platform created no pipeline (the dry run's "will not run", a config error). */
  created: boolean;
  /** The platform's reasons when it created none, or its errors. */
  errors: string[];
  jobs: ObservedJob[];
  /**
   * Inputs the real run had that the reader could not see (a schedule's variables, a manual
   * run's variables): a disagreement may come from them, so it is not counted as certain.
   */
  unseenInputs: string[];
  /** Downstream (child or multi-project) pipelines the trigger jobs started; their jobs are not compared. */
  downstream: Array<{ job: string; pipeline: number; project?: number; url?: string }>;
}

export interface ObservedJob {
  /** As the platform names it; GitHub Actions jobs as `<workflow> / <job>`, as the prediction names them. */
  name: string;
  /** GitLab's stage; for GitHub Actions the workflow's name. */
  stage: string;
  /** The platform's status or conclusion (`manual`, `skipped`, `success`, ...). */
  status: string;
  /** Undefined when the platform does not report it (GitHub's jobs API). */
  allowFailure?: boolean;
  /**
   * The job's `when`, when the platform says it: GitLab's Lint dry run and Pipeline Hook do; the
   * jobs API only shows it while a job waits (`manual`, `scheduled` for delayed).
   */
  when?: When;
  /** GitLab's bridge (trigger) job. */
  trigger?: boolean;
  /**
   * False for a job GitHub lists as `skipped`: its `if:` was false, or a job it needs did not
   * succeed. True for a job created to run (GitLab creates only the jobs in the pipeline).
   */
  ran: boolean;
  url?: string;
}
