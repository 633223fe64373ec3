import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitLabJobFor } from "../../../src/app/gitlab-webhook.js";
import { BotMetrics } from "../../../src/app/observability/metrics.js";
import { MemoryPredictionStore, type RecordedPredictions } from "../../../src/platforms/prediction-store.js";
import { predictedRun } from "../../../src/verify/predicted-run.js";
import { BOT_USER, FakeGitLab, stopNock } from "../../platforms/gitlab/fake-gitlab.js";
import { context, mr, simulateYaml } from "../../gitlab-ci/simulate/build.js";
import { fakeGitLabDeps, GITLAB, MARKER, MR_URL, startReceiver, type Receiver } from "./harness.js";

/**
 * GitLab's Pipeline Hook for a commit the bot analysed: which prediction it is compared with
 * (the MR pipeline by the MR's iid, a push by its branch), when (once the pipeline finished,
 * once per pipeline), and what it writes (only with `comment.prediction_misses`).
 */

const CI = `workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH
build:
  script: make
review:
  script: make review
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
`;

const build = (id: number, name: string, status: string, when = "on_success") => ({ id, stage: "test", name, status, when, manual: when === "manual", allow_failure: false });

function pipelineHook(o: { id?: number; status?: string; source?: string; ref?: string; sha?: string; mr?: boolean; builds: unknown[]; variables?: Array<{ key: string; value: string }> }): unknown {
  return {
    object_kind: "pipeline",
    object_attributes: { id: o.id ?? 900, ref: o.ref ?? "feature", tag: false, sha: o.sha ?? "head1", source: o.source ?? "merge_request_event", status: o.status ?? "success", variables: o.variables ?? [], url: `https://gitlab.example.com/acme/demo/-/pipelines/${o.id ?? 900}` },
    merge_request: o.mr === false ? null : { iid: 7, source_branch: "feature", target_branch: "main", url: MR_URL },
    project: { id: 1, path_with_namespace: "acme/demo", default_branch: "main" },
    builds: o.builds,
  };
}

async function recorded(commentOnMiss: boolean): Promise<RecordedPredictions> {
  const mrPipeline = predictedRun(await simulateYaml(CI, context({ ref: mr("feature", "main"), commitSha: "head1" })));
  const push = predictedRun(await simulateYaml(CI, context({ ref: { kind: "branch", name: "feature" }, commitSha: "head1", hasOpenMergeRequest: true })));
  return { platform: "gitlab", project: "acme/demo", sha: "head1", change: { number: 7, url: MR_URL }, runs: [mrPipeline, push], commentOnMiss };
}

describe("GitLab Pipeline Hook: the live comparison", () => {
  let fake: FakeGitLab;
  let receiver: Receiver;
  let metrics: BotMetrics;
  let predictions: MemoryPredictionStore;
  beforeEach(async () => {
    fake = new FakeGitLab();
    fake.projectPipelines = [{ id: 900, sha: "head1", ref: "refs/merge-requests/7/head", source: "merge_request_event", jobs: [] }, { id: 901, sha: "head1", ref: "feature", source: "push", jobs: [] }];
    fake.serveWithNock(GITLAB);
    metrics = new BotMetrics(async () => 0);
    predictions = new MemoryPredictionStore();
    receiver = await startReceiver(fakeGitLabDeps({ metrics, predictions }));
  });
  afterEach(async () => {
    await receiver.close();
    stopNock();
  });

  const jobCounts = async () =>
    Object.fromEntries((await metrics.predictionJobs.get()).values.map((v) => [`${v.labels.certainty}/${v.labels.outcome}`, v.value]));

  it("compares a finished MR pipeline with the MR prediction (the bridges asked for), and writes nothing without comment.prediction_misses", async () => {
    await predictions.record(await recorded(false));
    fake.notes.push({ id: 5, body: `${MARKER}\nreport`, author: BOT_USER, system: false });
    const reply = await receiver.send("Pipeline Hook", pipelineHook({ builds: [build(1, "build", "success"), build(2, "review", "success", "manual")] }), { "idempotency-key": "h1" });
    expect(reply.status).toBe(202);
    expect(await jobCounts()).toEqual({ "certain/agreed": 1, "certain/differed": 1 });
    expect(fake.calls()).toEqual(["GET /pipelines/900/bridges"]);
    expect(fake.notes[0].body).toBe(`${MARKER}\nreport`);
  });

  it("compares the push of the MR's branch with the push prediction (build runs, review stays out)", async () => {
    await predictions.record(await recorded(false));
    await receiver.send("Pipeline Hook", pipelineHook({ id: 901, source: "push", mr: false, builds: [build(1, "build", "success")] }), { "idempotency-key": "h2" });
    // The recorded push prediction has CI_OPEN_MERGE_REQUESTS set: still created (no rule says never), build only.
    expect(await jobCounts()).toEqual({ "certain/agreed": 2 });
  });

  it("adds a line to the sticky note when a certain prediction was wrong, with comment.prediction_misses", async () => {
    await predictions.record(await recorded(true));
    fake.notes.push({ id: 5, body: `${MARKER}\nreport`, author: BOT_USER, system: false });
    await receiver.send("Pipeline Hook", pipelineHook({ builds: [build(1, "build", "success")] }), { "idempotency-key": "h3" });
    expect(fake.calls()).toEqual(["GET /pipelines/900/bridges", "GET /api/v4/user", "GET /merge_requests/7/notes", "PUT /merge_requests/7/notes/5"]);
    expect(fake.notes[0].body).toContain("`review` (presence: predicted in the pipeline, GitLab not in the pipeline");
    expect(fake.notes[0].body.startsWith(`${MARKER}\nreport\n\n`)).toBe(true);
  });

  it.each([
    ["a pipeline still running", { status: "running", builds: [] }],
    ["a commit the bot did not analyse", { sha: "other", builds: [] }],
    ["a push to another branch of the same commit", { source: "push", mr: false, ref: "elsewhere", builds: [] }],
  ])("compares nothing for %s", async (_name, over) => {
    await predictions.record(await recorded(true));
    await receiver.send("Pipeline Hook", pipelineHook(over), { "idempotency-key": "h4" });
    expect(await jobCounts()).toEqual({});
    expect(fake.calls()).toEqual([]);
  });

  it("does not count a certain difference as wrong when the pipeline had variables the prediction did not", async () => {
    await predictions.record(await recorded(false));
    await receiver.send("Pipeline Hook", pipelineHook({ builds: [build(1, "build", "success")], variables: [{ key: "DEPLOY", value: "1" }] }), { "idempotency-key": "h5" });
    expect(await jobCounts()).toEqual({ "certain/agreed": 1, "uncertain/differed": 1 });
  });
});

describe("the queue's job for a Pipeline Hook", () => {
  it("is an outcome job of the pipeline's commit, never superseding the MR's reviews", () => {
    const job = gitLabJobFor({ name: "Pipeline Hook", payload: pipelineHook({ builds: [] }), delivery: "d1" });
    expect(job).toMatchObject({ key: "gitlab:acme/demo@head1", sha: "head1", kind: "outcome", supersedes: false });
  });
});
