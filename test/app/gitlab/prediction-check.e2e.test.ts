import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGitLab } from "../../platforms/gitlab/fake-gitlab.js";
import { buildDist } from "../github/dist-build.js";
import { ServeProcess, until } from "../runtime/processes.js";
import { MARKER, mrHook, SECRET } from "./harness.js";

/**
 * The bot's live comparison, through the real server: a merge request is reviewed (its head
 * commit's predictions are kept), then GitLab's Pipeline Hook says the MR pipeline of that
 * commit finished — with `deploy` a manual job where the configuration runs it on_success. The
 * counters on /metrics move, the disagreement is logged with the job, the rule and both
 * outcomes, and (comment.prediction_misses) the sticky note gets a line about it.
 */

const BASE_CI = `workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH
stages: [build, test, deploy]
build:
  stage: build
  script: make
test:
  stage: test
  script: make check
`;
const HEAD_CI = `${BASE_CI}deploy:
  stage: deploy
  script: make deploy
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
`;
const SETTINGS = "comment:\n  prediction_misses: true\n";

let fake: FakeGitLab;
let api: Server;
let app: ServeProcess | undefined;

/** Polls until `done` holds; fails with what the fake API saw and what the server said. */
const waitFor = (done: () => boolean, what: string) => until(done, what, () => `; requests: ${fake.calls().join(", ")}\n${app?.stderr}${app?.stdout}`);

function send(event: string, payload: unknown, delivery: string): Promise<Response> {
  return fetch(`${app?.url}/api/gitlab/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-gitlab-event": event, "x-gitlab-token": SECRET, "idempotency-key": delivery },
    body: JSON.stringify(payload),
  });
}

/** GitLab's Pipeline Hook for the MR pipeline of head1 (`DataBuilder::Pipeline`: builds are the newest attempts, with `when`). */
function pipelineHook(status: string): unknown {
  const build = (id: number, name: string, stage: string, buildStatus: string, when: string) => ({ id, stage, name, status: buildStatus, when, manual: when === "manual", allow_failure: false });
  return {
    object_kind: "pipeline",
    object_attributes: { id: 900, iid: 12, ref: "feature", tag: false, sha: "head1", before_sha: "0".repeat(40), source: "merge_request_event", status, stages: ["build", "test", "deploy"], variables: [], url: "https://gitlab.example.com/acme/demo/-/pipelines/900" },
    merge_request: { id: 1007, iid: 7, source_branch: "feature", source_project_id: 1, target_branch: "main", target_project_id: 1, state: "opened", url: "https://gitlab.example.com/acme/demo/-/merge_requests/7" },
    project: { id: 1, path_with_namespace: "acme/demo", web_url: "https://gitlab.example.com/acme/demo", default_branch: "main" },
    builds: [build(3, "deploy", "deploy", "manual", "manual"), build(2, "test", "test", "success", "on_success"), build(1, "build", "build", "success", "on_success")],
  };
}

/** Whether the worker logged the end of the job for this delivery. */
function finished(delivery: string): boolean {
  return (app?.stdout ?? "").split("\n").some((l) => l.includes(`"delivery":"${delivery}"`) && l.includes("ci-explain job finished"));
}

async function metric(name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${app?.url}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = line.match(new RegExp(`^${name}\\{(.*)\\} (\\d+)$`));
    if (m) values.set(m[1], Number(m[2]));
  }
  return values;
}

describe("the bot compares a finished pipeline with its prediction (end to end)", () => {
  beforeAll(async () => {
    await buildDist();
    fake = new FakeGitLab();
    fake.addCommit("mergebase1", { ".gitlab-ci.yml": BASE_CI, ".ci-explain.yml": SETTINGS });
    fake.addCommit("head1", { ".gitlab-ci.yml": HEAD_CI, ".ci-explain.yml": SETTINGS });
    fake.versions = [{ base: "mergebase1", head: "head1" }];
    fake.diffPaths = [".gitlab-ci.yml"];
    fake.pipelines = [{ id: 900, sha: "head1", ref: "refs/merge-requests/7/head" }];
    fake.projectPipelines = [{ id: 900, sha: "head1", ref: "refs/merge-requests/7/head", source: "merge_request_event", jobs: [], bridges: [] }];
    const served = await fake.listen();
    api = served.server;
    app = await new ServeProcess().start({ serveEnv: () => ({ GITLAB_URL: served.url, GITLAB_TOKEN: "glpat-e2e", GITLAB_WEBHOOK_SECRET: SECRET }) });
    expect((await send("Merge Request Hook", mrHook(), "mr-1")).status).toBe(202);
    await waitFor(() => fake.statuses.length === 2, "the review's final status")
  }, 180_000);

  afterAll(async () => {
    await app?.terminate();
    await new Promise<void>((resolve) => api?.close(() => resolve()));
  });

  it("counts the agreement on /metrics, logs the job that differed with its rule, and adds a line to the note", async () => {
    expect((await send("Pipeline Hook", pipelineHook("success"), "p-success")).status).toBe(202);
    await waitFor(() => app?.stdout.includes("ci-explain prediction differed") === true, "the logged disagreement")
    const jobs = await metric("ci_explain_prediction_jobs_total");
    expect(jobs.get('platform="gitlab",project="acme/demo",certainty="certain",outcome="agreed"')).toBe(2);
    expect(jobs.get('platform="gitlab",project="acme/demo",certainty="certain",outcome="differed"')).toBe(1);
    expect((await metric("ci_explain_prediction_pipelines_total")).get('platform="gitlab",project="acme/demo",result="differed"')).toBe(1);

    const logged = app?.stdout.split("\n").filter((l) => l.includes("ci-explain prediction differed")).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged?.[0]).toMatchObject({
      job: "deploy",
      rule: 'rule 1 at .gitlab-ci.yml:16 if: $CI_PIPELINE_SOURCE == "merge_request_event"',
      predicted: { when: "on_success" },
      observed: { when: "manual" },
      pipeline: "pipeline #900",
      sha: "head1",
    });

    await waitFor(() => fake.notes[0]?.body.includes("Prediction check") === true, "the line in the note")
    const note = fake.notes[0].body;
    expect(note).toContain(MARKER);
    const line = note.slice(note.indexOf("Prediction check"));
    expect(line).toContain("(https://gitlab.example.com/acme/demo/-/pipelines/900) (merge request pipeline at `head1`)");
    expect(line).toContain('`deploy` (when: predicted on_success, GitLab manual — rule 1 at `.gitlab-ci.yml:16` `if: $CI_PIPELINE_SOURCE == "merge_request_event"`)');
  });

  it("compares a pipeline once, however often GitLab sends its hook", async () => {
    expect((await send("Pipeline Hook", pipelineHook("success"), "p-again")).status).toBe(202);
    await waitFor(() => finished("p-again"), "the second hook's job")
    expect((await metric("ci_explain_prediction_jobs_total")).get('platform="gitlab",project="acme/demo",certainty="certain",outcome="differed"')).toBe(1);
  });
});
