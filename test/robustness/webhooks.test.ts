import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GITLAB_WEBHOOK_PATH } from "../../src/app/gitlab-webhook.js";
import { startServer, type RunningServer } from "../../src/app/server.js";
import { fakeDeps, PRIVATE_KEY } from "../app/github/harness.js";
import { fakeGitLabDeps, mrHook, noteHook, SECRET } from "../app/gitlab/harness.js";

/** Both receivers on one real server, with the queue the runtime adds, as in production. */
let server: RunningServer;
let base: string;
const GITHUB_SECRET = "s3cret";

beforeAll(async () => {
  server = await startServer({
    env: { APP_ID: "123", PRIVATE_KEY, WEBHOOK_SECRET: GITHUB_SECRET, GITLAB_TOKEN: "glpat-test", GITLAB_WEBHOOK_SECRET: SECRET, LOG_LEVEL: "silent" },
    port: 0,
    host: "127.0.0.1",
    githubDeps: fakeDeps,
    gitlabDeps: () => fakeGitLabDeps(),
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

const sign = (body: string) => `sha256=${createHmac("sha256", GITHUB_SECRET).update(body).digest("hex")}`;

async function post(path: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: response.status, text: await response.text() };
}

describe("GitHub webhooks: a bad delivery gets a 4xx and a reason; a signed but odd payload is ignored", () => {
  const github = (body: string, headers: Record<string, string>) =>
    post("/api/github/webhooks", body, { "x-github-event": "pull_request", "x-github-delivery": crypto.randomUUID(), ...headers });

  it.each([
    ["no X-Hub-Signature-256", "{}", {}, 400, "x-hub-signature-256"],
    ["a wrong signature", "{}", { "x-hub-signature-256": "sha256=00" }, 400, "signature does not match"],
    ["a signature that is not sha256=…", "{}", { "x-hub-signature-256": "garbage" }, 400, "signature does not match"],
    ["a signed body that is not JSON", "{not json", { "x-hub-signature-256": sign("{not json") }, 400, "Invalid JSON"],
  ])("%s → a 4xx with the reason", async (_what, body, headers, status, reason) => {
    const r = await github(body, headers);
    expect(r.status).toBe(status);
    expect(r.text).toContain(reason);
  });

  it.each([
    ["a pull_request without any field", "pull_request", "{}"],
    ["a pull_request without the repository", "pull_request", JSON.stringify({ action: "opened", pull_request: { number: 1 } })],
    ["an issue_comment without the issue", "issue_comment", JSON.stringify({ action: "created", comment: { body: "/ci-explain" } })],
    ["a list as the payload", "pull_request", "[]"],
    ["an event the app does not handle", "star", "{}"],
  ])("%s → 200, nothing done", async (_what, event, body) => {
    const r = await github(body, { "x-github-event": event, "x-hub-signature-256": sign(body) });
    expect(r.status).toBe(200);
  });
});

describe("GitLab webhooks: a bad delivery gets a 4xx and a reason; an odd payload is ignored", () => {
  const gitlab = (event: string, body: string, headers: Record<string, string> = {}) =>
    post(GITLAB_WEBHOOK_PATH, body, { "x-gitlab-event": event, "x-gitlab-token": SECRET, ...headers });

  it.each([
    ["no X-Gitlab-Token", "Merge Request Hook", JSON.stringify(mrHook()), { "x-gitlab-token": "" }, 401, "invalid X-Gitlab-Token"],
    ["a wrong X-Gitlab-Token", "Merge Request Hook", JSON.stringify(mrHook()), { "x-gitlab-token": "nope" }, 401, "invalid X-Gitlab-Token"],
    ["a body that is not JSON", "Merge Request Hook", "{not json", {}, 400, "the body is not JSON"],
    ["JSON null", "Merge Request Hook", "null", {}, 400, "the body is not a JSON object"],
    ["a JSON list", "Note Hook", "[]", {}, 400, "the body is not a JSON object"],
    ["a JSON string", "Merge Request Hook", '"x"', {}, 400, "the body is not a JSON object"],
  ])("%s → a 4xx with the reason", async (_what, event, body, headers, status, reason) => {
    const r = await gitlab(event, body, headers);
    expect(r.status).toBe(status);
    expect(r.text).toContain(reason);
  });

  it.each([
    ["an unknown X-Gitlab-Event", "Weird Hook", JSON.stringify(mrHook()), "ignored"],
    ["a Note Hook without merge_request", "Note Hook", JSON.stringify({ ...(noteHook("/ci-explain") as object), merge_request: undefined }), "ignored"],
    ["a Merge Request Hook without fields", "Merge Request Hook", "{}", "ignored"],
    // Queued, then the worker's schema check skips it with a logged reason.
    ["a Merge Request Hook with a string iid", "Merge Request Hook", JSON.stringify({ ...(mrHook() as object), object_attributes: { iid: "x" } }), "accepted"],
  ])("%s → 202", async (_what, event, body, status) => {
    const r = await gitlab(event, body);
    expect(r.status).toBe(202);
    expect(r.text).toContain(status);
  });
});
