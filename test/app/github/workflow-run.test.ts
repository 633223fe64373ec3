import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitHubJobFor } from "../../../src/app/github-queue.js";
import { BotMetrics } from "../../../src/app/observability/metrics.js";
import { defaultSettings } from "../../../src/config/defaults.js";
import { MemorySource } from "../../../src/core/memory-source.js";
import { MemoryPredictionStore } from "../../../src/platforms/prediction-store.js";
import { contextForRun, predictActionsRun } from "../../../src/verify/predict.js";
import { BOT, FakeGitHub } from "../../platforms/github/fake-github.js";
import { serveWithNock, stopNock } from "../../platforms/github/nock-github.js";
import { fakeDeps, MARKER, startApp } from "./harness.js";

/**
 * GitHub's `workflow_run` (completed) and GitHub Actions' `check_suite` (completed) for a commit
 * the bot analysed: each run is compared with the part of the prediction its workflow answers.
 */

const WORKFLOW = `name: CI
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps: [{ run: make }]
  docs:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps: [{ run: make docs }]
`;
const REPOSITORY = { id: 1, name: "demo", full_name: "acme/demo", owner: { login: "acme" }, html_url: "https://github.com/acme/demo", default_branch: "master" };
const run = { id: 31, name: "CI", path: ".github/workflows/ci.yml", head_branch: "feature", head_sha: "head1", event: "pull_request", status: "completed", conclusion: "success", run_attempt: 1, check_suite_id: 77, pull_requests: [] };

async function predictions(commentOnMiss: boolean): Promise<MemoryPredictionStore> {
  const source = new MemorySource({ ".github/workflows/ci.yml": WORKFLOW });
  const project = { settings: defaultSettings(), path: "acme/demo", defaultBranch: "master" };
  const pull = await predictActionsRun(source, contextForRun({ ref: { kind: "mr", source: "feature", target: "master", iid: 7 }, source: "merge_request_event", event: "pull_request", sha: "head1" }, project, "github"));
  const store = new MemoryPredictionStore();
  await store.record({ platform: "github", project: "acme/demo", sha: "head1", change: { number: 7 }, runs: [pull], commentOnMiss });
  return store;
}

let fake: FakeGitHub;
beforeEach(() => {
  fake = new FakeGitHub();
  fake.workflowRuns = [run];
  serveWithNock(fake);
});
afterEach(stopNock);

describe("GitHub: a finished workflow run against the prediction", () => {
  it("counts a run whose jobs went as predicted (docs skipped on a pull request)", async () => {
    fake.runJobs.set(31, [
      { id: 1, name: "build", status: "completed", conclusion: "success" },
      { id: 2, name: "docs", status: "completed", conclusion: "skipped" },
    ]);
    const metrics = new BotMetrics(async () => 0);
    const app = await startApp(fakeDeps({ metrics, predictions: await predictions(false) }));
    await app.receive("workflow_run", { action: "completed", workflow_run: run, repository: REPOSITORY, installation: { id: 42 } });
    const counts = (await metrics.predictionJobs.get()).values.map((v) => [v.labels.project, v.labels.certainty, v.labels.outcome, v.value]);
    expect(counts).toEqual([["acme/demo", "certain", "agreed", 2]]);
    expect(fake.calls()).toEqual(["GET /repos/acme/demo/actions/runs/31/jobs"]);
  });

  it("finds GitHub Actions' runs of a finished check suite, logs a job that ran against a certain prediction, and comments with comment.prediction_misses", async () => {
    fake.runJobs.set(31, [
      { id: 1, name: "build", status: "completed", conclusion: "success" },
      { id: 2, name: "docs", status: "completed", conclusion: "success" },
    ]);
    fake.addComment(`${MARKER}\nreport`, BOT, 7);
    const metrics = new BotMetrics(async () => 0);
    const app = await startApp(fakeDeps({ metrics, predictions: await predictions(true), botLogin: async () => BOT.login }));
    await app.receive("check_suite", { action: "completed", check_suite: { id: 77, head_sha: "head1", app: { slug: "github-actions" } }, repository: REPOSITORY, installation: { id: 42 } });
    expect(fake.calls()).toEqual(["GET /repos/acme/demo/actions/runs", "GET /repos/acme/demo/actions/runs/31/jobs", "GET /repos/acme/demo/issues/7/comments", "PATCH /repos/acme/demo/issues/comments/1000"]);
    const logged = app.logs.find((l) => l.msg === "ci-explain prediction differed") as Record<string, unknown> | undefined;
    expect(logged).toMatchObject({ job: "CI / docs", rule: "rule 1 at .github/workflows/ci.yml:8 if: github.event_name == 'push'", predicted: { presence: "not in the pipeline" }, observed: { presence: "success" } });
    expect(fake.comments[0].body).toContain("`CI / docs` (presence: predicted not in the pipeline, GitHub success");

    // The same run again (its workflow_run event after the suite's): compared once.
    await app.receive("workflow_run", { action: "completed", workflow_run: run, repository: REPOSITORY, installation: { id: 42 } });
    expect((await metrics.predictionJobs.get()).values.find((v) => v.labels.outcome === "differed")?.value).toBe(1);
  });

  it("leaves other apps' check suites and commits it did not analyse alone", async () => {
    const metrics = new BotMetrics(async () => 0);
    const app = await startApp(fakeDeps({ metrics, predictions: await predictions(true) }));
    await app.receive("check_suite", { action: "completed", check_suite: { id: 78, head_sha: "head1", app: { slug: "ci-explain" } }, repository: REPOSITORY, installation: { id: 42 } });
    await app.receive("workflow_run", { action: "completed", workflow_run: { ...run, head_sha: "elsewhere" }, repository: REPOSITORY, installation: { id: 42 } });
    expect(fake.calls()).toEqual([]);
    expect((await metrics.predictionJobs.get()).values).toEqual([]);
  });
});

describe("the queue's job for a finished run", () => {
  const jobFor = (name: string, payload: unknown) => gitHubJobFor({ name, id: "d1", payload } as unknown as Parameters<typeof gitHubJobFor>[0]);

  it("is an outcome job of the run's commit, for workflow_run and a completed check suite; a re-requested suite stays a re-run", () => {
    const base = { repository: { full_name: "acme/demo" }, installation: { id: 42 } };
    expect(jobFor("workflow_run", { ...base, action: "completed", workflow_run: run })).toMatchObject({ key: "github:acme/demo@head1", sha: "head1", kind: "outcome", supersedes: false });
    expect(jobFor("check_suite", { ...base, action: "completed", check_suite: { id: 77, head_sha: "head1", pull_requests: [] } })).toMatchObject({ key: "github:acme/demo@head1", kind: "outcome" });
    expect(jobFor("check_suite", { ...base, action: "rerequested", check_suite: { head_sha: "head1", pull_requests: [{ number: 7 }] } })).toMatchObject({ key: "github:acme/demo#7", kind: "rerun" });
  });
});
