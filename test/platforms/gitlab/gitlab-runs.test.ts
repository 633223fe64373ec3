import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import { hookJobs, lintDryRun, lintRequestFor, readPipeline } from "../../../src/platforms/gitlab/gitlab-runs.js";
import { pipelineHookSchema, pipelineSchema } from "../../../src/platforms/gitlab/schema.js";

/**
 * GitLab's answers in their documented shapes (CI Lint API, pipeline jobs with
 * `include_retried`, pipeline bridges, Pipeline Hook), read into what the comparison needs.
 * The replies follow GitLab's API entities: `Ci::Lint#dry_run_convert_to_jobs`,
 * `Entities::Ci::JobBasic`, `Entities::Ci::Bridge`, `DataBuilder::Pipeline`.
 */

const URL = "https://gitlab.example.com";
const NO_RETRY = { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 5000 };
const api = () => createGitLabApi({ url: URL, token: "t", retry: NO_RETRY });
const branch = { kind: "branch" as const, name: "main" };

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("the CI Lint request an instance reads", () => {
  const at = { sha: "c0ffee", ref: "main" };
  it.each([
    ["18.2.1-ee", { method: "GET", names: "content_ref", ...at }],
    ["16.10.0", { method: "GET", names: "content_ref", ...at }],
    ["16.9.3-ee", { method: "GET", names: "sha", ...at }],
    ["16.5.0", { method: "GET", names: "sha", ...at }],
    ["16.4.2", { method: "POST", content: "build: {script: x}", ref: "main" }],
    [undefined, { method: "POST", content: "build: {script: x}", ref: "main" }],
  ])("GitLab %s", (version, expected) => {
    expect(lintRequestFor(version, at, "build: {script: x}")).toEqual(expected);
  });

  it("sends content_ref and dry_run_ref (16.10+), and the deprecated sha and ref (16.5–16.9), as query parameters", async () => {
    const seen: string[] = [];
    nock(URL)
      .get("/api/v4/projects/5/ci/lint")
      .query(true)
      .times(2)
      .reply(200, (uri) => {
        seen.push(new globalThis.URL(uri, URL).search);
        return { valid: true, errors: [], warnings: [], jobs: [] };
      });
    await lintDryRun(api(), 5, { method: "GET", names: "content_ref", sha: "c0ffee", ref: "main" }, { ref: branch, sha: "c0ffee" });
    await lintDryRun(api(), 5, { method: "GET", names: "sha", sha: "c0ffee", ref: "main" }, { ref: branch, sha: "c0ffee" });
    const params = seen.map((s) => Object.fromEntries(new URLSearchParams(s)));
    expect(params[0]).toEqual({ dry_run: "true", include_jobs: "true", content_ref: "c0ffee", dry_run_ref: "main" });
    expect(params[1]).toEqual({ dry_run: "true", include_jobs: "true", sha: "c0ffee", ref: "main" });
  });

  it("POSTs the configuration with dry_run and ref for an older instance", async () => {
    let body: unknown;
    nock(URL)
      .post("/api/v4/projects/5/ci/lint", (b: unknown) => ((body = b), true))
      .reply(200, { valid: true, errors: [], warnings: [], jobs: [] });
    await lintDryRun(api(), 5, { method: "POST", content: "build:\n  script: make\n", ref: "main" }, { ref: branch, sha: "c0ffee" });
    expect(body).toEqual({ content: "build:\n  script: make\n", dry_run: true, include_jobs: true, ref: "main" });
  });
});

describe("lintDryRun", () => {
  it("reads the dry run's jobs, builds and bridges alike, with when and allow_failure", async () => {
    nock(URL)
      .get("/api/v4/projects/5/ci/lint")
      .query(true)
      .reply(200, {
        valid: true,
        errors: [],
        warnings: [],
        merged_yaml: "---\n",
        includes: [],
        jobs: [
          { name: "build", stage: "build", before_script: [], script: ["make"], after_script: [], tag_list: [], environment: null, when: "on_success", allow_failure: false },
          { name: "deploy", stage: "deploy", before_script: [], script: ["make deploy"], after_script: [], tag_list: [], environment: "production", when: "manual", allow_failure: false },
          { name: "downstream", stage: "deploy", before_script: [], script: [], after_script: [], tag_list: [], environment: null, when: "on_success", allow_failure: false },
        ],
      });
    const run = await lintDryRun(api(), 5, { method: "GET", names: "content_ref", sha: "c0ffee", ref: "main" }, { ref: branch, sha: "c0ffee" });
    expect(run).toMatchObject({ oracle: "lint", created: true, source: "push", sha: "c0ffee" });
    expect(run.jobs.map((j) => [j.name, j.stage, j.when, j.allowFailure])).toEqual([
      ["build", "build", "on_success", false],
      ["deploy", "deploy", "manual", false],
      ["downstream", "deploy", "on_success", false],
    ]);
  });

  it("reads GitLab's \"will not run\" answer as no pipeline, with its reason", async () => {
    const reason = "Pipeline will not run for the selected trigger. The rules configuration prevented any jobs from being added to the pipeline.";
    nock(URL).get("/api/v4/projects/5/ci/lint").query(true).reply(200, { valid: false, errors: [reason], warnings: [], jobs: [] });
    const run = await lintDryRun(api(), 5, { method: "GET", names: "sha", sha: "c0ffee", ref: "main" }, { ref: branch, sha: "c0ffee" });
    expect(run).toMatchObject({ created: false, errors: [reason], jobs: [] });
  });
});

describe("readPipeline", () => {
  const job = (id: number, name: string, stage: string, status: string, allow_failure = false) => ({
    id,
    name,
    stage,
    status,
    ref: "main",
    tag: false,
    allow_failure,
    web_url: `${URL}/acme/demo/-/jobs/${id}`,
    pipeline: { id: 77, project_id: 5, sha: "c0ffee", ref: "main", status: "failed", source: "push" },
  });

  it("reads every page of jobs, keeps the newest attempt of a retried job, tells manual and delayed jobs, and lists trigger jobs with their downstream pipelines", async () => {
    const page2 = `${URL}/api/v4/projects/5/pipelines/77/jobs?include_retried=true&page=2&per_page=100`;
    nock(URL)
      .get("/api/v4/projects/5/pipelines/77/jobs")
      .query({ include_retried: "true", per_page: "100" })
      .reply(200, [job(101, "build", "build", "failed"), job(102, "test", "test", "skipped"), job(103, "deploy", "deploy", "manual")], {
        link: `<${page2}>; rel="next"`,
        "x-next-page": "2",
      })
      .get("/api/v4/projects/5/pipelines/77/jobs")
      .query({ include_retried: "true", page: "2", per_page: "100" })
      .reply(200, [job(110, "build", "build", "success"), job(111, "nightly", "deploy", "scheduled", true)]);
    nock(URL)
      .get("/api/v4/projects/5/pipelines/77/bridges")
      .reply(200, [
        {
          ...job(104, "child", "deploy", "success"),
          downstream_pipeline: { id: 78, project_id: 5, sha: "c0ffee", ref: "main", status: "success", source: "parent_pipeline", web_url: `${URL}/acme/demo/-/pipelines/78` },
        },
      ]);
    const summary = pipelineSchema.parse({ id: 77, project_id: 5, sha: "c0ffee", ref: "main", status: "failed", source: "push", web_url: `${URL}/acme/demo/-/pipelines/77` });
    const run = await readPipeline(api(), 5, summary, { ref: branch, source: "push", unseenInputs: [] });
    expect(run.jobs.map((j) => [j.name, j.status, j.when ?? null, j.trigger ?? false])).toEqual([
      ["test", "skipped", null, false],
      ["deploy", "manual", "manual", false],
      ["child", "success", null, true],
      ["build", "success", null, false],
      ["nightly", "scheduled", "delayed", false],
    ]);
    expect(run.jobs.find((j) => j.name === "nightly")?.allowFailure).toBe(true);
    expect(run.downstream).toEqual([{ job: "child", pipeline: 78, project: 5, url: `${URL}/acme/demo/-/pipelines/78` }]);
    expect(run).toMatchObject({ label: "pipeline #77", url: `${URL}/acme/demo/-/pipelines/77`, sha: "c0ffee" });
  });
});

describe("a Pipeline Hook's jobs", () => {
  it("reads each build's when from the hook, and trigger jobs from the bridges API reply", () => {
    const hook = pipelineHookSchema.parse({
      object_kind: "pipeline",
      project: { id: 5, path_with_namespace: "acme/demo" },
      object_attributes: { id: 77, ref: "feature", tag: false, sha: "c0ffee", source: "merge_request_event", status: "success", variables: [] },
      merge_request: { iid: 3, source_branch: "feature", target_branch: "main" },
      builds: [
        { id: 2, stage: "test", name: "test", status: "success", when: "on_success", manual: false, allow_failure: false },
        { id: 3, stage: "deploy", name: "deploy", status: "success", when: "manual", manual: true, allow_failure: false },
      ],
    });
    const jobs = hookJobs(hook, [{ id: 4, name: "child", stage: "deploy", status: "success", allow_failure: false, downstream_pipeline: null }]);
    expect(jobs.map((j) => [j.name, j.when ?? null, j.trigger ?? false])).toEqual([
      ["test", "on_success", false],
      ["deploy", "manual", false],
      ["child", null, true],
    ]);
  });
});
