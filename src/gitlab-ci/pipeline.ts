import type { Diagnostic } from "../core/diagnostic.js";
import type { Pos } from "../core/pos.js";
import type { PipelineContext } from "./context.js";
import type { ScriptLine, When } from "./model.js";

/** Where a variable's value came from, lowest precedence first. */
export type VarOrigin =
  | "predefined"
  | "top-level"
  | "workflow-rule"
  | "job"
  | "matrix"
  | "rule"
  | "context";

/**
 * A resolved string. When part of it cannot be known statically (a variable defined
 * nowhere, a command substitution), `known` is false, `unknowns` names the parts, and
 * `text` shows each such part as `«$NAME»` so nobody mistakes it for a real value.
 */
export interface ResolvedText {
  text: string;
  known: boolean;
  unknowns: string[];
  /**
   * The expansion would pass MAX_EXPANDED_CHARS (gitlab-ci/simulate/expand-variables.ts): it
   * was not built, and the value is unknown for that reason (`text` says so).
   */
  oversized?: true;
}

export interface ResolvedVar {
  /** The value after expansion (for `expand: false`, the literal). */
  value: ResolvedText;
  /** The value as written, before expansion. */
  raw: string;
  origin: VarOrigin;
  /** Where it is written; absent for predefined and context variables. */
  pos?: Pos;
}

/** The result of one `if:` (or only/except clause) for this context. */
export type Truth = true | false | "unknown";

/**
 * Whether a job is in the pipeline (or the pipeline created): for sure, surely not, or
 * "uncertain" when the answer depends on an input that is not known statically.
 */
export type Presence = "present" | "absent" | "uncertain";

/**
 * An input an answer depends on that is not known statically. A certain answer never depends
 * on one; an uncertain answer names those that made it so.
 */
export type UnknownInput =
  /** A variable GitLab (or the project's settings) sets to a value not known here. */
  | { kind: "variable"; name: string; why: string; maybeAbsent?: boolean; nonEmpty?: boolean }
  /**
   * A fact of the push or the project that is not known: the files a push changes
   * (`changes:`), the files of another ref (`exists:`), whether the project has a cluster.
   */
  | { kind: "fact"; why: string }
  /** An include that was not read: what it defines is not known. */
  | { kind: "include"; include: string; why: string; pos: Pos };

export interface RuleTrace {
  index: number;
  pos: Pos;
  if?: string;
  /** The overall result of the rule (`if` ∧ `changes` ∧ `exists`). */
  result: Truth;
  /** The variables the `if:` read and the values it saw (`null` = not defined). */
  reads: Record<string, string | null>;
  /** Why a clause was unknown, e.g. "CI_COMMIT_MESSAGE is not known statically". */
  note?: string;
}

export interface Decision {
  /** How the job's presence and `when` were decided. */
  kind: "rules" | "only-except" | "default" | "workflow";
  /** The matching rule (kind "rules"/"workflow"). */
  rule?: { index: number; pos: Pos; if?: string; when?: When };
  /** Every rule evaluated, in order, up to and including the deciding one. */
  trace: RuleTrace[];
  /** Only/except clauses that decided, in words. */
  explanation?: string;
}

export interface ResolvedImage {
  /** Expanded as the runner does (`name` without a tag means `:latest`). */
  ref: ResolvedText;
  /** As written. */
  raw: string;
  pos: Pos;
}

/** How a job runs: what a rule decides of it besides whether it is there. */
export interface JobRunning {
  when: When;
  allowFailure: boolean;
  allowFailureExitCodes?: number[];
}

export interface PipelineJob {
  /** The job name as GitLab shows it (`build 1/3`, `test: [a, b]`). */
  name: string;
  /** The job key in YAML before `parallel` expansion. */
  baseName: string;
  stage: string;
  when: When;
  /** Whether any failure of the job leaves the pipeline passing (false with exit codes: only those do). */
  allowFailure: boolean;
  /** `allow_failure: exit_codes`: the exit codes whose failure does not fail the pipeline. */
  allowFailureExitCodes?: number[];
  /**
   * The other ways GitLab may run the job, depending on unknown inputs (another rule that may
   * match first): each `when` and `allow_failure` that differs from the one shown.
   */
  mayRunAs?: JobRunning[];
  startIn?: string;
  /**
   * "certain" when the job is in the pipeline, and runs as shown, whatever the unknown inputs
   * are; "uncertain" when an unknown input may leave it out or change how it runs.
   */
  certainty: "certain" | "uncertain";
  /** "uncertain" when an unknown input may leave the job out of the pipeline. */
  presence: "present" | "uncertain";
  /** The unknown inputs that make the job uncertain (none when certain). */
  unknownInputs?: UnknownInput[];
  image?: ResolvedImage;
  services: ResolvedImage[];
  /** Every variable the job sees, with its origin (highest precedence won). */
  variables: Record<string, ResolvedVar>;
  /** `undefined` means no `needs:` (stage order); `[]` means start at once. */
  needs?: string[];
  source: Pos;
  decidedBy: Decision;
  trigger?: { kind: "child" | "project"; target: string };
  beforeScript: ScriptLine[];
  script: ScriptLine[];
  interruptible?: boolean;
}

/** A job that is defined but not in this pipeline, with why. */
export interface ExcludedJob {
  name: string;
  stage: string;
  source: Pos;
  decidedBy: Decision;
  certainty: "certain" | "uncertain";
  /** "uncertain" when an unknown input may put the job in the pipeline after all. */
  presence: "absent" | "uncertain";
  unknownInputs?: UnknownInput[];
}

export interface Pipeline {
  context: PipelineContext;
  /** The answer when every unknown test fails (see `creation`). */
  created: boolean;
  /**
   * "uncertain" when whether GitLab creates the pipeline at all depends on an input that is not
   * known statically (a workflow rule, every job's presence, a need that may be missing).
   */
  creation: "certain" | "uncertain";
  /**
   * "uncertain" when anything in it is: its creation, a job's presence or how a job runs; see
   * the traces for "unless …".
   */
  certainty?: "certain" | "uncertain";
  /** Every unknown input some uncertain answer of this pipeline depends on, each once. */
  unknownInputs: UnknownInput[];
  /**
   * Variables defined nowhere (YAML, settings, command line, predefined for this context) that a
   * rule read: GitLab treats them as unset, and so does the simulation. Listed so that a reader
   * sees what an answer assumed, and what to declare.
   */
  assumedUnset: string[];
  /** Why no pipeline is created (when `created` is false). */
  notCreated?: {
    reason: "config-error" | "workflow-no-match" | "workflow-never" | "no-jobs" | "only-pre-post" | "needs-error";
    message: string;
    pos?: Pos;
  };
  /** The workflow rule that decided, when there are `workflow:rules`. */
  workflow?: Decision;
  /** Pipeline-level variables (predefined, top-level, workflow-rule, context). */
  variables: Record<string, ResolvedVar>;
  stages: string[];
  /** Jobs in the pipeline (`when: never` jobs are in `excluded`). */
  jobs: PipelineJob[];
  excluded: ExcludedJob[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
}
