import { loadSettings } from "../../config/load-settings.js";
import type { Settings } from "../../config/settings.js";
import type { RefSpec } from "../../gitlab-ci/context.js";
import { chooseActionsContexts, sourceOf } from "../../github-actions/contexts.js";
import { loadWorkflows } from "../../github-actions/load-workflows.js";
import { compareRun, type RunCheck } from "../../verify/compare-run.js";
import { contextForRun, predictActionsRun, type RunInputs, type RunProject } from "../../verify/predict.js";
import { chosenBranches, type ChosenRef, type VerifiedRef, type VerifyReport } from "../../verify/verify-report.js";
import type { BlobCache } from "../blob-cache.js";
import { describeFailure } from "../describe-failure.js";
import { MAX_BRANCHES } from "../platform-limits.js";
import { verifyEachRef, type Attempt } from "../verify-refs.js";
import type { GitHubApi, RepoRef } from "./github-api.js";
import { newestCommitRuns, observedRuns, recentRuns } from "./github-runs.js";
import { GitHubBlobs } from "./github-blobs.js";
import { GitHubSource } from "./github-source.js";
import { GitHubIncludeSource } from "./github-include-source.js";
import { IncludeResolver } from "../../gitlab-ci/load/include-resolver.js";
import { namedCommitSchema, pullRequestFileSchema, type WorkflowRun } from "./schema.js";

export interface GitHubVerifyOptions {
  api: GitHubApi;
  owner: string;
  repo: string;
  cache: BlobCache;
  /** Branches to verify instead of those the analysis would choose (the default branch and latest tag stay). */
  branches?: string[];
  progress?(line: string): void;
}

/** Events of a branch's or tag's own runs that are compared (pull requests are looked up by their target). */
const COMPARED_EVENTS = ["push", "schedule", "workflow_dispatch"] as const;

/**
 * `ci-explain verify` on GitHub: for the default branch, the branches the workflows' filters
 * name and the latest tag, the newest runs of each event (and the newest pull request runs into
 * each branch), compared with the engine's prediction for the same commit and event.
 */
export async function verifyGitHubRepository(options: GitHubVerifyOptions): Promise<VerifyReport> {
  const { api } = options;
  const repo: RepoRef = { owner: options.owner, repo: options.repo };
  const info = (await api.rest.repos.get({ ...repo })).data;
  const fullName = info.full_name;
  const report: VerifyReport = { platform: "github", project: fullName, url: info.html_url, refs: [], notes: [] };
  const defaultBranch = info.default_branch;
  const branches: Array<{ name: string; sha: string }> = [];
  await api.paginate(api.rest.repos.listBranches, { ...repo, per_page: 100 }, (response, done) => {
    for (const b of response.data) {
      const branch = namedCommitSchema.parse(b);
      branches.push({ name: branch.name, sha: branch.commit.sha });
    }
    if (branches.length >= MAX_BRANCHES) done();
    return [];
  });
  const head = branches.find((b) => b.name === defaultBranch);
  if (!head) {
    report.notes.push(`${fullName} has no default branch with a commit: nothing to verify`);
    return report;
  }
  const blobs = new GitHubBlobs(api, repo, options.cache);
  const open = (sha: string) => new GitHubSource({ api, ...repo, sha, cache: options.cache, blobs });
  const loaded = await loadSettings(open(head.sha));
  for (const d of loaded.diagnostics) report.notes.push(`${d.pos ? `${d.pos.file}:${d.pos.line}: ` : ""}${d.message}`);
  const settings: Settings = { ...loaded.settings, project: fullName, defaultBranch };
  const project: RunProject = { settings, path: fullName, defaultBranch };

  const chosen: ChosenRef[] = [];
  if (options.branches && options.branches.length > 0) {
    chosen.push({ name: defaultBranch, kind: "branch", why: "the default branch" });
    for (const name of options.branches.filter((n) => n !== defaultBranch)) {
      if (branches.some((b) => b.name === name)) chosen.push({ name, kind: "branch", why: "asked for" });
      else report.notes.push(`${name} is not a branch of ${fullName}`);
    }
  } else {
    const workflows = (await loadWorkflows(open(head.sha))).workflows;
    const choice = chooseActionsContexts({ repository: fullName, defaultBranch, workflows, settings, branches: branches.map((b) => b.name) });
    const found = chosenBranches(choice.contexts, fullName, new Set(branches.map((b) => b.name)));
    chosen.push(...found.refs);
    report.notes.push(...found.notes);
  }
  const tag = await latestTag(api, repo);
  if (tag) chosen.push({ name: tag.name, kind: "tag", why: "the latest tag" });
  else report.notes.push(`${fullName} has no tags`);

  const pullRuns = await recentRuns(api, repo, { event: "pull_request" }).catch((err: unknown) => {
    report.notes.push(`pull request runs: ${describeFailure(err)}`);
    return [] as WorkflowRun[];
  });
  const context: RepoVerifier = { api, cache: options.cache, repo, project, open, pullRuns };
  const shaOf = (ref: ChosenRef) => (ref.kind === "tag" ? tag?.sha : branches.find((b) => b.name === ref.name)?.sha);
  report.refs = await verifyEachRef(chosen, shaOf, options.progress, (ref, sha, attempt, verified) => verifyRef(context, ref, sha, attempt, verified));
  return report;
}

interface RepoVerifier {
  api: GitHubApi;
  cache: BlobCache;
  repo: RepoRef;
  project: RunProject;
  open(sha: string): GitHubSource;
  pullRuns: WorkflowRun[];
}

/** The latest release's tag, else the first tag GitHub lists. */
async function latestTag(api: GitHubApi, repo: RepoRef): Promise<{ name: string; sha: string } | undefined> {
  try {
    const release = (await api.rest.repos.getLatestRelease({ ...repo })).data;
    const commit = (await api.rest.repos.getCommit({ ...repo, ref: `tags/${release.tag_name}` })).data;
    return { name: release.tag_name, sha: commit.sha };
  } catch (err) {
    if (!(typeof err === "object" && err !== null && "status" in err && err.status === 404)) throw err;
  }
  const [tag] = (await api.rest.repos.listTags({ ...repo, per_page: 1 })).data.map((t) => namedCommitSchema.parse(t));
  return tag ? { name: tag.name, sha: tag.commit.sha } : undefined;
}

async function verifyRef(v: RepoVerifier, ref: ChosenRef, _sha: string, attempt: Attempt, verified: VerifiedRef): Promise<void> {
  const spec: RefSpec = ref.kind === "tag" ? { kind: "tag", name: ref.name } : { kind: "branch", name: ref.name };
  await attempt("workflow runs", async () => {
    const runs = await recentRuns(v.api, v.repo, { branch: ref.name });
    for (const event of COMPARED_EVENTS) {
      const group = newestCommitRuns(runs, event);
      if (group.length === 0) continue;
      // A manual run's inputs are not in the runs API: a difference may come from them.
      const unseenInputs = event === "workflow_dispatch" ? ["the inputs the manual run was given"] : [];
      await attempt(`${event} runs`, async () => void verified.checks.push(await compareRuns(v, group, { ref: spec, source: sourceOf(event), event, sha: group[0].head_sha }, unseenInputs)));
    }
  });
  if (ref.kind === "branch") {
    const group = newestCommitRuns(v.pullRuns, "pull_request", (r) => r.pull_requests.some((p) => p.base.ref === ref.name));
    const pr = group[0]?.pull_requests.find((p) => p.base.ref === ref.name);
    if (pr) {
      await attempt(`pull request #${pr.number} runs`, async () => {
        const files = await v.api.paginate(v.api.rest.pulls.listFiles, { ...v.repo, pull_number: pr.number, per_page: 100 });
        const changedFiles = [...new Set(files.flatMap((f) => {
          const file = pullRequestFileSchema.parse(f);
          return file.previous_filename ? [file.filename, file.previous_filename] : [file.filename];
        }))];
        const at = { ref: { kind: "mr", source: pr.head.ref, target: pr.base.ref, iid: pr.number }, source: "merge_request_event" as const, event: "pull_request", sha: group[0].head_sha, changedFiles } satisfies RunInputs;
        verified.checks.push(await compareRuns(v, group, at, []));
      });
    }
  }
}

async function compareRuns(v: RepoVerifier, runs: WorkflowRun[], at: RunInputs & { event: string }, unseenInputs: string[]): Promise<RunCheck> {
  const [observed, predicted] = await Promise.all([
    observedRuns(v.api, v.repo, runs, { ...at, unseenInputs }),
    // Reusable workflows of other repositories read as the bot reads them; one resolver per prediction.
    predictActionsRun(v.open(at.sha), contextForRun(at, v.project, "github"), new IncludeResolver(new GitHubIncludeSource(v.api, v.cache))),
  ]);
  return compareRun(predicted, observed);
}
