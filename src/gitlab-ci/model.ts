import type { Diagnostic } from "../core/diagnostic.js";
import type { Located, Pos } from "../core/pos.js";
import type { IncludeResolver } from "./load/include-resolver.js";
import type { ParseCache } from "./load/parse-cache.js";

/**
 * The assembled GitLab CI configuration: what GitLab builds from the YAML files
 * (includes merged, `extends`/`!reference`/`default:` resolved) *before* it evaluates
 * any rule. Every value keeps the place that won the merge.
 */

export type When = "on_success" | "on_failure" | "always" | "never" | "manual" | "delayed";

export interface VariableDef {
  name: string;
  /** The literal value as written (not yet expanded). */
  value: string;
  /** `expand: false` keeps `$` literally. */
  expand: boolean;
  pos: Pos;
  description?: string;
}

export interface AllowFailure {
  /** `allow_failure: true|false`, or `allow_failure: { exit_codes }` (which means false for other codes). */
  value: boolean;
  exitCodes?: number[];
}

export interface NeedDef {
  job: string;
  optional: boolean;
  artifacts: boolean;
  /** Cross-project or parent-pipeline needs are recorded, not checked. */
  project?: string;
  pipeline?: string;
  /** `needs:parallel:matrix` — a list of variable → values selections. */
  matrix?: Array<Record<string, string[]>>;
  pos: Pos;
}

export interface RuleDef {
  /** 0-based position in the `rules:` list after `!reference` flattening. */
  index: number;
  pos: Pos;
  if?: Located<string>;
  changes?: { paths: Located<string>[]; compareTo?: Located<string>; pos: Pos };
  exists?: { paths: Located<string>[]; project?: string; ref?: string; pos: Pos };
  when?: Located<When>;
  allowFailure?: Located<AllowFailure>;
  startIn?: Located<string>;
  variables: VariableDef[];
  needs?: NeedDef[];
  interruptible?: Located<boolean>;
}

export interface OnlyExceptDef {
  pos: Pos;
  /** Branch names, `/regex/`, `name@group/project`, or keywords such as `branches`, `tags`, `merge_requests`. */
  refs?: Located<string>[];
  /** Expressions; the policy holds if any one matches. */
  variables?: Located<string>[];
  changes?: { paths: Located<string>[]; compareTo?: Located<string> };
  kubernetes?: Located<string>;
}

export interface ImageDef {
  /** The image name as written, before variable expansion. */
  name: Located<string>;
  entrypoint?: string[];
  alias?: string;
  pos: Pos;
}

export interface ScriptLine {
  text: string;
  pos: Pos;
}

export interface ParallelDef {
  pos: Pos;
  /** `parallel: N` */
  count?: number;
  /** `parallel: matrix:` — each entry maps a variable to its values (a scalar becomes a one-element list). */
  matrix?: Array<Array<{ name: string; values: string[] }>>;
}

export interface TriggerDef {
  pos: Pos;
  /** `trigger: include:` starts a child pipeline; `trigger: project` a multi-project pipeline. */
  kind: "child" | "project";
  project?: string;
  branch?: string;
  include?: string[];
  strategy?: string;
  forwardPipelineVariables?: boolean;
  forwardYamlVariables?: boolean;
}

export interface InheritDef {
  /** `inherit:default` — true (all), false (none), or the keywords to inherit. */
  default: boolean | string[];
  /** `inherit:variables` — true (all), false (none), or the names to inherit. */
  variables: boolean | string[];
}

export interface JobDef {
  name: string;
  /** Where the job's key is written. */
  pos: Pos;
  /** The `extends` parents as written, in order (already applied). */
  extends: string[];
  stage: Located<string>;
  when?: Located<When>;
  allowFailure?: Located<AllowFailure>;
  startIn?: Located<string>;
  rules?: RuleDef[];
  only?: OnlyExceptDef;
  except?: OnlyExceptDef;
  /** After `default:`/top-level inheritance, as GitLab applies it (respecting `inherit:default`). */
  image?: ImageDef;
  services: ImageDef[];
  /** Job-level `variables:` after `extends` (not including top-level ones). */
  variables: VariableDef[];
  inherit: InheritDef;
  needs?: NeedDef[];
  /** `dependencies:` as written: the jobs whose artifacts are fetched. */
  dependencies?: Located<string>[];
  parallel?: ParallelDef;
  trigger?: TriggerDef;
  beforeScript: ScriptLine[];
  script: ScriptLine[];
  afterScript: ScriptLine[];
  interruptible?: Located<boolean>;
  environment?: Located<string>;
  resourceGroup?: Located<string>;
  tags: Located<string>[];
  /**
   * What the job lacks in the files read that an include not read may supply (its `script`, its
   * `stage`, an `extends` parent or `!reference` target): how it runs is then not known.
   */
  unreadParts?: string[];
}

export type IncludeKind = "local" | "project" | "remote" | "template" | "component" | "artifact";

export interface IncludeRecord {
  kind: IncludeKind;
  /** The path, URL, template or component as written. */
  location: string;
  /** For `project:` includes. */
  project?: string;
  ref?: string;
  pos: Pos;
  /** `loaded`, skipped by its `rules:` for this evaluation, or recorded as not analysed (external). */
  status: "loaded" | "not-analysed" | "skipped-by-rules" | "error";
  /** Its `include:rules` cannot be decided statically: taken as included, so what it defines may be absent. */
  rulesUnknown?: boolean;
  rules?: RuleDef[];
  /** `include:inputs` as written. */
  inputs?: Record<string, unknown>;
  /** The repository files this include resolved to (wildcards may give many); external files by their display name. */
  files: string[];
  /** For an include read from outside the repository: what was read, at which commit. */
  external?: ExternalRead;
  /** Why an include outside the repository was not read (it stays unknown). */
  unread?: string;
}

/** Which version of an external include was read: `freedesktop/ci-templates@593a0a5f…`. */
export interface ExternalRead {
  /** The project path, the template name or the URL. */
  target: string;
  /** As written: the `ref:` of a project include, the `@version` of a component. */
  ref?: string;
  /** The commit read (a folder of pinned copies: the ref itself). */
  commit?: string;
  /** The release a component's `~latest` or partial version (`1.2`) resolved to. */
  version?: string;
}

export interface WorkflowDef {
  pos: Pos;
  rules?: RuleDef[];
  name?: Located<string>;
}

export interface CiConfig {
  /** The root file, e.g. `.gitlab-ci.yml`. */
  root: string;
  /** Every repository file that contributed to the config, root first. */
  files: string[];
  /** Stages in order, always starting with `.pre` and ending with `.post`. */
  stages: Located<string>[];
  /** Top-level `variables:` (after includes). */
  variables: VariableDef[];
  workflow?: WorkflowDef;
  /** Visible jobs in definition order (hidden `.jobs` are templates only). */
  jobs: JobDef[];
  includes: IncludeRecord[];
  /**
   * Why job definitions were left out (past `LoadLimits.maxJobs`): the pipeline holds jobs not
   * analysed, so whether it is created and which jobs it has are not known in full.
   */
  jobsLeftOut?: string;
}

export interface LoadResult {
  config: CiConfig;
  /** Errors and warnings from every file; one bad file does not hide the others. */
  diagnostics: Diagnostic[];
}

/** Guard rails against hostile or broken input; each breach is a diagnostic, never a hang. */
export interface LoadLimits {
  /** Bytes of one file (GitLab: 2 MB, `max_yaml_size_bytes`). */
  maxFileBytes: number;
  /** Bytes of all included files together, each inclusion counted (ours; GitLab: 150 × 2 MB). */
  maxTotalBytes: number;
  /** Included files, duplicates counted (GitLab: 150). */
  maxIncludes: number;
  /** Nested include levels (GitLab: 100). */
  maxIncludeDepth: number;
  /** YAML nesting levels (GitLab: 100). */
  maxNestingDepth: number;
  /** Values one document may expand to through aliases. */
  maxExpandedNodes: number;
  /** `extends` ancestors of one job (GitLab: 10 above the job, 11 levels in all). */
  maxExtendsDepth: number;
  /**
   * Jobs of one pipeline after `parallel` (ours: GitLab caps each `parallel` at 200, not the
   * total an analysis must hold); past it the remaining definitions are not analysed.
   */
  maxJobs: number;
  /** Nested `!reference` levels (GitLab: 10). */
  maxReferenceDepth: number;
}

export interface LoadOptions {
  /** The root CI file; GitLab's default is `.gitlab-ci.yml`. */
  ciPath?: string;
  /** `namespace/name` of the analysed project: `include:project` of this project is read from the same source. */
  project?: string;
  /** The ref the source is at, when known; `include:project` with another `ref` is then only approximated. */
  ref?: string;
  /**
   * Pre-pipeline variables GitLab expands in include paths (`CI_PROJECT_PATH`,
   * `CI_COMMIT_REF_NAME`, project variables, ...). A path with any other variable is not analysed.
   */
  includeVariables?: Record<string, string>;
  /**
   * Decides `include:rules` for one evaluation context. Absent: every include is taken.
   * `"unknown"`: the include is taken and a warning says so.
   */
  includeRuleMatches?: (rules: RuleDef[]) => boolean | "unknown";
  /** Pipeline inputs for the root file's `spec:inputs`. */
  inputs?: Record<string, unknown>;
  limits?: Partial<LoadLimits>;
  /** Parsed files to reuse across loads (base and head, re-loads for `include:rules`). */
  parseCache?: ParseCache;
  /**
   * Reads project, component, template and remote includes. Absent: they are not read, and the
   * report says so (never a network call nobody asked for).
   */
  includes?: IncludeResolver;
}
