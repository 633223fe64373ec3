import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGitHub } from "../../platforms/github/fake-github.js";
import { FakeApiServer, ServeProcess } from "../runtime/processes.js";
import { buildDist } from "./dist-build.js";
import { MARKER, pullRequestPayload } from "./harness.js";

/**
 * The real thing: `node bin/ci-explain.js serve` in its own process, real HMAC-signed
 * webhooks over HTTP, the real engine and report, and a GitHub Enterprise-style REST API
 * (GHE_HOST, GHE_PROTOCOL=http → http://127.0.0.1:PORT/api/v3) served by a local fake.
 */

const SECRET = "e2e-webhook-secret-0123456789abcdef";

const BASE_CI = `stages: [build, test]
include:
  - local: ci/jobs.yml
variables:
  TAG: latest
`;
const JOBS = `build:
  stage: build
  image: alpine:3.20
  script: make
test:
  stage: test
  script: make check
  rules:
    - if: $CI_COMMIT_BRANCH == "master"
`;
const HEAD_JOBS = JOBS.replace('    - if: $CI_COMMIT_BRANCH == "master"\n', '    - if: $CI_COMMIT_BRANCH == "master"\n      when: manual\n');

let fake: FakeGitHub;
let api: FakeApiServer;
let app: ServeProcess | undefined;

async function startFakeApi(): Promise<void> {
  api = new FakeApiServer();
  await api.start();
  fake = api.fake;
  fake.addCommit("base1", { ".gitlab-ci.yml": BASE_CI, "ci/jobs.yml": JOBS, "README.md": "demo" });
  fake.addCommit("head1", { ".gitlab-ci.yml": BASE_CI, "ci/jobs.yml": HEAD_JOBS, "README.md": "demo" });
  fake.addPull({ number: 7, head: { sha: "head1", ref: "feature" }, base: { sha: "base1", ref: "master" }, files: ["ci/jobs.yml"] });
}

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

async function deliver(event: string, payload: unknown, options: { id?: string; secret?: string } = {}): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`${app?.url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": options.id ?? randomUUID(),
      "x-hub-signature-256": sign(body, options.secret),
    },
    body,
  });
}

/** Waits for the app's writes to arrive at the fake API (a 202 answer means still working). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!condition()) throw new Error(`timed out waiting for ${what}; app stderr: ${app?.stderr}`);
}

function commentPayloadFor(body: string): unknown {
  const pr = pullRequestPayload() as { repository: unknown; installation: unknown };
  return {
    action: "created",
    issue: { number: 7, pull_request: { url: "" } },
    comment: { id: 901, body, user: { login: "alice", type: "User" }, author_association: "MEMBER" },
    repository: pr.repository,
    installation: pr.installation,
    sender: { login: "alice", type: "User" },
  };
}

describe("ci-explain serve (GitHub App, end to end)", () => {
  beforeAll(async () => {
    await buildDist();
    await startFakeApi();
    app = await new ServeProcess().start(api, { WEBHOOK_SECRET: SECRET });
  }, 180_000);

  afterAll(async () => {
    await app?.terminate();
    await api?.close();
  });

  it("answers /healthz", async () => {
    const res = await fetch(`${app?.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", platforms: ["github"] });
  });

  it("refuses a webhook with a bad signature and changes nothing", async () => {
    const res = await deliver("pull_request", pullRequestPayload(), { secret: "development" });
    expect(res.status).toBe(400);
    expect(fake.requests).toEqual([]);
  });

  it("sets the check and writes one comment for a PR that changes CI, and nothing more on redelivery", async () => {
    const id = randomUUID();
    const res = await deliver("pull_request", pullRequestPayload(), { id });
    expect([200, 202]).toContain(res.status);
    await until(() => fake.checkRuns[0]?.status === "completed" && fake.comments.length === 1, "the check and the comment");

    const run = fake.checkRuns[0];
    expect(run.writes[0]).toEqual({ name: "ci-explain", head_sha: "head1", status: "in_progress", external_id: "7" });
    // The real engine: `test` turns manual on master, a notice-level hazard, so the check passes.
    expect(run.conclusion).toBe("success");
    expect(run.output?.title).toMatch(/^this PR changes CI on 1 of \d+ branch contexts/);
    expect(run.annotations).toContainEqual(expect.objectContaining({ path: "ci/jobs.yml", start_line: 9, annotation_level: "notice" }));
    expect(fake.comments[0].body).toContain(MARKER);
    expect(fake.comments[0].body).toContain("- **`test`**  \n  when: `on_success` → `manual`");
    expect(fake.requests.find((r) => r.path.startsWith("/app/installations/42/access_tokens"))).toBeDefined();

    const before = fake.requests.length;
    const again = await deliver("pull_request", pullRequestPayload(), { id });
    expect(again.status).toBe(200);
    expect(fake.requests.length).toBe(before);
    expect(fake.comments).toHaveLength(1);
  });

  it("answers /ci-explain BRANCH with a reply that explains the job's rule", async () => {
    const comments = fake.comments.length;
    const res = await deliver("issue_comment", commentPayloadFor("/ci-explain master job test"));
    expect([200, 202]).toContain(res.status);
    await until(() => fake.comments.length === comments + 1, "the reply");
    expect(fake.reactions).toEqual([{ commentId: 901, content: "eyes" }]);
    const reply = fake.comments.at(-1)?.body ?? "";
    expect(reply).toContain("`master`");
    expect(reply).toContain("$CI_COMMIT_BRANCH == \"master\"");
    expect(reply).not.toContain(MARKER);
  });

  it("answers 404 elsewhere", async () => {
    expect((await fetch(`${app?.url}/api/gitlab/webhooks`, { method: "POST" })).status).toBe(404);
  });
});
