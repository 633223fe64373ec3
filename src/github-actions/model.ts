import type { Diagnostic } from "../core/diagnostic.js";
import type { Located, Pos } from "../core/pos.js";
import type { ScriptLine } from "../gitlab-ci/model.js";
import type { YNode } from "../gitlab-ci/yaml/node.js";

/**
 * A workflow file as GitHub reads it ("Workflow syntax for GitHub Actions"), before any
 * event is applied. Every value keeps the place it was written.
 */
export interface Workflow {
  /** `.github/workflows/ci.yml` */
  file: string;
  /** `name:`, or the file path as GitHub shows it when there is none. */
  name: string;
  pos: Pos;
  triggers: Trigger[];
  env: EnvEntry[];
  concurrency?: Concurrency;
  jobs: WorkflowJob[];
}

export type FilterKey = "branches" | "branches-ignore" | "tags" | "tags-ignore" | "paths" | "paths-ignore";

export interface PatternFilter {
  key: FilterKey;
  patterns: Located<string>[];
  pos: Pos;
}

export interface InputDef {
  name: string;
  type?: string;
  default?: unknown;
  required: boolean;
  pos: Pos;
}

/** One event under `on:`. */
export interface Trigger {
  event: string;
  pos: Pos;
  /** Activity types (`types: [opened, synchronize]`); undefined means the event's defaults. */
  types?: Located<string>[];
  filters: Partial<Record<FilterKey, PatternFilter>>;
  /** `schedule:` cron lines. */
  crons: Located<string>[];
  /** `workflow_dispatch` / `workflow_call` inputs. */
  inputs: InputDef[];
  /** `workflow_run: workflows:` */
  workflows: Located<string>[];
}

export interface EnvEntry {
  name: string;
  /** The text GitHub gives the value (numbers and booleans as written). */
  value: string;
  pos: Pos;
}

export interface Concurrency {
  group: Located<string>;
  /** `cancel-in-progress:` as written (a boolean or an expression). */
  cancelInProgress?: Located<string>;
  pos: Pos;
}

export interface ContainerDef {
  /** The image as written (may hold `${{ }}`). */
  image: Located<string>;
  /** The service label for `services:`. */
  name?: string;
  pos: Pos;
}

export interface Step {
  index: number;
  pos: Pos;
  id?: string;
  name?: string;
  if?: Located<string>;
  uses?: Located<string>;
  /** `run:` split into lines, each with its own line number. */
  run?: ScriptLine[];
  with: Record<string, Located<string>>;
  env: EnvEntry[];
  workingDirectory?: string;
}

export interface WorkflowJob {
  id: string;
  pos: Pos;
  name?: Located<string>;
  if?: Located<string>;
  needs: Located<string>[];
  /** `runs-on:` as written (labels, or an expression). */
  runsOn?: Located<string>;
  container?: ContainerDef;
  services: ContainerDef[];
  /** `strategy.matrix` left as a node: it may be an expression, or hold some. */
  matrix?: YNode;
  env: EnvEntry[];
  steps: Step[];
  /** A reusable workflow call (`uses: ./.github/workflows/x.yml` or `owner/repo/...@ref`). */
  uses?: Located<string>;
  /** `with:` of a reusable workflow call. */
  with: Record<string, Located<unknown>>;
  concurrency?: Concurrency;
  environment?: Located<string>;
  /** `continue-on-error:` as written (a boolean or an expression, often `${{ matrix.experimental }}`). */
  continueOnError?: Located<string>;
}

export interface WorkflowSet {
  workflows: Workflow[];
  diagnostics: Diagnostic[];
  /** Every file read (workflows, and reusable workflows they call). */
  files: string[];
  /** Reusable workflows of other repositories, by the `uses:` that calls them (`owner/repo/.github/workflows/x.yml@v1`). */
  called?: Map<string, Workflow>;
  /** Why a remote reusable workflow was not read, by its `uses:`. */
  unreadCalls?: Map<string, string>;
  /** Composite actions of this repository, by the `uses:` of the steps that run them (`./.github/actions/build`). */
  actions?: Map<string, CompositeAction>;
}

/** A composite action (`runs: using: composite`): its steps run inside the step that uses it. */
export interface CompositeAction {
  file: string;
  /** `inputs:` with their defaults. */
  inputs: Array<{ name: string; default?: Located<string> }>;
  steps: Step[];
}
