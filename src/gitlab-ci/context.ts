/**
 * A pipeline context: the ref, the pipeline source and the project a simulated pipeline
 * runs for, plus the variables YAML cannot show (project/group/pipeline variables).
 */

/** Every `CI_PIPELINE_SOURCE` value the tool models (the CLI's `--source`, `.ci-explain.yml`'s `source`). */
export const PIPELINE_SOURCES = [
  "push",
  "merge_request_event",
  "schedule",
  "web",
  "api",
  "trigger",
  "pipeline",
  "parent_pipeline",
  "chat",
  "webide",
  "external",
  "external_pull_request_event",
] as const;

export type PipelineSource = (typeof PIPELINE_SOURCES)[number];

export type RefSpec =
  | { kind: "branch"; name: string }
  | { kind: "tag"; name: string }
  | {
      kind: "mr";
      source: string;
      target: string;
      /** `namespace/name` of the source project when it is a fork. */
      sourceProject?: string;
      iid?: number;
      /** `detached` (default), `merged_result` or `merge_train`. */
      eventType?: "detached" | "merged_result" | "merge_train";
    };

export interface PipelineContext {
  ref: RefSpec;
  source: PipelineSource;
  project: {
    /** `namespace/name`, e.g. `qemu-project/qemu`; a subgroup path is fine. */
    path: string;
    defaultBranch: string;
    /**
     * Set when nobody gave the project's path: why. `path` is then only a name to show, and every
     * variable GitLab derives from the path is unknown (but set): rules that read one are uncertain.
     */
    pathUnknown?: string;
  };
  server: {
    /** `https://gitlab.com` */
    url: string;
    /** `registry.gitlab.com` */
    registry: string;
  };
  /**
   * Project, group, instance and pipeline variables. They win over YAML variables
   * (GitLab's precedence). A name present with value `undefined` is explicitly unset; with
   * `null`, declared without a value (`.ci-explain.yml`): GitLab sets it to something not known
   * here, possibly nothing.
   */
  variables: Record<string, string | null>;
  /** The analysed revision, or the run's commit when given (`--sha`). */
  commitSha?: string;
  /**
   * GitHub Actions: the run's commit when given as such (`--sha`): `github.sha` on every event,
   * also where that is not the analysed revision (a pull_request run's test merge commit).
   */
  runSha?: string;
  /** The pull/merge request's head commit, when given (`--pr-head-sha`, `pull_request.head.sha`). */
  prHeadSha?: string;
  /** When the run starts (ISO 8601), when given (`--now`): what clock-dependent values read. */
  now?: string;
  /**
   * GitHub Actions only: the event's webhook payload (`github.event`) as given. What it holds
   * wins over what the tool would otherwise assume; what it lacks is null, as in a real run.
   */
  eventPayload?: Readonly<Record<string, unknown>>;
  /**
   * Files changed for `rules:changes`, as GitLab would compute them for this source;
   * `undefined` when unknown (then `changes:` is reported as unknown, not guessed).
   */
  changedFiles?: string[];
  /** Whether the branch has an open MR (sets CI_OPEN_MERGE_REQUESTS on branch pipelines). */
  hasOpenMergeRequest?: boolean;
  /**
   * GitHub Actions only: the event (`github.event_name`: `push`, `pull_request_target`,
   * `release`, ...). `source` then holds the nearest GitLab pipeline source.
   */
  event?: string;
}

/**
 * What a real run has that the files do not show, when it is given (the CLI's `--sha`,
 * `--pr-number`, ..., a context of `.ci-explain.yml`): the same names for both dialects.
 */
export interface RunInputs {
  /** The run's commit (`CI_COMMIT_SHA`, `github.sha`). */
  sha?: string;
  /** The merge/pull request's number (`CI_MERGE_REQUEST_IID`, `github.event.number`). */
  prNumber?: number;
  /** The pull/merge request's head commit. */
  prHeadSha?: string;
  /** When the run starts (ISO 8601). */
  now?: string;
  /** GitHub Actions: the event (`github.event_name`). */
  event?: string;
  /** GitHub Actions: the event's webhook payload (`github.event`). */
  eventPayload?: Readonly<Record<string, unknown>>;
}

/** Why the project-derived variables are unknown when no path is given. */
export const PROJECT_PATH_NOT_KNOWN = "the project path is not known (set project: or --project)";
/** The name shown for a project whose path nobody gave. */
export const UNNAMED_PROJECT = "group/project";

/** The context's project: the given path, or a name to show whose path is not known. */
export function contextProject(path: string | undefined, defaultBranch: string): PipelineContext["project"] {
  return path !== undefined ? { path, defaultBranch } : { path: UNNAMED_PROJECT, defaultBranch, pathUnknown: PROJECT_PATH_NOT_KNOWN };
}

export const GITLAB_COM = { url: "https://gitlab.com", registry: "registry.gitlab.com" } as const;
