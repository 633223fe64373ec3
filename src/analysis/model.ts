import type { IncludeVersion } from "./include-versions.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { Pos } from "../core/pos.js";
import type { ImageBuild } from "../containers/model.js";
import type { PipelineContext } from "../gitlab-ci/context.js";
import type { Pipeline, PipelineJob } from "../gitlab-ci/pipeline.js";
import type { PredictedRun } from "../verify/predicted-run.js";

/** How a branch context was chosen, said to the user next to it. */
export type ContextOrigin =
  | { kind: "default-branch" }
  | { kind: "mr-target" }
  | { kind: "mr-pipeline" }
  | { kind: "tag" }
  | { kind: "fork" }
  | { kind: "configured" }
  | { kind: "command" }
  /** A branch name the CI's own rules test: a literal, or a name synthesised to match a regex. */
  | { kind: "rule-literal"; pos: Pos; text: string }
  | { kind: "rule-regex"; pos: Pos; pattern: string; synthesised: boolean }
  /** A run started by an event other than a push or a PR (GitHub Actions `on: schedule`, `workflow_dispatch`, `release`). */
  | { kind: "event"; pos: Pos; event: string };

export interface BranchContext extends PipelineContext {
  /** Short display name: `master`, `staging-8.0`, `tag v1.0.0`, `MR feature → master`, `fork push`. */
  name: string;
  origin: ContextOrigin;
}

/** A job in a simulated pipeline, with the images its script builds. */
export interface AnalysedJob extends PipelineJob {
  builds: ImageBuild[];
}

export interface AnalysedPipeline extends Omit<Pipeline, "jobs"> {
  jobs: AnalysedJob[];
}

export type JobField = "when" | "allowFailure" | "stage" | "image" | "needs" | "decidedBy" | "builds" | "variables" | "presence";

export interface JobChange {
  job: string;
  kind: "added" | "removed" | "changed";
  /** For "changed": the fields that differ, rendered as short strings. */
  fields: Array<{ field: JobField; before: string; after: string }>;
  before?: AnalysedJob;
  after?: AnalysedJob;
  /** The job only may be added or removed: its presence (or the pipeline's creation) depends on unknown inputs. */
  uncertain?: true;
}

/** An image repository (reference without tag) and what happens to it in one context. */
export interface ImageChange {
  /** `registry/group/project/name` */
  repository: string;
  /** Tags pushed before / after (empty when not pushed on that side). */
  tagsBefore: string[];
  tagsAfter: string[];
  /** Jobs that build it, and the recipes they build from (after side, else before). */
  builtBy: string[];
  dockerfiles: string[];
  /** Jobs whose `image:`/`services:` is this repository (any tag), after side. */
  usedBy: string[];
}

export interface ContextAnalysis {
  context: BranchContext;
  before: AnalysedPipeline;
  after: AnalysedPipeline;
  /** Jobs added, removed, or changed in something a user sees (see `compareJobs`). */
  changes: JobChange[];
  /**
   * Jobs that run exactly as before but are decided by another rule: a detail, never counted as
   * a change. Empty (or absent, in a hand-built value) when there are none.
   */
  redecided?: JobChange[];
  images: ImageChange[];
}

export type HazardKind =
  | "config-error"
  | "image-tag-collision"
  | "image-not-built"
  | "dockerfile-not-rebuilt"
  | "pipeline-lost"
  | "jobs-lost"
  | "jobs-manual"
  | "allow-failure"
  | "duplicate-pipelines"
  | "needs-missing"
  | "not-analysed"
  /** GitHub Actions: runs of different branches enter one `concurrency:` group and cancel each other. */
  | "concurrency-cancel"
  /** A reference Docker refuses (a `/` or an upper-case letter where it may not be): the build or pull fails. */
  | "invalid-image-reference";

export type HazardSeverity = "error" | "warning" | "notice";

export interface Hazard {
  kind: HazardKind;
  severity: HazardSeverity;
  /** Compared with the base: new in head, gone in head, or present in both. */
  status: "introduced" | "fixed" | "unchanged";
  message: string;
  contexts: string[];
  images: string[];
  jobs: string[];
  source?: Pos;
  /**
   * `image-not-built`: the other analysed contexts whose pipelines push the image this
   * context runs in without building it (whatever the last of them pushed is what runs).
   */
  publishedBy?: string[];
  /** Not certain to happen (an unknown part in an image reference, a job that only may run); severity is then `notice`. */
  possible?: true;
}

export interface Recipe {
  path: string;
  changed: boolean;
  /** Context name → jobs that rebuild this recipe there (after side). */
  builtIn: Record<string, string[]>;
}

export interface Verdict {
  conclusion: "success" | "neutral" | "failure";
  title: string;
  summary: string;
}

export interface RevisionInfo {
  /** Commit SHA when known. */
  sha?: string;
  label: string;
  /** Load errors of this side's configuration. */
  diagnostics: Diagnostic[];
  /** Every CI file that contributed (root first). */
  ciFiles: string[];
}

export interface Analysis {
  dialect: "gitlab-ci" | "github-actions";
  base: RevisionInfo;
  head: RevisionInfo;
  /** Files the change touches (when known). */
  changedFiles: string[];
  /** True when the change touches a CI file, a container recipe or the bot's own config. */
  ciRelevant: boolean;
  contexts: ContextAnalysis[];
  recipes: Recipe[];
  hazards: Hazard[];
  verdict: Verdict;
  /**
   * What the reader should know about how the analysis was made: assumptions (project path,
   * default branch), branch names that could not be synthesised, contexts dropped by the cap.
   */
  notes?: string[];
  /** Includes read from other projects (project, component, template, remote): which version each side read. */
  includesRead?: IncludeVersion[];
  /**
   * Problems in the bot's own settings file (`.ci-explain.yml`), each with file:line, as the
   * platform found them (`AnalyzeInput.settingsDiagnostics`). The analysis ran with defaults for
   * what could not be read; they do not change the verdict. Absent when there are none.
   */
  settingsDiagnostics?: Diagnostic[];
  /**
   * The pipelines the change's head commit itself gets, as predicted: the merge/pull request's
   * pipeline and the push of its source branch while it is open. Only for a real change (its
   * head SHA and merge request known): the bot keeps them to compare with what the platform
   * runs (docs/verify.md). Plain data, small.
   */
  predictions?: PredictedRun[];
}
