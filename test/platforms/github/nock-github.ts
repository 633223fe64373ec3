import nock from "nock";
import { ProbotOctokit } from "probot";
import type { FakeGitHub } from "./fake-github.js";

/**
 * Probot's Octokit with retries and throttling REALLY off: only the function form of
 * `defaults` survives Probot's own shallow merge of `throttle` (the object form keeps a
 * 1 s spacing between writes).
 */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object | undefined), enabled: false },
}));

/** Route every request to api.github.com into the fake; nothing reaches the network. */
export function serveWithNock(fake: FakeGitHub, origin = "https://api.github.com"): void {
  nock.disableNetConnect();
  for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"] as const) {
    nock(origin)
      .persist()
      .intercept(() => true, method)
      .reply((uri, requestBody) => {
        const body = typeof requestBody === "string" && requestBody !== "" ? (JSON.parse(requestBody) as unknown) : requestBody;
        const reply = fake.handle(method, uri, body);
        return [reply.status, JSON.stringify(reply.body), { "content-type": "application/json", ...reply.headers }];
      });
  }
}

export function stopNock(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}

/** An Octokit for platform tests, authenticated with a plain token (no app exchange). */
export function testApi(): InstanceType<typeof TestOctokit> {
  return new TestOctokit({ auth: { token: "ghs_test" } });
}
