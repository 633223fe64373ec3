import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { defaultGitHubAppDeps } from "../../../src/app/github-app.js";
import { politeOctokit } from "../../../src/app/github-octokit.js";
import { defaultGitLabAppDeps } from "../../../src/app/gitlab-webhook.js";
import { createGitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import type { RetryPolicy } from "../../../src/platforms/http/retry-policy.js";
import { pullRequestPayload, seedRepository, startApp } from "../../app/github/harness.js";
import { GITLAB, mrHook, SECRET, startReceiver } from "../../app/gitlab/harness.js";
import { FakeGitHub } from "../github/fake-github.js";
import { serveWithNock, stopNock as stopGitHubNock, type TestOctokit } from "../github/nock-github.js";
import { FakeGitLab, stopNock as stopGitLabNock } from "../gitlab/fake-gitlab.js";

/**
 * The production API clients (GitHub's Octokit and GitLab's gitbeaker, both through
 * politeFetch) against rate-limit answers as GitHub and GitLab document them: the wait the
 * response asks for is the wait taken, whatever the status and message, and a wait longer
 * than the policy allows is not cut short — the review says it could not analyse instead.
 * Sleeps are recorded, not slept.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 * https://docs.gitlab.com/security/rate_limits/ (RateLimit-Reset, Retry-After)
 */

const POLICY: RetryPolicy = { retries: 3, baseMs: 1, maxWaitMs: 120_000, timeoutMs: 30_000 };
const R = "/repos/acme/demo";
const nowSeconds = () => Math.floor(Date.now() / 1000);

afterEach(() => {
  stopGitHubNock();
  stopGitLabNock();
});

async function githubReview(trouble: (fake: FakeGitHub) => void) {
  const fake = new FakeGitHub();
  seedRepository(fake);
  trouble(fake);
  serveWithNock(fake);
  const waits: number[] = [];
  // Throttling's write spacing off (1 s per write would only slow the test); retries as in production.
  const Octokit = politeOctokit(POLICY, { sleep: async (ms) => void waits.push(ms) }).defaults((o: { throttle?: object }) => ({
    ...o,
    throttle: { ...o.throttle, enabled: false },
  })) as typeof TestOctokit;
  const app = await startApp(defaultGitHubAppDeps(), Octokit);
  await app.receive("pull_request", pullRequestPayload());
  return { fake, waits };
}

describe("GitHub: every rate-limit answer is waited out as it asks", () => {
  it("a 429 whose message does not say \"secondary rate\" waits its Retry-After, then the comment is written", async () => {
    const { fake, waits } = await githubReview((f) =>
      f.replyOnce("POST", `${R}/issues/7/comments`, { status: 429, body: { message: "Too Many Requests" }, headers: { "retry-after": "7" } }),
    );
    expect(fake.calls().filter((c) => c === `POST ${R}/issues/7/comments`)).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(7000);
    expect(waits[0]).toBeLessThan(7100);
    expect(fake.comments).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "neutral" });
  });

  it.each([
    ["a secondary-rate 403 with Retry-After", 403, { "retry-after": "3" }, 3000],
    ["a primary-rate 403 (remaining 0) until x-ratelimit-reset", 403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(nowSeconds() + 20) }, 20_000],
    ["a primary-rate 429 (remaining 0) until x-ratelimit-reset", 429, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(nowSeconds() + 20) }, 20_000],
    ["a 503 with Retry-After", 503, { "retry-after": "2" }, 2000],
  ])("%s: one retry after the asked wait, and the review completes", async (_name, status, headers, wait) => {
    const { fake, waits } = await githubReview((f) => f.replyOnce("GET", `${R}/git/trees/base1`, { status, body: { message: "You have exceeded a secondary rate limit" }, headers }));
    expect(fake.calls().filter((c) => c === `GET ${R}/git/trees/base1`)).toHaveLength(2);
    expect(waits).toHaveLength(1);
    // A reset is a moment (whole seconds), not a span: the review started a little before it was asked.
    expect(waits[0]).toBeGreaterThan(wait - 5000);
    expect(waits[0]).toBeLessThan(wait + 100);
    // The real engine's verdict on a job turned manual: a warning, so neutral.
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "neutral" });
  });

  it("a 403 without rate-limit headers (no permission) is not retried", async () => {
    const { fake, waits } = await githubReview((f) => f.replyOnce("GET", `${R}/git/trees/base1`, { status: 403, body: { message: "Resource not accessible by integration" } }));
    expect(fake.calls().filter((c) => c === `GET ${R}/git/trees/base1`)).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(fake.checkRuns[0]).toMatchObject({ conclusion: "failure", output: { title: "could not analyse" } });
  });

  it("a reset further away than the policy's longest wait is not asked again early: the check says it could not analyse", async () => {
    const { fake, waits } = await githubReview((f) =>
      f.replyOnce("GET", `${R}/git/trees/base1`, { status: 429, body: { message: "API rate limit exceeded" }, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(nowSeconds() + 3600) } }),
    );
    expect(fake.calls().filter((c) => c === `GET ${R}/git/trees/base1`)).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(fake.checkRuns[0]).toMatchObject({ conclusion: "failure", output: { title: "could not analyse" } });
    expect(fake.checkRuns[0].output?.summary).toContain(`GitHub answered 429 to GET ${R}/git/trees/base1`);
  });
});

describe("GitLab: RateLimit-Reset and Retry-After are waited out as they ask", () => {
  it.each([
    ["a 429 with RateLimit-Reset", 429, () => ({ "ratelimit-reset": String(nowSeconds() + 30) }), 30_000],
    ["a 429 with Retry-After", 429, () => ({ "retry-after": "5" }), 5000],
    ["a 503 with Retry-After", 503, () => ({ "retry-after": "4" }), 4000],
  ])("%s on the diffs: one retry after the asked wait, and the status ends success", async (_name, status, headers, wait) => {
    const fake = new FakeGitLab();
    fake.addCommit("mergebase1", { ".gitlab-ci.yml": "build:\n  script: make\n" }).addCommit("head1", { ".gitlab-ci.yml": "build:\n  script: make\n  when: manual\n" });
    fake.versions = [{ base: "mergebase1", head: "head1" }];
    fake.diffPaths = [".gitlab-ci.yml"];
    fake.replyOnce("GET", "/api/v4/projects/1/merge_requests/7/diffs", { status, body: { message: "Retry later" }, headers: headers() });
    fake.serveWithNock(GITLAB);
    const waits: number[] = [];
    const api = createGitLabApi({ url: GITLAB, token: "t", retry: POLICY, sleep: async (ms) => void waits.push(ms) });
    const receiver = await startReceiver(defaultGitLabAppDeps({ api, secret: SECRET, log: pino({ level: "silent" }) }));
    await receiver.send("Merge Request Hook", mrHook());
    await receiver.close();
    expect(fake.calls().filter((c) => c === "GET /merge_requests/7/diffs")).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(wait - 5000);
    expect(waits[0]).toBeLessThan(wait + 100);
    expect(fake.statuses.at(-1)).toMatchObject({ state: "success" });
  });
});
