import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LruBlobCache } from "../../../src/platforms/blob-cache.js";
import { createGitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import { verifyGitLabProject } from "../../../src/platforms/gitlab/verify-project.js";
import { FakeGitLab, stopNock } from "./fake-gitlab.js";

/**
 * `verify` on GitLab gives each real pipeline's prediction what the pipeline had: a schedule's
 * variables (found through the schedule whose last pipeline it is), a merge request's changed
 * files, and asks the Lint API in the form the instance's version reads.
 */

const URL = "https://gitlab.example.com";
const CI = `workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_PIPELINE_SOURCE == "schedule"
    - if: $CI_COMMIT_BRANCH
build:
  script: make
nightly:
  script: make nightly
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule" && $NIGHTLY == "1"
docs:
  script: make docs
  rules:
    - changes: [docs/**/*]
`;
const job = (id: number, name: string) => ({ id, name, stage: "test", status: "success", allow_failure: false });

let fake: FakeGitLab;
beforeEach(() => {
  fake = new FakeGitLab();
  fake.addCommit("main1", { ".gitlab-ci.yml": CI }).addCommit("head1", { ".gitlab-ci.yml": CI, "docs/index.md": "x" });
  fake.branches = ["main"];
  Object.assign(fake.branchHeads, { main: "main1" });
  fake.projectPipelines = [
    { id: 12, sha: "head1", ref: "refs/merge-requests/7/head", source: "merge_request_event", jobs: [job(121, "build"), job(122, "docs")] },
    // A scheduled pipeline has no push to compare with: GitLab takes `changes:` as true, so docs runs.
    { id: 11, sha: "main1", ref: "main", source: "schedule", jobs: [job(111, "build"), job(112, "nightly"), job(113, "docs")] },
  ];
  fake.schedules = [{ id: 3, ref: "main", last_pipeline: { id: 11 }, variables: [{ key: "NIGHTLY", value: "1" }] }];
  fake.mergeRequestList = [{ iid: 7, source_branch: "feature", target_branch: "main", state: "opened", pipelines: [12] }];
  fake.diffPaths = ["docs/index.md"];
  const lintJob = (name: string) => ({ name, stage: "test", before_script: [], script: ["make"], after_script: [], tag_list: [], environment: null, when: "on_success", allow_failure: false });
  // The dry run is no push either: docs is in it.
  fake.lintAnswers.set("main", { valid: true, errors: [], warnings: [], jobs: [lintJob("build"), lintJob("docs")] });
  fake.serveWithNock(URL);
});
afterEach(stopNock);

const verify = () => verifyGitLabProject({ api: createGitLabApi({ url: URL, token: "t", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 5000 } }), project: "acme/demo", serverUrl: URL, cache: new LruBlobCache() });

describe("verifyGitLabProject", () => {
  it("compares a schedule pipeline with the schedule's variables, and the MR pipeline into the branch with the MR's changed files", async () => {
    fake.version = "16.7.3-ee";
    const report = await verify();
    const main = report.refs[0];
    expect(main.checks.map((c) => [c.observed.label, c.observed.source, c.counts])).toEqual([
      // The dry run simulates a push whose changed files the engine is not told: docs could not be told.
      ["CI Lint dry run", "push", { agreed: 2, differed: 0, "could-not-tell": 1, explained: 0 }],
      ["pipeline #11", "schedule", { agreed: 3, differed: 0, "could-not-tell": 0, explained: 0 }],
      ["MR !7 pipeline #12", "merge_request_event", { agreed: 3, differed: 0, "could-not-tell": 0, explained: 0 }],
    ]);
    // nightly ran because the schedule sets NIGHTLY=1: certain, and right.
    expect(main.checks[1].jobs.find((j) => j.name === "nightly")?.outcome).toBe("agreed");
    expect(main.checks[1].jobs.find((j) => j.name === "docs")?.outcome).toBe("agreed");
    // GitLab 16.5–16.9 reads the commit as `sha` and the ref as `ref`.
    const lint = fake.requests.find((r) => r.path.includes("/ci/lint"));
    expect(Object.fromEntries(new globalThis.URL(lint?.path ?? "", URL).searchParams)).toEqual({ dry_run: "true", include_jobs: "true", sha: "main1", ref: "main" });
    expect(report.notes).toContain("acme/demo has no tags");
  });

  it("POSTs the configuration to an instance whose version it cannot read", async () => {
    fake.version = "";
    fake.replyOnce("GET", "/api/v4/metadata", { status: 404, body: { message: "404 Not Found" } });
    await verify();
    const lint = fake.requests.find((r) => r.path.includes("/ci/lint"));
    expect(lint).toMatchObject({ method: "POST", body: { content: CI, dry_run: true, include_jobs: true, ref: "main" } });
  });

  it("says under the ref what it could not read, and goes on", async () => {
    fake.failures.push({ method: "GET", pathPrefix: "/api/v4/projects/1/pipelines/11", status: 403 });
    const report = await verify();
    expect(report.refs[0].notes).toContain("pipeline #11: GitLab answered 403 to GET /api/v4/projects/1/pipelines/11");
    expect(report.refs[0].checks.map((c) => c.observed.label)).toEqual(["CI Lint dry run", "MR !7 pipeline #12"]);
  });
});
