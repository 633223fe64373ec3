import { chooseContexts } from "../../analysis/contexts.js";
import { refMentions } from "../../analysis/ref-mentions.js";
import { loadSettings } from "../../config/load-settings.js";
import type { Settings } from "../../config/settings.js";
import type { PipelineSource, RefSpec } from "../../gitlab-ci/context.js";
import { loadConfig } from "../../gitlab-ci/load/load-config.js";
import { compareRun, type RunCheck } from "../../verify/compare-run.js";
import type { ObservedRun } from "../../verify/observed-run.js";
import { contextForRun, predictGitLabRun, type RunInputs, type RunProject } from "../../verify/predict.js";
import { chosenBranches, type ChosenRef, type VerifiedRef, type VerifyReport } from "../../verify/verify-report.js";
import type { BlobCache } from "../blob-cache.js";
import { MAX_BRANCHES } from "../platform-limits.js";
import { verifyEachRef, type Attempt } from "../verify-refs.js";
import { httpStatusOf, type GitLabApi } from "./gitlab-api.js";
import { lintDryRun, lintRequestFor, mergeRequestEventType, pipelineDetail, pipelineSource, readPipeline } from "./gitlab-runs.js";
import { GitLabBlobs } from "./gitlab-blobs.js";
import { GitLabSource } from "./gitlab-source.js";
import { GitLabIncludeSource } from "./gitlab-include-source.js";
import type { IncludeSource } from "../../core/include-source.js";
import { IncludeResolver } from "../../gitlab-ci/load/include-resolver.js";
import {
  compareSchema,
  mergeRequestDiffSchema,
  mergeRequestSummarySchema,
  pipelineScheduleSchema,
  pipelineSchema,
  pipelineVariableSchema,
  projectSchema,
  refWithCommitSchema,
  versionSchema,
  type PipelineSummary,
} from "./schema.js";

export interface GitLabVerifyOptions {
  api: GitLabApi;
  /** The project's id or `group/project` path. */
  project: number | string;
  /** The instance's URL: CI_SERVER_URL and the like in the simulations. */
  serverUrl: string;
  cache: BlobCache;
  /** Branches to verify instead of those the analysis would choose (the default branch and latest tag stay). */
  branches?: string[];
  /** A line of progress for a person waiting. */
  progress?(line: string): void;
}

/** Pipelines of one ref looked at: the newest of each source is compared. */
const PIPELINES_PER_REF = 20;
/** Merge requests into a branch looked at for the newest MR pipeline. */
const MERGE_REQUESTS_PER_REF = 5;
/** Sources of a ref's own pipelines that are compared; downstream ones (`pipeline`, `parent_pipeline`) are the trigger job's. */
const COMPARED_SOURCES: readonly PipelineSource[] = ["push", "schedule", "web", "api", "trigger"];
/** GitLab's "no commit" SHA: a new branch's first push has no previous commit to compare with. */
const NO_COMMIT = /^0+$/;

/**
 * `ci-explain verify` on GitLab: for the default branch, the branches the analysis would choose
 * and the latest tag, the Lint API's dry run and the newest real pipelines (push, schedule,
 * manual or API runs, MR pipelines into the branch), each compared with the engine's prediction
 * for the same commit, ref and source.
 */
export async function verifyGitLabProject(options: GitLabVerifyOptions): Promise<VerifyReport> {
  const { api } = options;
  const info = projectSchema.parse(await api.project(options.project));
  const projectId = info.id;
  const path = info.path_with_namespace;
  const report: VerifyReport = { platform: "gitlab", project: path, ...(info.web_url ? { url: info.web_url } : {}), refs: [], notes: [] };
  const defaultBranch = info.default_branch ?? undefined;
  const branches = (await api.branches(projectId, MAX_BRANCHES)).map((b) => refWithCommitSchema.parse(b));
  const head = branches.find((b) => b.name === defaultBranch);
  if (!defaultBranch || !head) {
    report.notes.push(`${path} has no default branch with a commit: nothing to verify`);
    return report;
  }
  const blobs = new GitLabBlobs(api, { id: projectId, path }, options.cache);
  const open = (sha: string) => new GitLabSource({ api, project: projectId, sha, cache: options.cache, blobs });
  const loaded = await loadSettings(open(head.commit.id));
  for (const d of loaded.diagnostics) report.notes.push(`${d.pos ? `${d.pos.file}:${d.pos.line}: ` : ""}${d.message}`);
  // The project's own CI configuration path, unless .ci-explain.yml says otherwise.
  const ciConfigPath = loaded.explicit?.has("ci_config_path") ? loaded.settings.ciConfigPath : info.ci_config_path || loaded.settings.ciConfigPath;
  const settings: Settings = { ...loaded.settings, project: path, defaultBranch, serverUrl: options.serverUrl.replace(/\/+$/, ""), ciConfigPath };
  if (ciConfigPath.includes("@")) report.notes.push(`the CI configuration is ${ciConfigPath}, a file of another project: its predictions say it is not analysed`);
  const project: RunProject = { settings, path, defaultBranch };

  const refs = await refsToVerify(options, { projectId, path, settings, head: head.commit.id, branches: branches.map((b) => b.name), open });
  report.notes.push(...refs.notes);
  const shaOf = new Map([...branches.map((b) => [`branch:${b.name}`, b.commit.id] as const), ...refs.tagShas]);
  const version = await api.version().then(
    (v) => versionSchema.parse(v).version,
    () => undefined,
  );
  // Includes from other projects, templates, components: read through the API, as GitLab reads them.
  const includes = new GitLabIncludeSource({ api, serverUrl: settings.serverUrl, project: projectId, cache: options.cache, remoteHosts: settings.includes.remoteHosts });
  const verifier: RefVerifier = { options, projectId, project, open, version, includes };
  report.refs = await verifyEachRef(refs.chosen, (ref) => shaOf.get(`${ref.kind}:${ref.name}`), options.progress, (ref, sha, attempt, verified) => verifyRef(verifier, ref, sha, attempt, verified));
  return report;
}

interface RefVerifier {
  options: GitLabVerifyOptions;
  projectId: number;
  project: RunProject;
  open(sha: string): GitLabSource;
  version: string | undefined;
  includes: IncludeSource;
}

/** The default branch, the branches the analysis would choose (or those asked for), and the latest tag. */
async function refsToVerify(
  options: GitLabVerifyOptions,
  at: { projectId: number; path: string; settings: Settings; head: string; branches: string[]; open(sha: string): GitLabSource },
): Promise<{ chosen: ChosenRef[]; notes: string[]; tagShas: Array<readonly [string, string]> }> {
  const { settings } = at;
  const defaultBranch = settings.defaultBranch ?? "";
  let chosen: ChosenRef[];
  const notes: string[] = [];
  if (options.branches && options.branches.length > 0) {
    const existing = new Set(at.branches);
    chosen = [{ name: defaultBranch, kind: "branch", why: "the default branch" }];
    for (const name of options.branches) {
      if (name === defaultBranch) continue;
      if (existing.has(name)) chosen.push({ name, kind: "branch", why: "asked for" });
      else notes.push(`${name} is not a branch of ${at.path}`);
    }
  } else {
    const config = (await loadConfig(at.open(at.head), { ciPath: settings.ciConfigPath, project: at.path })).config;
    const choice = chooseContexts({ settings, project: at.path, defaultBranch, branches: at.branches, mentions: refMentions(config), changedFiles: [] });
    const branches = chosenBranches(choice.contexts, at.path, new Set(at.branches));
    chosen = branches.refs;
    notes.push(...branches.notes);
  }
  const tagShas: Array<readonly [string, string]> = [];
  const [tag] = (await options.api.tags(at.projectId, 1)).map((t) => refWithCommitSchema.parse(t));
  if (tag) {
    chosen.push({ name: tag.name, kind: "tag", why: "the latest tag" });
    tagShas.push([`tag:${tag.name}`, tag.commit.id]);
  } else notes.push(`${at.path} has no tags`);
  return { chosen, notes, tagShas };
}

async function verifyRef(v: RefVerifier, ref: ChosenRef, sha: string, attempt: Attempt, verified: VerifiedRef): Promise<void> {
  const spec: RefSpec = ref.kind === "tag" ? { kind: "tag", name: ref.name } : { kind: "branch", name: ref.name };
  const openMr = ref.kind === "branch" ? await hasOpenMergeRequest(v, ref.name).catch(() => undefined) : false;
  if (openMr === undefined) verified.notes.push("whether the branch has an open merge request could not be read: CI_OPEN_MERGE_REQUESTS is taken as unset");

  await attempt("CI Lint dry run", async () => {
    const at = { sha, ref: ref.name };
    // An instance whose GET cannot name the commit is sent the configuration's text.
    const content = lintRequestFor(v.version, at, undefined) === undefined ? await v.open(sha).read(v.project.settings.ciConfigPath) : undefined;
    const request = lintRequestFor(v.version, at, content);
    if (!request) {
      verified.notes.push(`CI Lint dry run: ${v.project.settings.ciConfigPath} is not in the commit`);
      return;
    }
    const observed = await lintDryRun(v.options.api, v.projectId, request, { ref: spec, sha });
    verified.checks.push(await compareWith(v, observed, { ref: spec, source: "push", sha, hasOpenMergeRequest: openMr === true }));
  });

  await attempt("pipelines", async () => {
    const summaries = (await v.options.api.pipelines(v.projectId, { ref: ref.name, maxEntries: PIPELINES_PER_REF })).map((p) => pipelineSchema.parse(p));
    for (const source of COMPARED_SOURCES) {
      const newest = summaries.find((p) => p.source === source);
      if (newest) await attempt(`pipeline #${newest.id}`, async () => void verified.checks.push(await realPipeline(v, newest, spec, source, openMr === true)));
    }
  });

  if (ref.kind === "branch") await attempt("merge request pipelines", async () => void (await mergeRequestPipeline(v, ref.name).then((c) => c && verified.checks.push(c))));
}

async function compareWith(v: RefVerifier, observed: ObservedRun, run: RunInputs): Promise<RunCheck> {
  const predicted = await predictGitLabRun(v.open(run.sha), contextForRun(run, v.project, "gitlab"), {
    ciPath: v.project.settings.ciConfigPath,
    project: v.project.path,
    // One resolver per prediction: the simulation of one commit sees one answer per include ref.
    includes: new IncludeResolver(v.includes),
  });
  return compareRun(predicted, observed);
}

/** A real pipeline of the ref, with the variables it was given and the files its push changed. */
async function realPipeline(v: RefVerifier, summary: PipelineSummary, ref: RefSpec, source: PipelineSource, openMr: boolean): Promise<RunCheck> {
  const { api } = v.options;
  const detail = await pipelineDetail(api, v.projectId, summary.id);
  const unseen: string[] = [];
  let variables: Record<string, string | null> = {};
  let changedFiles: string[] | undefined;
  if (source !== "push") {
    const given = await pipelineVariables(v, summary.id);
    if (given) variables = given;
    else unseen.push("the variables the pipeline was created with (not readable with this token)");
    if (source === "schedule") {
      const scheduled = await scheduleVariables(v, summary.id, ref);
      if (scheduled) variables = { ...scheduled, ...variables };
      else unseen.push("the variables of the schedule that ran it (not found among the project's schedules)");
    }
  } else if (ref.kind === "branch" && detail.before_sha && !NO_COMMIT.test(detail.before_sha)) {
    changedFiles = await changedBetween(v, detail.before_sha, summary.sha);
  }
  const observed = await readPipeline(api, v.projectId, summary, { ref, source, unseenInputs: unseen });
  return compareWith(v, observed, { ref, source, sha: summary.sha, variables, ...(changedFiles ? { changedFiles } : {}), hasOpenMergeRequest: source === "push" && openMr });
}

/** The newest pipeline of the newest merge requests into `branch` that have one. */
async function mergeRequestPipeline(v: RefVerifier, branch: string): Promise<RunCheck | undefined> {
  const { api } = v.options;
  const mrs = (await api.mergeRequests(v.projectId, { targetBranch: branch, state: "all", maxEntries: MERGE_REQUESTS_PER_REF })).map((m) => mergeRequestSummarySchema.parse(m));
  for (const mr of mrs) {
    const [newest] = (await api.mergeRequestPipelines(v.projectId, mr.iid)).map((p) => pipelineSchema.parse(p));
    const eventType = newest ? mergeRequestEventType(newest.ref) : undefined;
    if (!newest || !eventType) continue;
    const sourceProject =
      mr.source_project_id !== undefined && mr.source_project_id !== v.projectId ? projectSchema.parse(await api.project(mr.source_project_id)).path_with_namespace : v.project.path;
    const ref: RefSpec = { kind: "mr", source: mr.source_branch, target: mr.target_branch, sourceProject, iid: mr.iid, eventType };
    const changedFiles = [...new Set((await api.diffs(v.projectId, mr.iid)).flatMap((d) => {
      const diff = mergeRequestDiffSchema.parse(d);
      return [diff.old_path, diff.new_path];
    }))];
    const source = pipelineSource(newest.source) ?? "merge_request_event";
    const observed = await readPipeline(api, v.projectId, newest, { ref, source, unseenInputs: [] });
    return compareWith(v, { ...observed, label: `MR !${mr.iid} ${observed.label}` }, { ref, source, sha: newest.sha, changedFiles });
  }
  return undefined;
}

async function hasOpenMergeRequest(v: RefVerifier, branch: string): Promise<boolean> {
  return (await v.options.api.mergeRequests(v.projectId, { sourceBranch: branch, state: "opened", maxEntries: 1 })).length > 0;
}

/** The pipeline's own variables; undefined when this token may not read them (403). */
async function pipelineVariables(v: RefVerifier, id: number): Promise<Record<string, string | null> | undefined> {
  try {
    const list = (await v.options.api.pipelineVariables(v.projectId, id)).map((x) => pipelineVariableSchema.parse(x));
    return Object.fromEntries(list.map((x) => [x.key, x.value ?? ""]));
  } catch (err) {
    if (httpStatusOf(err) === 403 || httpStatusOf(err) === 401) return undefined;
    throw err;
  }
}

/** The variables of the schedule whose last pipeline is `id` (a schedule's variables are not the pipeline's). */
async function scheduleVariables(v: RefVerifier, id: number, ref: RefSpec): Promise<Record<string, string | null> | undefined> {
  const { api } = v.options;
  const name = ref.kind === "mr" ? ref.source : ref.name;
  const schedules = (await api.pipelineSchedules(v.projectId)).map((s) => pipelineScheduleSchema.parse(s));
  for (const s of schedules.filter((x) => x.ref === name || x.ref === `refs/heads/${name}` || x.ref === `refs/tags/${name}`)) {
    const detail = pipelineScheduleSchema.parse(await api.pipelineSchedule(v.projectId, s.id));
    if (detail.last_pipeline?.id === id) return Object.fromEntries((detail.variables ?? []).map((x) => [x.key, x.value ?? ""]));
  }
  return undefined;
}

/** The files a push changed; undefined when GitLab could not compare in time. */
async function changedBetween(v: RefVerifier, from: string, to: string): Promise<string[] | undefined> {
  const compared = compareSchema.parse(await v.options.api.compare(v.projectId, from, to));
  if (compared.compare_timeout) return undefined;
  return [...new Set(compared.diffs.flatMap((d) => [d.old_path, d.new_path]))];
}
