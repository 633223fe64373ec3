import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LruBlobCache } from "../../../src/platforms/blob-cache.js";
import { newestCommitRuns, observedRuns, recentRuns } from "../../../src/platforms/github/github-runs.js";
import { verifyGitHubRepository } from "../../../src/platforms/github/verify-repository.js";
import { gitBlobSha } from "./fake-github.js";
import { TestOctokit } from "./nock-github.js";

/**
 * GitHub's workflow runs and jobs APIs in their documented shapes ("REST API endpoints for
 * workflow runs" / "for workflow jobs"): a run per workflow, jobs named as GitHub shows them
 * (a matrix job with its values, a reusable workflow's jobs as `caller / called`), a job whose
 * `if:` was false listed with the conclusion `skipped`, pages linked by the Link header.
 */

const API = "https://api.github.com";
const repo = { owner: "acme", repo: "demo" };
const api = () => new TestOctokit({ auth: { token: "t" } });

const run = (id: number, over: Record<string, unknown> = {}) => ({
  id,
  name: "CI",
  path: ".github/workflows/ci.yml",
  head_branch: "main",
  head_sha: "sha-new",
  event: "push",
  status: "completed",
  conclusion: "success",
  run_attempt: 1,
  html_url: `https://github.com/acme/demo/actions/runs/${id}`,
  pull_requests: [],
  ...over,
});
const job = (id: number, name: string, conclusion: string | null, status = "completed") => ({ id, run_id: 1, name, status, conclusion, html_url: `https://github.com/acme/demo/actions/runs/1/job/${id}`, steps: [] });

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("workflow runs and their jobs", () => {
  it("reads every page of a run's newest jobs, skipped ones too, named <workflow> / <job>", async () => {
    nock(API)
      .get("/repos/acme/demo/actions/runs/1/jobs")
      .query({ filter: "latest", per_page: "100" })
      .reply(200, { total_count: 3, jobs: [job(11, "build (ubuntu-latest, 20)", "success"), job(12, "call / inner", "success")] }, { link: `<${API}/repositories/9/actions/runs/1/jobs?filter=latest&per_page=100&page=2>; rel="next"` })
      .get("/repositories/9/actions/runs/1/jobs")
      .query({ filter: "latest", per_page: "100", page: "2" })
      .reply(200, { total_count: 3, jobs: [job(13, "deploy", "skipped")] });
    const observed = await observedRuns(api(), repo, [run(1)].map((r) => ({ ...r, pull_requests: [] })), { ref: { kind: "branch", name: "main" }, source: "push", event: "push", sha: "sha-new" });
    expect(observed.jobs.map((j) => [j.name, j.stage, j.status, j.ran])).toEqual([
      ["CI / build (ubuntu-latest, 20)", "CI", "success", true],
      ["CI / call / inner", "CI", "success", true],
      ["CI / deploy", "CI", "skipped", false],
    ]);
    expect(observed).toMatchObject({ oracle: "runs", event: "push", created: true, label: "run #1 (CI)" });
  });

  it("groups the runs of the newest commit of one event, from the newest first list GitHub gives", async () => {
    nock(API)
      .get("/repos/acme/demo/actions/runs")
      .query({ branch: "main", per_page: "100" })
      .reply(200, {
        total_count: 4,
        workflow_runs: [run(4, { event: "schedule", head_sha: "sha-sched" }), run(3, { name: "Lint" }), run(2), run(1, { head_sha: "sha-old" })],
      });
    const runs = await recentRuns(api(), repo, { branch: "main" });
    expect(newestCommitRuns(runs, "push").map((r) => r.id)).toEqual([3, 2]);
    expect(newestCommitRuns(runs, "schedule").map((r) => r.id)).toEqual([4]);
    expect(newestCommitRuns(runs, "workflow_dispatch")).toEqual([]);
  });
});

describe("verifyGitHubRepository", () => {
  const WORKFLOW = `name: CI
on:
  push:
    branches: [main, "release/**"]
  pull_request:
jobs:
  build:
    runs-on: ubuntu-latest
    steps: [{ run: make }]
  docs:
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    steps: [{ run: make docs }]
`;
  const files = { ".github/workflows/ci.yml": WORKFLOW };

  function serveRepository(jobsOfRun: Record<number, unknown[]>) {
    const tree = Object.entries(files).map(([path, text]) => ({ path, mode: "100644", type: "blob", sha: gitBlobSha(text), size: text.length }));
    nock(API)
      .persist()
      .get("/repos/acme/demo")
      .reply(200, { name: "demo", full_name: "acme/demo", owner: { login: "acme" }, default_branch: "main", html_url: "https://github.com/acme/demo" })
      .get("/repos/acme/demo/branches")
      .query(true)
      .reply(200, [{ name: "main", commit: { sha: "sha-main" } }, { name: "release/1.0", commit: { sha: "sha-rel" } }])
      .get(/\/repos\/acme\/demo\/git\/trees\/.*/)
      .query(true)
      .reply(200, { sha: "x", tree, truncated: false })
      // File texts come by blob id, one alias per blob, from GitHub's GraphQL API.
      .post("/graphql")
      .reply(200, (_uri, body) => {
        const { query, variables } = body as { query: string; variables: Record<string, string> };
        const repository: Record<string, unknown> = {};
        for (const m of query.matchAll(/(b\d+): object\(oid: \$(o\d+)\)/g)) {
          const text = Object.values(files).find((t) => gitBlobSha(t) === variables[m[2]]);
          repository[m[1]] = text === undefined ? null : { text, isTruncated: false };
        }
        return { data: { repository } };
      })
      .get("/repos/acme/demo/releases/latest")
      .reply(404, { message: "Not Found" })
      .get("/repos/acme/demo/tags")
      .query(true)
      .reply(200, [])
      .get("/repos/acme/demo/actions/runs")
      .query((q) => q.event === "pull_request")
      .reply(200, { total_count: 0, workflow_runs: [] })
      .get("/repos/acme/demo/actions/runs")
      .query((q) => q.branch === "main")
      .reply(200, { total_count: 1, workflow_runs: [run(1, { head_sha: "sha-main" })] })
      .get("/repos/acme/demo/actions/runs")
      .query((q) => q.branch === "release/1.0")
      .reply(200, { total_count: 1, workflow_runs: [run(2, { head_branch: "release/1.0", head_sha: "sha-rel" })] })
      .get(/\/repos\/acme\/demo\/actions\/runs\/\d+\/jobs/)
      .query(true)
      .reply(200, (uri) => {
        const id = Number(uri.match(/runs\/(\d+)\/jobs/)?.[1]);
        return { total_count: jobsOfRun[id].length, jobs: jobsOfRun[id] };
      });
  }

  it("compares the newest push runs of the default branch and of the branches the workflow's filters name", async () => {
    serveRepository({
      1: [job(11, "build", "success"), job(12, "docs", "success")],
      // On release/1.0 the `if:` is false: GitHub lists the job as skipped.
      2: [job(21, "build", "success"), job(22, "docs", "skipped")],
    });
    const report = await verifyGitHubRepository({ api: api(), ...repo, cache: new LruBlobCache() });
    expect(report.refs.map((r) => [r.name, r.why])).toEqual([
      ["main", "the default branch"],
      ["release/1.0", "matches release/** (.github/workflows/ci.yml:4)"],
    ]);
    expect(report.refs.map((r) => r.checks.map((c) => c.counts))).toEqual([
      [{ agreed: 2, differed: 0, "could-not-tell": 0, explained: 0 }],
      [{ agreed: 2, differed: 0, "could-not-tell": 0, explained: 0 }],
    ]);
    expect(report.notes).toContain("acme/demo has no tags");
  });

  it("counts a job GitHub ran where the prediction is sure it is skipped as differed", async () => {
    serveRepository({ 1: [job(11, "build", "success"), job(12, "docs", "success")], 2: [job(21, "build", "success"), job(22, "docs", "success")] });
    const report = await verifyGitHubRepository({ api: api(), ...repo, cache: new LruBlobCache() });
    const release = report.refs.find((r) => r.name === "release/1.0");
    expect(release?.checks[0].jobs.find((j) => j.name === "CI / docs")).toMatchObject({ outcome: "differed", predicted: { rule: { kind: "rules", if: "github.ref == 'refs/heads/main'" } } });
  });
});
