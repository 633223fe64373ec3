import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGitHub, gitBlobSha } from "../../platforms/github/fake-github.js";
import { serveWithNock, stopNock } from "../../platforms/github/nock-github.js";
import { fakeDeps, startApp } from "./harness.js";

/**
 * A merge queue makes a merge group (a commit on `gh-readonly-queue/<base>/…`) and asks for
 * the required checks on its head commit with `merge_group.checks_requested`; without a
 * `ci-explain` check there, a required `ci-explain` holds every merge through the queue.
 * Payloads in GitHub's shape: https://docs.github.com/en/webhooks/webhook-events-and-payloads#merge_group
 */

const R = "/repos/acme/demo";
const CI_BASE = "build:\n  script: make\n";
const CI_HEAD = `${CI_BASE}  when: manual\n`;
const QUEUE_REF = "refs/heads/gh-readonly-queue/master/pr-7-base1";

function mergeGroupPayload(action: "checks_requested" | "destroyed", headSha = "group1"): unknown {
  return {
    action,
    ...(action === "destroyed" ? { reason: "merged" } : {}),
    merge_group: {
      head_sha: headSha,
      head_ref: QUEUE_REF,
      base_sha: "base1",
      base_ref: "refs/heads/master",
      head_commit: {
        id: headSha,
        tree_id: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        message: "Merge pull request #7 from acme/feature",
        timestamp: "2026-11-28T12:00:00Z",
        author: { name: "Alice", email: "alice@example.com" },
        committer: { name: "GitHub", email: "noreply@github.com" },
      },
    },
    repository: { id: 1, name: "demo", full_name: "acme/demo", owner: { login: "acme", type: "Organization" }, html_url: "https://github.com/acme/demo", default_branch: "master" },
    organization: { login: "acme", id: 2 },
    installation: { id: 42, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=" },
    sender: { login: "alice", type: "User" },
  };
}

let fake: FakeGitHub;
beforeEach(() => {
  fake = new FakeGitHub();
  fake.addCommit("base1", { ".gitlab-ci.yml": CI_BASE, "README.md": "hello" });
  serveWithNock(fake);
});
afterEach(stopNock);

describe("merge queue: merge_group.checks_requested", () => {
  it("sets the ci-explain check on the group's head commit, analysing its base against its head as a push to the base branch", async () => {
    fake.addCommit("group1", { ".gitlab-ci.yml": CI_HEAD, "README.md": "hello" });
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("merge_group", mergeGroupPayload("checks_requested"));
    expect(fake.calls()).toEqual([
      `GET ${R}/git/trees/base1`,
      `GET ${R}/git/trees/group1`,
      `POST ${R}/check-runs`,
      `GET ${R}/branches`,
      "POST /graphql",
      `PATCH ${R}/check-runs/${fake.checkRuns[0].id}`,
    ]);
    expect(fake.graphqlBlobs()).toEqual([[gitBlobSha(CI_HEAD)]]);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: "group1", name: "ci-explain", status: "completed", conclusion: "success", output: { title: "changes CI on 1 of 2 branches" } });
    expect(fake.comments).toEqual([]);
    expect(deps.analyses[0]).toMatchObject({
      baseSha: "base1",
      headSha: "group1",
      changedFiles: [".gitlab-ci.yml"],
      mr: { source: "gh-readonly-queue/master/pr-7-base1", target: "master" },
    });
  });

  it("gives success \"no CI change\" in one write, reading no configuration, when the group touches no CI", async () => {
    fake.addCommit("group1", { ".gitlab-ci.yml": CI_BASE, "README.md": "hello, queue" });
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("merge_group", mergeGroupPayload("checks_requested"));
    expect(fake.calls()).toEqual([`GET ${R}/git/trees/base1`, `GET ${R}/git/trees/group1`, `POST ${R}/check-runs`]);
    expect(deps.analyses).toEqual([]);
    expect(fake.checkRuns).toEqual([
      expect.objectContaining({
        head_sha: "group1",
        status: "completed",
        conclusion: "success",
        output: { title: "no CI change", summary: "This merge group changes no CI configuration file, container recipe or ci-explain settings." },
      }),
    ]);
  });

  it("fails the check, saying so, when the group cannot be read — never a pass for a group nobody looked at", async () => {
    fake.addCommit("group1", { ".gitlab-ci.yml": CI_HEAD });
    fake.failOn("GET", `${R}/git/trees/group1`, 404);
    const app = await startApp(fakeDeps());
    await app.receive("merge_group", mergeGroupPayload("checks_requested"));
    expect(fake.checkRuns).toEqual([expect.objectContaining({ head_sha: "group1", conclusion: "failure", output: expect.objectContaining({ title: "could not analyse" }) })]);
    expect(fake.checkRuns[0].output?.summary).toContain(`ci-explain could not analyse this merge group: GitHub answered 404 to GET ${R}/git/trees/group1`);
  });

  it("ignores merge_group.destroyed (merged, dequeued or invalidated): no request", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("merge_group", mergeGroupPayload("destroyed"));
    expect(fake.requests).toEqual([]);
  });

  it("is subscribed in the App manifest, with the permission GitHub requires for it", () => {
    const manifest = parse(readFileSync(new URL("../../../app.yml", import.meta.url), "utf8")) as { default_events: string[]; default_permissions: Record<string, string> };
    expect(manifest.default_events).toContain("merge_group");
    expect(manifest.default_permissions.merge_queues).toBe("read");
  });
});
