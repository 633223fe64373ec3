import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGitLab } from "../../platforms/gitlab/fake-gitlab.js";
import { buildDist } from "../github/dist-build.js";
import { ServeProcess } from "../runtime/processes.js";
import { MARKER, mrHook, SECRET } from "./harness.js";

/**
 * The real thing: `node bin/ci-explain.js serve` in its own process with only the GitLab
 * variables set, webhooks over HTTP, the real engine and report, and the GitLab REST API v4
 * served by a local fake on 127.0.0.1 (GITLAB_URL).
 */

const BASE_CI = `stages: [build, test]
include:
  - local: ci/jobs.yml
`;
const JOBS = `build:
  stage: build
  image: alpine:3.20
  script: make
test:
  stage: test
  script: make check
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
`;
const HEAD_JOBS = JOBS.replace('    - if: $CI_COMMIT_BRANCH == "main"\n', '    - if: $CI_COMMIT_BRANCH == "main"\n      when: manual\n');

let fake: FakeGitLab;
let api: Server;
let app: ServeProcess | undefined;

/** Polls until `done` holds (the work runs after the 202); fails with what arrived otherwise. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!done()) throw new Error(`gave up waiting; requests: ${fake.calls().join(", ")}\n${app?.stderr}${app?.stdout}`);
}

function send(payload: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${app?.url}/api/gitlab/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-gitlab-event": "Merge Request Hook", ...headers },
    body: JSON.stringify(payload),
  });
}

describe("ci-explain serve with GitLab (end to end)", () => {
  beforeAll(async () => {
    await buildDist();
    fake = new FakeGitLab();
    fake.addCommit("mergebase1", { ".gitlab-ci.yml": BASE_CI, "ci/jobs.yml": JOBS, "README.md": "demo" });
    fake.addCommit("head1", { ".gitlab-ci.yml": BASE_CI, "ci/jobs.yml": HEAD_JOBS, "README.md": "demo" });
    fake.versions = [{ base: "mergebase1", head: "head1" }];
    fake.diffPaths = ["ci/jobs.yml"];
    fake.pipelines = [{ id: 42, sha: "head1" }];
    const served = await fake.listen();
    api = served.server;
    const env = { GITLAB_URL: served.url, GITLAB_TOKEN: "glpat-e2e", GITLAB_WEBHOOK_SECRET: SECRET };
    app = await new ServeProcess().start({ serveEnv: () => env });
  }, 180_000);

  afterAll(async () => {
    await app?.terminate();
    await new Promise<void>((resolve) => api?.close(() => resolve()));
  });

  it("refuses a webhook with a wrong token", async () => {
    const response = await send(mrHook(), { "x-gitlab-token": "wrong", "idempotency-key": "e2e-0" });
    expect(response.status).toBe(401);
    expect(fake.requests).toEqual([]);
  });

  it("answers 202, then writes one note and a final status linked to it on the MR pipeline", async () => {
    const response = await send(mrHook(), { "x-gitlab-token": SECRET, "idempotency-key": "e2e-1" });
    expect(response.status).toBe(202);
    await until(() => fake.statuses.length === 2);
    expect(fake.notes).toHaveLength(1);
    const note = fake.notes[0];
    expect(note.body).toContain(MARKER);
    expect(note.body).toContain("test");
    expect(fake.statuses[0]).toMatchObject({ state: "pending", name: "ci-explain", pipeline_id: 42 });
    expect(fake.statuses[1]).toMatchObject({
      sha: "head1",
      name: "ci-explain",
      target_url: `https://gitlab.example.com/acme/demo/-/merge_requests/7#note_${note.id}`,
      pipeline_id: 42,
    });
    expect(["success", "failed"]).toContain(fake.statuses[1].state);
    expect(fake.statuses[1].description?.length).toBeLessThanOrEqual(255);

    const redelivery = await send(mrHook(), { "x-gitlab-token": SECRET, "idempotency-key": "e2e-1" });
    expect(redelivery.status).toBe(200);
  });
});
