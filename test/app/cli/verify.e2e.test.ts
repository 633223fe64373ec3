import { execFile } from "node:child_process";
import type { Server } from "node:http";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGitLab } from "../../platforms/gitlab/fake-gitlab.js";
import { buildDist, ROOT } from "../github/dist-build.js";

/**
 * `node bin/ci-explain.js verify` against a GitLab REST API served on 127.0.0.1: a project with
 * two branches and a tag, a CI Lint dry run per ref, and two real pipelines — one that went as
 * predicted, one where GitLab made a job manual that the configuration runs on_success.
 */

const CI = `stages: [build, deploy]
build:
  stage: build
  script: make
deploy:
  stage: deploy
  script: make deploy
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
      when: manual
    - if: $CI_COMMIT_BRANCH == "staging"
`;

const lintJob = (name: string, stage: string, when: string) => ({ name, stage, before_script: [], script: ["make"], after_script: [], tag_list: [], environment: null, when, allow_failure: false });
const job = (id: number, name: string, stage: string, status: string) => ({ id, name, stage, status, allow_failure: false });

let fake: FakeGitLab;
let api: Server;
let url: string;

async function verify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = promisify(execFile)(process.execPath, [`${ROOT}bin/ci-explain.js`, "verify", ...args], { env: { PATH: process.env.PATH, GITLAB_TOKEN: "glpat-verify" }, cwd: ROOT });
  try {
    const { stdout, stderr } = await run;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("ci-explain verify against a GitLab API (end to end)", () => {
  beforeAll(async () => {
    await buildDist();
    fake = new FakeGitLab();
    fake.addCommit("main1", { ".gitlab-ci.yml": CI }).addCommit("stag1", { ".gitlab-ci.yml": CI });
    fake.branches = ["main", "staging"];
    Object.assign(fake.branchHeads, { main: "main1", staging: "stag1" });
    fake.tags = [{ name: "v1.0", sha: "main1" }];
    fake.lintAnswers.set("main", { valid: true, errors: [], warnings: [], jobs: [lintJob("build", "build", "on_success"), lintJob("deploy", "deploy", "manual")] });
    fake.lintAnswers.set("staging", { valid: true, errors: [], warnings: [], jobs: [lintJob("build", "build", "on_success"), lintJob("deploy", "deploy", "on_success")] });
    fake.lintAnswers.set("v1.0", { valid: true, errors: [], warnings: [], jobs: [lintJob("build", "build", "on_success")] });
    fake.projectPipelines = [
      // staging: GitLab made deploy a manual job, where the configuration runs it on_success.
      { id: 102, sha: "stag1", ref: "staging", source: "push", jobs: [job(201, "build", "build", "success"), job(202, "deploy", "deploy", "manual")] },
      // main: as predicted, deploy waits to be played.
      { id: 101, sha: "main1", ref: "main", source: "push", jobs: [job(101, "build", "build", "success"), job(102, "deploy", "deploy", "manual")] },
    ];
    const served = await fake.listen();
    api = served.server;
    url = served.url;
  }, 180_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => api?.close(() => resolve()));
  });

  it("prints a table per ref, the job that differed with its deciding rule, and exits 1", async () => {
    const { code, stdout, stderr } = await verify("--project", "acme/demo", "--gitlab-url", url);
    expect(stderr).toContain("verifying staging");
    expect(code).toBe(1);
    // The refs: the default branch, the branch a rule tests, the latest tag.
    expect(stdout).toContain("main — the default branch, at main1");
    expect(stdout).toContain("staging — tested at .gitlab-ci.yml:11, at stag1");
    expect(stdout).toContain("tag v1.0 — the latest tag, at main1");
    const rows = stdout.split("\n").filter((l) => /^(CI Lint dry run|pipeline #)/.test(l)).map((l) => l.split(/\s{2,}/));
    expect(rows).toEqual([
      ["CI Lint dry run (push)", "created", "2", "0", "0", "0"],
      ["pipeline #101 (push)", "created", "2", "0", "0", "0"],
      ["CI Lint dry run (push)", "created", "2", "0", "0", "0"],
      ["pipeline #102 (push)", "created", "1", "1", "0", "0"],
      // On the tag, build runs and deploy (no rule matches) stays out: two predictions, both held.
      ["CI Lint dry run (push)", "created", "2", "0", "0", "0"],
    ]);
    expect(stdout).toContain("pipeline #102 (push): deploy — when: predicted on_success, GitLab manual; decided by rule 2 at .gitlab-ci.yml:11 if: $CI_COMMIT_BRANCH == \"staging\"");
    expect(stdout).toContain("Jobs: 9 agreed, 1 differed, 0 could not tell, 0 explained — 9 of 10 certain predictions right (90%); a certain prediction was wrong.");
    // The instance is 17.5: the Lint API is asked for the commit's configuration by content_ref.
    const lint = fake.requests.filter((r) => r.path.includes("/ci/lint")).map((r) => Object.fromEntries(new URL(r.path, url).searchParams));
    expect(lint).toContainEqual({ content_ref: "stag1", dry_run: "true", dry_run_ref: "staging", include_jobs: "true" });
  });

  it("exits 0 when every certain prediction held, and prints JSON on asking", async () => {
    fake.projectPipelines = fake.projectPipelines.filter((p) => p.ref === "main");
    const { code, stdout } = await verify("--project", "acme/demo", "--gitlab-url", url, "--format", "json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { refs: Array<{ name: string; checks: Array<{ counts: Record<string, number> }> }> };
    expect(report.refs.map((r) => [r.name, r.checks.map((c) => c.counts.agreed)])).toEqual([
      ["main", [2, 2]],
      ["staging", [2]],
      ["v1.0", [2]],
    ]);
  });

  it("says what is missing, without a token", async () => {
    const { code, stderr } = await promisify(execFile)(process.execPath, [`${ROOT}bin/ci-explain.js`, "verify", "--project", "acme/demo"], { env: { PATH: process.env.PATH }, cwd: ROOT }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(code).toBe(2);
    expect(stderr).toContain("--project needs GITLAB_TOKEN");
  });
});
