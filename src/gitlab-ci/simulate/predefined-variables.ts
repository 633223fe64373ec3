import type { PipelineContext } from "../context.js";
import { slugify } from "./ref-slug.js";
import type { VarEntry } from "./variable-entry.js";

/**
 * GitLab's predefined variables for one pipeline context, per availability phase
 * (ci/variables/predefined_variables.md; Ci::Variables::Builder::Pipeline#predefined_variables):
 * - pre-pipeline: usable in `include:rules`, workflow and job rules;
 * - pipeline: usable in workflow and job rules, not in `include:rules`.
 * Job-only variables (CI_JOB_ID, CI_PIPELINE_ID, CI_RUNNER_*, …) are never usable in rules and
 * are left out: in an `image:` they resolve to "unknown" like any variable defined nowhere.
 *
 * Each variable is one of (the table in docs/analysis.md, "Predefined variables"):
 * - known: its value follows from the context (`CI_COMMIT_BRANCH`, `CI_PROJECT_PATH`);
 * - absent: GitLab does not set it in this context (`CI_COMMIT_BRANCH` in tag and MR pipelines);
 * - unknown but non-empty: GitLab always sets it here, to a value not known before the pipeline
 *   exists (`CI_PIPELINE_IID`, `CI_MERGE_REQUEST_IID` without a given number), so `if: $VAR`
 *   holds for sure and only comparisons with its value are unknown;
 * - unknown: set, possibly to an empty value (`CI_COMMIT_MESSAGE`, `CI_PROJECT_DESCRIPTION`);
 * - maybe unset: GitLab sets it only in some cases we cannot tell apart statically, then never
 *   empty (`CI_MERGE_REQUEST_LABELS` only when the MR has labels).
 */

const BLANK_SHA = "0000000000000000000000000000000000000000";

export interface PredefinedOptions {
  /** CI_CONFIG_PATH; `.gitlab-ci.yml` by default. */
  ciPath?: string;
}

/**
 * One entry per distinct predefined variable, shared by every pipeline that has it (entries are
 * never changed): what is resolved from an entry is remembered by entry, so equal values in two
 * pipelines (the project's registry path, `CI`) are then one object, compared by identity.
 */
const interned = new Map<string, VarEntry>();
const INTERNED_LIMIT = 10_000;

function intern(entry: VarEntry): VarEntry {
  const key = `${entry.name}\0${entry.raw}\0${entry.unknown ?? "\u0001"}\0${entry.maybeAbsent ? 1 : 0}${entry.nonEmpty ? 1 : 0}\0${entry.sameValueAs ?? ""}`;
  const known = interned.get(key);
  if (known) return known;
  if (interned.size >= INTERNED_LIMIT) interned.clear();
  interned.set(key, entry);
  return entry;
}

function known(name: string, value: string): VarEntry {
  return intern(knownEntry(name, value));
}

function knownEntry(name: string, value: string): VarEntry {
  return { name, raw: value, expand: false, origin: "predefined" };
}

/** Set by GitLab, possibly to an empty value we cannot know. */
function unknown(name: string, why: string): VarEntry {
  return intern({ name, raw: "", expand: false, origin: "predefined", unknown: why });
}

/**
 * Always set by GitLab in this context, to a non-empty value we cannot know; `sameValueAs` names
 * the value when other variables hold the same one (worlds.ts).
 */
function nonEmpty(name: string, why: string, sameValueAs?: string): VarEntry {
  return intern({ name, raw: "", expand: false, origin: "predefined", unknown: why, nonEmpty: true, ...(sameValueAs !== undefined ? { sameValueAs } : {}) });
}

/** Set by GitLab only in some cases we cannot tell apart statically, and then never empty. */
function maybe(name: string, why: string): VarEntry {
  return intern({ name, raw: "", expand: false, origin: "predefined", unknown: why, maybeAbsent: true, nonEmpty: true });
}

/** The ref name the pipeline runs for: the source branch in MR pipelines (`Ci::Pipeline#source_ref`). */
export function refName(context: PipelineContext): string {
  const ref = context.ref;
  return ref.kind === "mr" ? ref.source : ref.name;
}

/**
 * The instance's own variables (`CI_SERVER_FQDN`, `CI_API_V4_URL`, ...): the same in every
 * context, so include paths that use them (`$CI_SERVER_FQDN/group/components/x@1.0`) can be
 * read before any context is chosen.
 */
export function instanceIncludeVariables(serverUrl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of serverVariables(serverAddress(serverUrl))) if (e.unknown === undefined && /^CI_(SERVER|API)_/.test(e.name)) out[e.name] = e.raw;
  return out;
}

/** The parts of the server URL the predefined variables are made of; undefined when it is not a URL. */
interface ServerAddress {
  protocol: string;
  hostname: string;
  /** With the port only when it is not the protocol's default (`gitlab.example.com:8080`). */
  host: string;
  port: string;
  /** `https://gitlab.example.com/prefix`, without a trailing slash. */
  base: string;
}

function serverAddress(serverUrl: string): ServerAddress | undefined {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return undefined;
  }
  const protocol = url.protocol.replace(/:$/, "");
  const port = url.port || (protocol === "https" ? "443" : "80");
  return { protocol, hostname: url.hostname, host: url.host, port, base: `${protocol}://${url.host}${url.pathname.replace(/\/+$/, "")}` };
}

const NOT_A_URL = "the server URL in the context is not a URL";

function serverVariables(server: ServerAddress | undefined): VarEntry[] {
  if (!server) {
    return ["CI_SERVER_URL", "CI_SERVER_HOST", "CI_SERVER_PORT", "CI_SERVER_PROTOCOL", "CI_SERVER_FQDN", "CI_API_V4_URL", "CI_API_GRAPHQL_URL"].map((n) => unknown(n, NOT_A_URL));
  }
  const { protocol, hostname, host, port, base } = server;
  return [
    known("CI_SERVER_URL", base),
    known("CI_SERVER_HOST", hostname),
    known("CI_SERVER_PORT", port),
    known("CI_SERVER_PROTOCOL", protocol),
    // FQDN carries the port only when it is not the protocol's default (`gitlab.example.com:8080`).
    known("CI_SERVER_FQDN", host),
    known("CI_SERVER_NAME", "GitLab"),
    nonEmpty("CI_SERVER_VERSION", "the GitLab version is not known statically"),
    nonEmpty("CI_SERVER_VERSION_MAJOR", "the GitLab version is not known statically"),
    nonEmpty("CI_SERVER_VERSION_MINOR", "the GitLab version is not known statically"),
    nonEmpty("CI_SERVER_VERSION_PATCH", "the GitLab version is not known statically"),
    nonEmpty("CI_SERVER_REVISION", "the GitLab version is not known statically"),
    nonEmpty("CI_SERVER_SHELL_SSH_HOST", "an instance setting"),
    nonEmpty("CI_SERVER_SHELL_SSH_PORT", "an instance setting"),
    known("CI_API_V4_URL", `${base}/api/v4`),
    known("CI_API_GRAPHQL_URL", `${base}/api/graphql`),
    known("CI_DEPENDENCY_PROXY_SERVER", `${hostname}:${port}`),
  ];
}

/**
 * The variables GitLab derives from the project's path. A path nobody gave (`pathUnknown`) makes
 * each of them unknown but non-empty: a rule that compares one is uncertain, an image named with
 * one is unknown. Each is one value per project (`sameValueAs`), so the MR variables that repeat
 * the project's path are equal to it.
 */
function projectPathVariables(project: PipelineContext["project"], server: ServerAddress | undefined): VarEntry[] {
  const { path, pathUnknown } = project;
  const segments = path.split("/");
  const namespace = segments.slice(0, -1).join("/");
  const proxy = server && `${server.hostname}:${server.port}`;
  const values: Array<[string, string | undefined]> = [
    ["CI_PROJECT_PATH", path],
    ["CI_PROJECT_NAME", segments[segments.length - 1] ?? path],
    ["CI_PROJECT_NAMESPACE", namespace],
    ["CI_PROJECT_ROOT_NAMESPACE", segments[0] ?? path],
    ["CI_PROJECT_PATH_SLUG", slugify(path)],
    ["CI_PROJECT_URL", server && `${server.base}/${path}`],
    ["CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX", proxy && `${proxy}/${segments[0]}/dependency_proxy/containers`],
    ["CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX", proxy && `${proxy}/${namespace}/dependency_proxy/containers`],
  ];
  return values.map(([name, value]) =>
    pathUnknown !== undefined ? nonEmpty(name, pathUnknown, projectValue(name, path)) : value === undefined ? unknown(name, NOT_A_URL) : known(name, value),
  );
}

/** The name of one project's unknown `CI_PROJECT_*` value (an upstream and its fork differ). */
function projectValue(name: string, path: string): string {
  return `${name} of ${path}`;
}

function projectVariables(context: PipelineContext, options: PredefinedOptions, server: ServerAddress | undefined): VarEntry[] {
  const { path, pathUnknown } = context.project;
  const out: VarEntry[] = [
    ...projectPathVariables(context.project, server),
    known("CI_DEFAULT_BRANCH", context.project.defaultBranch),
    known("CI_CONFIG_PATH", options.ciPath ?? ".gitlab-ci.yml"),
    nonEmpty("CI_PROJECT_ID", "the project ID is not known statically"),
    nonEmpty("CI_PROJECT_NAMESPACE_ID", "the namespace ID is not known statically"),
    nonEmpty("CI_PROJECT_TITLE", "a project setting"),
    unknown("CI_PROJECT_DESCRIPTION", "a project setting"),
    nonEmpty("CI_PROJECT_VISIBILITY", "a project setting"),
    unknown("CI_PROJECT_REPOSITORY_LANGUAGES", "computed by GitLab"),
    unknown("CI_PROJECT_CLASSIFICATION_LABEL", "a project setting"),
    unknown("CI_PAGES_DOMAIN", "an instance setting"),
    unknown("CI_PAGES_URL", "an instance setting"),
    unknown("GITLAB_FEATURES", "depends on the GitLab licence"),
    known("CI_TEMPLATE_REGISTRY_HOST", "registry.gitlab.com"),
  ];
  if (context.server.registry) {
    out.push(
      known("CI_REGISTRY", context.server.registry),
      // The registry path is the project's full path in lower case (container registry naming).
      pathUnknown !== undefined ? nonEmpty("CI_REGISTRY_IMAGE", pathUnknown, projectValue("CI_REGISTRY_IMAGE", path)) : known("CI_REGISTRY_IMAGE", `${context.server.registry}/${path.toLowerCase()}`),
    );
  }
  return out;
}

function commitVariables(context: PipelineContext): VarEntry[] {
  const ref = context.ref;
  const name = refName(context);
  const out: VarEntry[] = [
    known("CI_COMMIT_REF_NAME", name),
    known("CI_COMMIT_REF_SLUG", slugify(name)),
    nonEmpty("CI_COMMIT_REF_PROTECTED", "branch protection is a project setting"),
    unknown("CI_COMMIT_MESSAGE", "the commit message is not known statically"),
    unknown("CI_COMMIT_TITLE", "the commit message is not known statically"),
    unknown("CI_COMMIT_DESCRIPTION", "the commit message is not known statically"),
    nonEmpty("CI_COMMIT_AUTHOR", "the commit author is not known statically"),
    nonEmpty("CI_COMMIT_TIMESTAMP", "the commit time is not known statically"),
  ];
  if (context.commitSha) {
    out.push(known("CI_COMMIT_SHA", context.commitSha), known("CI_COMMIT_SHORT_SHA", context.commitSha.slice(0, 8)));
  } else {
    out.push(nonEmpty("CI_COMMIT_SHA", "no commit given"), nonEmpty("CI_COMMIT_SHORT_SHA", "no commit given"));
  }
  // Always the blank SHA for MR pipelines, manual/API/scheduled runs and new refs; the previous
  // tip for a push to an existing branch (predefined_variables.md).
  if (context.source === "push" && ref.kind === "branch") {
    out.push(nonEmpty("CI_COMMIT_BEFORE_SHA", "the previous tip of the branch is not known statically"));
  } else {
    out.push(known("CI_COMMIT_BEFORE_SHA", BLANK_SHA));
  }
  // `pipeline.branch?` is false for MR pipelines; CI_COMMIT_BRANCH only in branch pipelines.
  if (ref.kind === "branch") out.push(known("CI_COMMIT_BRANCH", ref.name));
  if (ref.kind === "tag") {
    out.push(
      known("CI_COMMIT_TAG", ref.name),
      maybe("CI_COMMIT_TAG_MESSAGE", "the tag message is not known statically"),
      maybe("CI_RELEASE_DESCRIPTION", "set only when the tag has a release"),
    );
  }
  return out;
}

function mergeRequestVariables(context: PipelineContext): VarEntry[] {
  const ref = context.ref;
  if (ref.kind !== "mr") return [];
  const { path: project, pathUnknown } = context.project;
  const eventType = ref.eventType ?? "detached";
  const base = context.server.url.replace(/\/+$/, "");
  const iid = ref.iid !== undefined ? String(ref.iid) : undefined;
  // The MR's project is the pipeline's, and so is its source project unless it is a fork: with
  // the project's path not known, they are the project's own unknown path and URL.
  const pathOf = (name: string, fork: string | undefined, value: "CI_PROJECT_PATH" | "CI_PROJECT_URL"): VarEntry => {
    if (fork === undefined && pathUnknown !== undefined) return nonEmpty(name, pathUnknown, projectValue(value, project));
    const path = fork ?? project;
    return known(name, value === "CI_PROJECT_PATH" ? path : `${base}/${path}`);
  };
  const out: VarEntry[] = [
    known("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", ref.source),
    known("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", ref.target),
    known("CI_MERGE_REQUEST_EVENT_TYPE", eventType),
    pathOf("CI_MERGE_REQUEST_PROJECT_PATH", undefined, "CI_PROJECT_PATH"),
    pathOf("CI_MERGE_REQUEST_PROJECT_URL", undefined, "CI_PROJECT_URL"),
    pathOf("CI_MERGE_REQUEST_SOURCE_PROJECT_PATH", ref.sourceProject, "CI_PROJECT_PATH"),
    pathOf("CI_MERGE_REQUEST_SOURCE_PROJECT_URL", ref.sourceProject, "CI_PROJECT_URL"),
    iid ? known("CI_MERGE_REQUEST_IID", iid) : nonEmpty("CI_MERGE_REQUEST_IID", "the MR number is not given"),
    iid
      ? known("CI_MERGE_REQUEST_REF_PATH", `refs/merge-requests/${iid}/head`)
      : nonEmpty("CI_MERGE_REQUEST_REF_PATH", "the MR number is not given"),
    nonEmpty("CI_MERGE_REQUEST_ID", "the MR's instance-wide ID is not known statically"),
    nonEmpty("CI_MERGE_REQUEST_PROJECT_ID", "the project ID is not known statically"),
    nonEmpty("CI_MERGE_REQUEST_SOURCE_PROJECT_ID", "the project ID is not known statically"),
    nonEmpty("CI_MERGE_REQUEST_TITLE", "the MR title is not known statically"),
    unknown("CI_MERGE_REQUEST_DESCRIPTION", "the MR description is not known statically"),
    nonEmpty("CI_MERGE_REQUEST_DESCRIPTION_IS_TRUNCATED", "depends on the MR description"),
    maybe("CI_MERGE_REQUEST_LABELS", "set only when the MR has labels"),
    maybe("CI_MERGE_REQUEST_ASSIGNEES", "set only when the MR has assignees"),
    maybe("CI_MERGE_REQUEST_MILESTONE", "set only when the MR has a milestone"),
    maybe("CI_MERGE_REQUEST_APPROVED", "depends on the MR's approvals"),
    nonEmpty("CI_MERGE_REQUEST_DRAFT", "depends on the MR's draft state"),
    nonEmpty("CI_MERGE_REQUEST_DIFF_ID", "the MR diff version is not known statically"),
    nonEmpty("CI_MERGE_REQUEST_DIFF_BASE_SHA", "the MR diff base is not known statically"),
    nonEmpty("CI_MERGE_REQUEST_SOURCE_BRANCH_PROTECTED", "branch protection is a project setting"),
    nonEmpty("CI_MERGE_REQUEST_TARGET_BRANCH_PROTECTED", "branch protection is a project setting"),
    nonEmpty("CI_MERGE_REQUEST_SQUASH_ON_MERGE", "an MR setting"),
  ];
  // Empty in (detached) MR pipelines; the SHAs only exist for merged results and merge trains.
  if (eventType === "detached") {
    out.push(known("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", ""), known("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", ""));
  } else {
    out.push(
      nonEmpty("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "the merged result's commits are not known statically"),
      nonEmpty("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", "the merged result's commits are not known statically"),
    );
  }
  return out;
}

function openMergeRequests(context: PipelineContext): VarEntry[] {
  const ref = context.ref;
  // "gitlab-org/gitlab!333,…": set in MR pipelines and in branch pipelines whose branch is an
  // open MR's source (Ci::Pipeline#open_merge_requests_refs). The list needs the MR numbers.
  if (ref.kind === "mr") {
    const { path, pathUnknown } = context.project;
    if (ref.iid === undefined) return [nonEmpty("CI_OPEN_MERGE_REQUESTS", "set to the MR reference; the MR number is not given")];
    return [pathUnknown !== undefined ? nonEmpty("CI_OPEN_MERGE_REQUESTS", pathUnknown) : known("CI_OPEN_MERGE_REQUESTS", `${path}!${ref.iid}`)];
  }
  if (ref.kind === "branch") {
    if (context.hasOpenMergeRequest === true) {
      return [nonEmpty("CI_OPEN_MERGE_REQUESTS", "set (the branch has an open MR) to MR references not known statically")];
    }
    if (context.hasOpenMergeRequest === undefined) {
      return [maybe("CI_OPEN_MERGE_REQUESTS", "whether the branch has an open MR is not known")];
    }
  }
  return [];
}

/** Pre-pipeline predefined variables: the only ones `include:rules` may use. */
export function prePipelineVariables(context: PipelineContext, options: PredefinedOptions = {}): VarEntry[] {
  const server = serverAddress(context.server.url);
  return [
    known("CI", "true"),
    known("GITLAB_CI", "true"),
    known("CI_PIPELINE_SOURCE", context.source),
    nonEmpty("CI_PIPELINE_CREATED_AT", "the pipeline's creation time"),
    ...serverVariables(server),
    ...projectVariables(context, options, server),
    ...commitVariables(context),
    ...mergeRequestVariables(context),
    ...openMergeRequests(context),
  ];
}

/** Variables GitLab adds while creating the pipeline: usable in workflow and job rules. */
export function pipelinePhaseVariables(context: PipelineContext): VarEntry[] {
  const out: VarEntry[] = [
    nonEmpty("CI_PIPELINE_IID", "the pipeline number is not known statically"),
    nonEmpty("GITLAB_USER_LOGIN", "depends on who starts the pipeline"),
    nonEmpty("GITLAB_USER_NAME", "depends on who starts the pipeline"),
    nonEmpty("GITLAB_USER_EMAIL", "depends on who starts the pipeline"),
    nonEmpty("GITLAB_USER_ID", "depends on who starts the pipeline"),
  ];
  if (context.source === "trigger") out.push(known("CI_PIPELINE_TRIGGERED", "true"));
  if (context.source === "schedule") {
    out.push(nonEmpty("CI_PIPELINE_SCHEDULE_DESCRIPTION", "the schedule's description is a project setting"));
  }
  return out;
}

/**
 * Per-job predefined variables of the "pipeline" phase (usable in job rules): the job's name,
 * its slug, its stage, and the parallel index/total (CI_NODE_TOTAL is 1 without `parallel`).
 */
export function jobPhaseVariables(job: { name: string; stage: string; nodeIndex?: number; nodeTotal: number }): VarEntry[] {
  // The same job in every context and both revisions gets the same entries: made once and
  // shared (entries are never changed), not five new objects per job per pipeline.
  const key = `${job.name}\0${job.stage}\0${job.nodeTotal}\0${job.nodeIndex ?? ""}`;
  const hit = jobPhaseEntries.get(key);
  if (hit) return hit;
  // Not interned: they are shared through `jobPhaseEntries` already, and there is one set per job.
  const out: VarEntry[] = [
    knownEntry("CI_JOB_NAME", job.name),
    knownEntry("CI_JOB_NAME_SLUG", slugify(job.name)),
    knownEntry("CI_JOB_STAGE", job.stage),
    knownEntry("CI_NODE_TOTAL", String(job.nodeTotal)),
  ];
  if (job.nodeIndex !== undefined) out.push(knownEntry("CI_NODE_INDEX", String(job.nodeIndex)));
  if (jobPhaseEntries.size >= JOB_PHASE_ENTRIES_LIMIT) jobPhaseEntries.clear();
  jobPhaseEntries.set(key, out);
  return out;
}

const jobPhaseEntries = new Map<string, VarEntry[]>();
const JOB_PHASE_ENTRIES_LIMIT = 50_000;
