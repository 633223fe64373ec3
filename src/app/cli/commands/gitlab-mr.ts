import { analyze } from "../../../analysis/analyze.js";
import { analyzeRepository } from "../../../analysis/analyze-repository.js";
import { loadSettings } from "../../../config/load-settings.js";
import type { LoadedSettings, Settings } from "../../../config/settings.js";
import { describeFailure } from "../../../platforms/describe-failure.js";
import { createGitLabReport } from "../../../platforms/gitlab/gitlab-report.js";
import { NO_CI_CHANGE } from "../../../platforms/gitlab/merge-request.js";
import type { MergeRequestRef } from "../../../platforms/gitlab/merge-request-ref.js";
import { GitLabPublisher } from "../../../platforms/gitlab/publisher.js";
import { currentUserSchema } from "../../../platforms/gitlab/schema.js";
import { GitSource, UnknownRevisionError } from "../../../platforms/local/index.js";
import { analyzeForReview } from "../../../platforms/review-flow.js";
import type { CliCommand, CliIo } from "../command.js";
import type { IncludeSource } from "../../../core/include-source.js";
import { optionsHelp, parseCommandLine } from "../options.js";

const OPTION_NAMES = ["dry-run"] as const;

const USAGE = `Usage: ci-explain gitlab-mr [--dry-run]

Runs inside a GitLab CI job of a merge request pipeline: analyses the local checkout
(merge base → head), every CI dialect present (.gitlab-ci.yml and .github/workflows),
writes the one ci-explain note on the MR, and exits 1 when the verdict is a failure (the
job is the gate; no commit status is set).

Options:
${optionsHelp(OPTION_NAMES)}

Environment (set by GitLab in merge request pipelines):
  CI_SERVER_URL, CI_DEFAULT_BRANCH, CI_MERGE_REQUEST_PROJECT_ID,
  CI_MERGE_REQUEST_PROJECT_PATH, CI_MERGE_REQUEST_IID, CI_MERGE_REQUEST_DIFF_BASE_SHA,
  CI_MERGE_REQUEST_SOURCE_BRANCH_NAME, CI_MERGE_REQUEST_TARGET_BRANCH_NAME, CI_COMMIT_SHA;
  optional: CI_REGISTRY, CI_MERGE_REQUEST_SOURCE_PROJECT_PATH (a fork MR)
  CI_EXPLAIN_TOKEN   a token with the api scope (a project access token), to write the note

The job needs the full history: set GIT_DEPTH: 0 (a shallow clone lacks the merge base).`;

const REQUIRED = [
  "CI_SERVER_URL",
  // The merge request's own project: in a fork MR's pipeline CI_PROJECT_ID/PATH name the fork,
  // where an MR with the same iid would be someone else's (predefined variables reference).
  "CI_MERGE_REQUEST_PROJECT_ID",
  "CI_MERGE_REQUEST_PROJECT_PATH",
  "CI_MERGE_REQUEST_IID",
  "CI_MERGE_REQUEST_DIFF_BASE_SHA",
  "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
  "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
  "CI_COMMIT_SHA",
] as const;

export const gitlabMrCommand: CliCommand = {
  name: "gitlab-mr",
  summary: "in a GitLab MR pipeline job: analyse the checkout and write the MR note",
  usage: USAGE,
  options: OPTION_NAMES,
  async run(args, io) {
    const { values } = parseCommandLine(args, OPTION_NAMES);
    const env = io.env;
    const missing = REQUIRED.filter((name) => !env[name]);
    if (missing.length > 0) {
      io.stderr(`ci-explain gitlab-mr: ${missing.join(", ")} not set: run this in a merge request pipeline (rules: if: $CI_PIPELINE_SOURCE == "merge_request_event")\n`);
      return 2;
    }
    const dryRun = values["dry-run"] === true;
    const token = env.CI_EXPLAIN_TOKEN ?? "";
    if (!dryRun && token === "") {
      io.stderr("ci-explain gitlab-mr: CI_EXPLAIN_TOKEN is not set: add a masked CI/CD variable with a token of api scope, or use --dry-run\n");
      return 2;
    }
    const baseSha = String(env.CI_MERGE_REQUEST_DIFF_BASE_SHA);
    const headSha = String(env.CI_COMMIT_SHA);
    let base: GitSource;
    let head: GitSource;
    try {
      head = await GitSource.open(io.cwd, headSha);
    } catch (err) {
      if (!(err instanceof UnknownRevisionError)) throw err;
      io.stderr(`ci-explain gitlab-mr: the commit ${headSha.slice(0, 8)} is not in the checkout at ${io.cwd}\n`);
      return 2;
    }
    try {
      base = await GitSource.open(io.cwd, baseSha);
    } catch (err) {
      if (!(err instanceof UnknownRevisionError)) throw err;
      io.stderr(`ci-explain gitlab-mr: the merge base ${baseSha.slice(0, 8)} is not in this clone (a shallow clone?): set GIT_DEPTH: 0 in the job's variables, or fetch the base (git fetch origin ${baseSha})\n`);
      return 2;
    }
    const serverUrl = String(env.CI_SERVER_URL).replace(/\/+$/, "");
    const projectPath = String(env.CI_MERGE_REQUEST_PROJECT_PATH);
    const mr: MergeRequestRef = {
      projectId: Number(env.CI_MERGE_REQUEST_PROJECT_ID),
      projectPath,
      projectWebUrl: `${serverUrl}/${projectPath}`,
      defaultBranch: env.CI_DEFAULT_BRANCH,
      iid: Number(env.CI_MERGE_REQUEST_IID),
      webUrl: `${serverUrl}/${projectPath}/-/merge_requests/${env.CI_MERGE_REQUEST_IID}`,
      draft: false,
      sourceProjectPath: env.CI_MERGE_REQUEST_SOURCE_PROJECT_PATH || undefined,
      head: { sha: head.sha, ref: String(env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME) },
      base: { sha: base.sha, ref: String(env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME) },
    };
    const loaded = await loadSettings(base);
    const settings = { ...loaded, settings: withInstanceSettings(loaded, env) };
    // Every CI dialect of the repository, as the webhook review does (review-flow.ts): the
    // note shows those the change touches, and the job fails when any of them fails.
    const includeSource = await jobIncludeSource(env, serverUrl, mr.projectId, settings.settings.includes.remoteHosts);
    const review = await analyzeForReview(
      { analyze, analyzeRepository },
      {
        ...(includeSource ? { includeSource } : {}),
        base,
        head,
        baseSha: base.sha,
        headSha: head.sha,
        settings: settings.settings,
        settingsDiagnostics: settings.diagnostics,
        mr: { source: mr.head.ref, target: mr.base.ref, sourceProject: mr.sourceProjectPath ?? projectPath, iid: mr.iid },
      },
    );
    const report = createGitLabReport();
    // No CI change: an earlier note (from a push that touched CI) says it no longer applies; none is started.
    const body = review.ciRelevant ? report.comment(review.analyses, mr, settings) : report.noCiChange(mr);
    const verdict = review.ciRelevant ? report.status(review.analyses, mr) : NO_CI_CHANGE;
    const exitCode = verdict.state === "failed" ? 1 : 0;
    if (dryRun) {
      io.stdout(`${body}\n`);
      return exitCode;
    }
    try {
      // gitbeaker loads only when a note is written: other commands start without it.
      const { createGitLabApi } = await import("../../../platforms/gitlab/gitlab-api.js");
      const api = createGitLabApi({ url: serverUrl, token });
      const bot = currentUserSchema.parse(await api.currentUser());
      const publisher = new GitLabPublisher(api, { project: mr.projectId, iid: mr.iid, webUrl: mr.webUrl, headSha: mr.head.sha }, bot.id);
      const outcome = await publisher.upsertStickyNote(report.marker, body, { create: review.ciRelevant });
      io.stdout(`ci-explain gitlab-mr: ${verdict.description} (note ${outcome})\n`);
    } catch (err) {
      io.stderr(`ci-explain gitlab-mr: could not write the note: ${describeFailure(err)}\n`);
      return 1;
    }
    return exitCode;
  },
};

/**
 * In a pipeline job, other projects' includes are read with CI_EXPLAIN_TOKEN, else with the
 * job's own CI_JOB_TOKEN (it reads what the job token allowlists of those projects let it).
 */
async function jobIncludeSource(env: CliIo["env"], serverUrl: string, project: number, remoteHosts: string[]): Promise<IncludeSource | undefined> {
  const credentials = env.CI_EXPLAIN_TOKEN ? { token: env.CI_EXPLAIN_TOKEN } : env.CI_JOB_TOKEN ? { jobToken: env.CI_JOB_TOKEN } : undefined;
  if (!credentials) return undefined;
  const [{ createGitLabApi }, { GitLabIncludeSource }, { LruBlobCache }] = await Promise.all([
    import("../../../platforms/gitlab/gitlab-api.js"),
    import("../../../platforms/gitlab/gitlab-include-source.js"),
    import("../../../platforms/blob-cache.js"),
  ]);
  return new GitLabIncludeSource({ api: createGitLabApi({ url: serverUrl, ...credentials }), serverUrl, project, cache: new LruBlobCache(), remoteHosts });
}

/**
 * What the pipeline says about the instance, where `.ci-explain.yml` does not say it: the
 * project, its default branch, the server URL and the container registry, from GitLab's
 * predefined variables, so contexts and image refs match this instance, not gitlab.com.
 * A file that names gitlab.com's own URL or registry keeps them (`explicit` says so).
 */
export function withInstanceSettings(loaded: Pick<LoadedSettings, "settings" | "explicit">, env: Record<string, string | undefined>): Settings {
  const { settings } = loaded;
  const given = (name: string) => (env[name] ?? "").trim() || undefined;
  const isSet = (key: string) => loaded.explicit?.has(key) === true;
  return {
    ...settings,
    project: settings.project ?? given("CI_MERGE_REQUEST_PROJECT_PATH") ?? given("CI_PROJECT_PATH"),
    defaultBranch: settings.defaultBranch ?? given("CI_DEFAULT_BRANCH"),
    serverUrl: isSet("server_url") ? settings.serverUrl : (given("CI_SERVER_URL")?.replace(/\/+$/, "") ?? settings.serverUrl),
    registry: isSet("registry") ? settings.registry : (given("CI_REGISTRY") ?? settings.registry),
  };
}
