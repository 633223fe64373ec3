import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGitHub, gitBlobSha, BOT } from "../../platforms/github/fake-github.js";
import { serveWithNock, stopNock } from "../../platforms/github/nock-github.js";
import { createGitHubReport } from "../../../src/platforms/github/github-report.js";
import { largeAnalysis } from "../../report/large.js";
import { checkRunPayload, checkSuitePayload, commentPayload, fakeAnalysis, fakeDeps, MARKER, pullRequestPayload, seedRepository, startApp } from "./harness.js";

const CI_BASE = "build:\n  script: make\n";
const CI_HEAD = `${CI_BASE}  when: manual\n`;
const R = "/repos/acme/demo";

// Every test starts from a fresh fake GitHub with the demo repository, served through nock.
let fake: FakeGitHub;
beforeEach(() => {
  fake = new FakeGitHub();
  seedRepository(fake);
  serveWithNock(fake);
});
afterEach(stopNock);

describe("GitHub App: pull requests", () => {
  it("sets the check in progress, analyses base vs head, completes it and creates one comment", async () => {
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("pull_request", pullRequestPayload());

    expect(fake.calls()).toEqual([
      // The merge base, and the files it and the head differ in (with their new blobs): the head's tree needs no request.
      `GET ${R}/compare/base1...head1`,
      `GET ${R}/git/trees/base1`,
      `POST ${R}/check-runs`,
      `GET ${R}/branches`,
      "POST /graphql",
      `PATCH ${R}/check-runs/${fake.checkRuns[0].id}`,
      `GET ${R}/issues/7/comments`,
      `POST ${R}/issues/7/comments`,
    ]);
    expect(fake.checkRuns[0].writes).toEqual([
      { name: "ci-explain", head_sha: "head1", status: "in_progress", external_id: "7" },
      {
        status: "completed",
        conclusion: "success",
        output: { title: "changes CI on 1 of 2 branches", summary: "summary" },
      },
    ]);
    expect(fake.comments.map((c) => c.body)).toEqual([`${MARKER}\nreport for head1: changes CI on 1 of 2 branches`]);
    expect(deps.analyses[0]).toMatchObject({
      baseSha: "base1",
      headSha: "head1",
      changedFiles: [".gitlab-ci.yml"],
      branches: ["master"],
      mr: { source: "feature", target: "master", sourceProject: "acme/demo", iid: 7 },
      settings: { project: "acme/demo", defaultBranch: "master" },
    });
  });

  it("edits the one comment on the next push and never adds a second", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("pull_request", pullRequestPayload());
    fake.addCommit("head2", { ".gitlab-ci.yml": `${CI_HEAD}  allow_failure: true\n` });
    fake.pulls.get(7)!.head.sha = "head2";
    await app.receive("pull_request", pullRequestPayload({ action: "synchronize", headSha: "head2" }));

    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0].body).toBe(`${MARKER}\nreport for head2: changes CI on 1 of 2 branches`);
    expect(fake.calls().filter((c) => c.includes("/issues/"))).toEqual([
      `GET ${R}/issues/7/comments`,
      `POST ${R}/issues/7/comments`,
      `GET ${R}/issues/7/comments`,
      `PATCH ${R}/issues/comments/${fake.comments[0].id}`,
    ]);
    expect(fake.checkRuns.map((r) => [r.head_sha, r.status])).toEqual([["head1", "completed"], ["head2", "completed"]]);
  });

  it("finds its comment after a restart and does not rewrite an unchanged body", async () => {
    fake.addComment(`${MARKER}\nreport for head1: changes CI on 1 of 2 branches`);
    const app = await startApp(fakeDeps());
    await app.receive("pull_request", pullRequestPayload({ action: "reopened" }));
    expect(fake.calls().filter((c) => c.includes("/issues/"))).toEqual([`GET ${R}/issues/7/comments`]);
    expect(fake.comments).toHaveLength(1);
  });

  it("gives success \"no CI change\" without fetching any CI file when no YAML, recipe or settings file changed", async () => {
    fake.addCommit("head1", { ".gitlab-ci.yml": CI_BASE, "README.md": "hello again", "src/main.c": "int main(void) { return 0; }\n" });
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("pull_request", pullRequestPayload());

    expect(deps.analyses).toEqual([]);
    // The check is written once, already finished: no "in progress" write for a push that touches no CI.
    expect(fake.calls()).toEqual([`GET ${R}/compare/base1...head1`, `GET ${R}/git/trees/base1`, `POST ${R}/check-runs`, `GET ${R}/issues/7/comments`]);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success", output: { title: "no CI change" } });
    expect(fake.comments).toEqual([]);
  });

  it("gives \"no CI change\" when the engine finds the changed YAML is not part of CI", async () => {
    fake.addCommit("head1", { ".gitlab-ci.yml": CI_BASE, "README.md": "hello", "docs/mkdocs.yml": "site_name: demo\n" });
    const deps = fakeDeps({ analyze: async (input) => fakeAnalysis(input, { ciRelevant: false }) });
    const app = await startApp(deps);
    await app.receive("pull_request", pullRequestPayload());
    expect(fake.checkRuns[0]).toMatchObject({ conclusion: "success", output: { title: "no CI change" } });
    expect(fake.comments).toEqual([]);
  });

  it("edits the comment to say so when a later push no longer touches CI", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("pull_request", pullRequestPayload());
    fake.addCommit("head2", { ".gitlab-ci.yml": CI_BASE, "README.md": "hello again" });
    Object.assign(fake.pulls.get(7)!, { head: { sha: "head2", ref: "feature" } });
    await app.receive("pull_request", pullRequestPayload({ action: "synchronize", headSha: "head2" }));

    expect(fake.comments.map((c) => c.body)).toEqual([`${MARKER}\nno longer changes CI as of head2`]);
    expect(fake.checkRuns[1]).toMatchObject({ head_sha: "head2", conclusion: "success", output: { title: "no CI change" } });
  });

  it("gives a second PR its own sticky comment and leaves the first PR's comment alone", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("pull_request", pullRequestPayload());
    fake.addPull({ number: 8, head: { sha: "head1", ref: "other" }, base: { sha: "base1", ref: "master" }, files: [".gitlab-ci.yml"] });
    await app.receive("pull_request", pullRequestPayload({ number: 8, headRef: "other" }));

    expect(fake.comments.map((c) => [c.issue, c.body])).toEqual([
      [7, `${MARKER}\nreport for head1: changes CI on 1 of 2 branches`],
      [8, `${MARKER}\nreport for head1: changes CI on 1 of 2 branches`],
    ]);
    expect(fake.calls().filter((c) => c.startsWith("PATCH") && c.includes("/issues/comments/"))).toEqual([]);
  });

  it.each([
    ["does not comment on a draft when on_drafts is false", "comment:\n  on_drafts: false\n", 0],
    ["comments on a draft when on_drafts is true", "comment:\n  on_drafts: true\n", 1],
    ["does not comment on a draft by default", "project: group/project\n", 0],
  ])("%s, but still sets the check", async (_name, settings, comments) => {
    seedRepository(fake, {
      base: { ".gitlab-ci.yml": CI_BASE, ".ci-explain.yml": settings },
      head: { ".gitlab-ci.yml": CI_HEAD, ".ci-explain.yml": settings },
    });
    const app = await startApp(fakeDeps());
    await app.receive("pull_request", pullRequestPayload({ draft: true }));
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(fake.comments).toHaveLength(comments);
  });

  it("hands the base settings' problems to the analysis, with file:line, so the report can name them", async () => {
    seedRepository(fake, {
      base: { ".gitlab-ci.yml": CI_BASE, ".ci-explain.yml": "coment:\n  on_drafts: true\n" },
      head: { ".gitlab-ci.yml": CI_HEAD, ".ci-explain.yml": "coment:\n  on_drafts: true\n" },
    });
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("pull_request", pullRequestPayload());
    expect(deps.analyses[0].settingsDiagnostics).toEqual([expect.objectContaining({ pos: expect.objectContaining({ file: ".ci-explain.yml", line: 1 }) })]);
  });

  it("takes policy from the base branch's settings, never from the head's", async () => {
    seedRepository(fake, {
      base: { ".gitlab-ci.yml": CI_BASE, ".ci-explain.yml": "comment:\n  on_drafts: false\n" },
      head: { ".gitlab-ci.yml": CI_HEAD, ".ci-explain.yml": "comment:\n  on_drafts: true\n" },
    });
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("pull_request", pullRequestPayload({ draft: true }));
    expect(deps.analyses[0].settings.comment.onDrafts).toBe(false);
    expect(deps.analyses[0].changedFiles).toContain(".ci-explain.yml");
    expect(fake.comments).toEqual([]);
  });

  it.each([
    ["ignores an edit that keeps the base", { action: "edited", changes: { title: { from: "old" } } }, 0],
    ["re-analyses when the base branch changed", { action: "edited", changes: { base: { ref: { from: "stable" } } } }, 1],
    ["analyses when a draft becomes ready", { action: "ready_for_review" }, 1],
  ])("%s", async (_name, options, checks) => {
    const app = await startApp(fakeDeps());
    await app.receive("pull_request", pullRequestPayload(options));
    expect(fake.checkRuns).toHaveLength(checks);
  });

  it("reads a fork PR's base and head from the base repository", async () => {
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("pull_request", pullRequestPayload({ headRepo: "mallory/demo" }));
    // REST under the base repository; GraphQL asks the base repository too.
    const graphql = fake.requests.filter((r) => r.path === "/graphql");
    expect(fake.requests.filter((r) => !graphql.includes(r)).every((r) => /^\/app(\/|$)/.test(r.path) || r.path.startsWith(`${R}/`))).toBe(true);
    expect(graphql.map((r) => (r.body as { variables: { owner: string; name: string } }).variables)).toEqual([expect.objectContaining({ owner: "acme", name: "demo" })]);
    expect(fake.calls()).toContain(`GET ${R}/compare/base1...head1`);
    expect(fake.graphqlBlobs().flat()).toContain(gitBlobSha(CI_HEAD));
    expect(deps.analyses[0].mr?.sourceProject).toBe("mallory/demo");
    expect(fake.comments).toHaveLength(1);
  });

  it("says \"could not analyse\" with the reason on an API failure, and leaves a good comment alone", async () => {
    const good = fake.addComment(`${MARKER}\nreport for head1: changes CI on 1 of 2 branches`);
    fake.failOn("POST", "/graphql", 500);
    const app = await startApp(fakeDeps());
    await app.receive("pull_request", pullRequestPayload({ action: "synchronize" }));

    expect(fake.checkRuns[0]).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "could not analyse" },
    });
    expect(fake.checkRuns[0].output?.summary).toContain("GitHub answered 500 to POST /graphql");
    expect(fake.comments).toEqual([good]);
    expect(fake.calls().filter((c) => c.includes("/issues/"))).toEqual([]);
  });

  it("reports an engine bug as \"could not analyse\" instead of crashing", async () => {
    const app = await startApp(fakeDeps({ analyze: () => Promise.reject(new Error("boom")) }));
    await app.receive("pull_request", pullRequestPayload());
    expect(fake.checkRuns[0].output?.summary).toContain("internal error (a bug in ci-explain): boom");
  });

  it("completes a check of thousands of marked places in one write of the 50 most severe annotations, the rest counted in the summary", async () => {
    const big = largeAnalysis(2000, 6);
    const report = createGitHubReport();
    const deps = fakeDeps({ analyze: async (input) => ({ ...big, base: { ...big.base, sha: input.baseSha }, head: { ...big.head, sha: input.headSha } }), report, explain: report.explain });
    const app = await startApp(deps);
    await app.receive("pull_request", pullRequestPayload());
    const run = fake.checkRuns[0];
    expect(fake.calls().filter((c) => c.includes("/check-runs"))).toEqual([`POST ${R}/check-runs`, `PATCH ${R}/check-runs/${run.id}`]);
    const completing = run.writes[1] as { status: string; output: { annotations: Array<{ annotation_level: string }> } };
    expect(completing.status).toBe("completed");
    expect(completing.output.annotations).toHaveLength(50);
    expect(run.annotations).toHaveLength(50);
    const levels = completing.output.annotations.map((a) => a.annotation_level);
    // The most severe first: no notice before a warning, no warning before a failure.
    expect(levels).toEqual([...levels].sort((a, b) => ["failure", "warning", "notice"].indexOf(a) - ["failure", "warning", "notice"].indexOf(b)));
    expect(run.output?.summary).toMatch(/Annotations: the 50 most severe are marked on their lines; \d+ more are not marked \(/);
    // The generated analysis' own verdict, carried through.
    expect(run.conclusion).toBe("success");
  });

  it("does nothing twice for a redelivered webhook", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("pull_request", pullRequestPayload(), "delivery-1");
    const before = fake.requests.length;
    await app.receive("pull_request", pullRequestPayload(), "delivery-1");
    expect(fake.requests.length).toBe(before);
    expect(fake.comments).toHaveLength(1);
    expect(fake.checkRuns).toHaveLength(1);
    expect(app.logs.filter((l) => l.reason === "redelivery of an event handled already")).toEqual([expect.objectContaining({ delivery: "delivery-1", event: "pull_request" })]);
  });

  it("lets a redelivery retry a delivery that failed", async () => {
    fake.failOn("GET", `${R}/git/trees/base1`, 502);
    const app = await startApp(fakeDeps());
    await app.receive("pull_request", pullRequestPayload(), "delivery-1");
    fake.failures.length = 0;
    await app.receive("pull_request", pullRequestPayload(), "delivery-1");
    expect(fake.checkRuns.map((r) => r.conclusion)).toEqual(["failure", "success"]);
    expect(fake.comments).toHaveLength(1);
  });

  it("writes one comment when two events for the PR arrive together", async () => {
    const app = await startApp(fakeDeps());
    await Promise.all([
      app.receive("pull_request", pullRequestPayload({ action: "opened" })),
      app.receive("pull_request", pullRequestPayload({ action: "ready_for_review" })),
    ]);
    expect(fake.comments).toHaveLength(1);
  });
});

describe("GitHub App: /ci-explain", () => {
  it("acknowledges with eyes and refreshes the sticky comment", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("issue_comment", commentPayload("/ci-explain"));
    expect(fake.reactions).toEqual([{ commentId: 555, content: "eyes" }]);
    expect(fake.calls()).toEqual([
      `GET ${R}/pulls/7`,
      `GET ${R}/compare/base1...head1`,
      `GET ${R}/git/trees/base1`,
      `POST ${R}/issues/comments/555/reactions`,
      // The review reads the same merge base: its tree comes from the cache (a commit's tree never changes).
      `POST ${R}/check-runs`,
      `GET ${R}/branches`,
      "POST /graphql",
      `PATCH ${R}/check-runs/${fake.checkRuns[0].id}`,
      `GET ${R}/issues/7/comments`,
      `POST ${R}/issues/7/comments`,
    ]);
    expect(fake.comments.map((c) => c.body)).toEqual([`${MARKER}\nreport for head1: changes CI on 1 of 2 branches`]);
  });

  it("refreshes the comment on a draft when asked, even with on_drafts false", async () => {
    seedRepository(fake, {
      base: { ".gitlab-ci.yml": CI_BASE, ".ci-explain.yml": "comment:\n  on_drafts: false\n" },
      head: { ".gitlab-ci.yml": CI_HEAD },
    });
    fake.pulls.get(7)!.draft = true;
    const app = await startApp(fakeDeps());
    await app.receive("issue_comment", commentPayload("/ci-explain"));
    expect(fake.comments).toHaveLength(1);
  });

  it("answers a specific question with a reply and leaves the sticky comment alone", async () => {
    const sticky = fake.addComment(`${MARKER}\nold`);
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("issue_comment", commentPayload("/ci-explain staging-8.0 job build --var QEMU_CI=1"));
    expect(fake.reactions).toEqual([{ commentId: 555, content: "eyes" }]);
    expect(fake.comments.map((c) => c.body)).toEqual([sticky.body, 'explain staging-8.0 job=build vars={"QEMU_CI":"1"}']);
    expect(fake.checkRuns).toEqual([]);
    expect(deps.analyses[0].settings).toMatchObject({
      variables: { QEMU_CI: "1" },
      contexts: [{ name: "staging-8.0", branch: "staging-8.0", source: "push", variables: {} }],
    });
  });

  it("answers a question about eighty large pipelines within GitHub's comment limit, with less detail and commands that exist, never cut", async () => {
    const big = largeAnalysis(200, 80);
    const report = createGitHubReport();
    const app = await startApp(fakeDeps({ analyze: async (input) => ({ ...big, head: { ...big.head, sha: input.headSha } }), report, explain: report.explain }));
    await app.receive("issue_comment", commentPayload("/ci-explain --var QEMU_CI=1"));
    expect(fake.calls().filter((c) => c.startsWith("POST") && c.includes("/comments"))).toEqual([`POST ${R}/issues/comments/555/reactions`, `POST ${R}/issues/7/comments`]);
    const body = fake.comments[0].body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).not.toContain("cut to fit");
    expect(body).not.toContain("check run has the details");
    expect(body.split("\n")[0]).toBe("**/ci-explain** at `head1`, with `QEMU_CI=1`");
    expect(body).toContain("The explanation of 80 contexts is too long for one comment. Ask about one at a time:");
    expect(body).toContain("- `release-0.x` — 237 jobs: `/ci-explain release-0.x --var QEMU_CI=1`");
  });

  it("answers unknown arguments with a short usage reply", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("issue_comment", commentPayload("/ci-explain --branch staging"));
    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0].body).toMatch(/^`\/ci-explain`: unknown option `--branch`\n\nUsage: `\/ci-explain \[BRANCH\|CONTEXT\.\.\.\] \[job NAME\] \[--var NAME=VALUE\]\.\.\.`/);
    expect(fake.checkRuns).toEqual([]);
  });

  it("answers a failure with the reason, not silence", async () => {
    const app = await startApp(fakeDeps({ analyze: () => Promise.reject(new Error("boom")) }));
    await app.receive("issue_comment", commentPayload("/ci-explain master"));
    expect(fake.comments.map((c) => c.body)).toEqual(["ci-explain could not answer: internal error (a bug in ci-explain): boom"]);
  });

  it.each([
    ["the bot itself", BOT],
    ["another app", { login: "renovate[bot]", type: "Bot" }],
    ["a bot account typed as a user", { login: "helper[bot]", type: "User" }],
  ])("ignores a command written by %s", async (_name, user) => {
    const app = await startApp(fakeDeps());
    await app.receive("issue_comment", commentPayload("/ci-explain", { user }));
    expect(fake.requests).toEqual([]);
  });

  it("ignores its own reply even if it starts with the command", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("issue_comment", commentPayload(`/ci-explain\n${MARKER}`));
    expect(fake.requests).toEqual([]);
  });

  it.each([
    ["an ordinary comment", "Looks good", {}],
    ["a command on an issue", "/ci-explain", { onIssue: true }],
  ])("ignores %s", async (_name, body, options) => {
    const app = await startApp(fakeDeps());
    await app.receive("issue_comment", commentPayload(body, options));
    expect(fake.requests).toEqual([]);
  });

  it("allows 5 commands per PR in 10 minutes, then reacts with confused", async () => {
    const app = await startApp(fakeDeps());
    for (let i = 0; i < 6; i++) await app.receive("issue_comment", commentPayload("/ci-explain master", { id: 600 + i }));
    expect(fake.comments.filter((c) => c.body.startsWith("explain"))).toHaveLength(5);
    expect(fake.reactions.at(-1)).toEqual({ commentId: 605, content: "confused" });
  });

  it.each([
    ["CONTRIBUTOR", "confused", 0],
    ["COLLABORATOR", "eyes", 1],
    ["OWNER", "eyes", 1],
  ])("with commands_from collaborators, a %s gets %s", async (association, reaction, replies) => {
    seedRepository(fake, { base: { ".gitlab-ci.yml": CI_BASE, ".ci-explain.yml": "comment:\n  commands_from: collaborators\n" } });
    const app = await startApp(fakeDeps());
    await app.receive("issue_comment", commentPayload("/ci-explain master", { association }));
    expect(fake.reactions).toEqual([{ commentId: 555, content: reaction }]);
    expect(fake.comments).toHaveLength(replies);
  });

  it.each([
    ["reading the pull request", "GET", `${R}/pulls/7`],
    ["posting the reply", "POST", `${R}/issues/7/comments`],
  ])("answers the redelivery of a command that failed while %s (the failure released the delivery)", async (_when, method, path) => {
    fake.failOn(method, path, 502);
    const app = await startApp(fakeDeps());
    await app.receive("issue_comment", commentPayload("/ci-explain master"), "d-1");
    expect(fake.comments).toEqual([]);
    fake.failures.length = 0;
    await app.receive("issue_comment", commentPayload("/ci-explain master"), "d-1");
    expect(fake.comments.map((c) => c.body)).toEqual(['explain master job=- vars={}']);
    expect(fake.reactions.at(-1)).toEqual({ commentId: 555, content: "eyes" });
    expect(app.logs.filter((l) => l.reason === "redelivery of an event handled already")).toEqual([]);
  });

  it("with commands_from collaborators, outsiders' commands do not use up a maintainer's allowance", async () => {
    seedRepository(fake, { base: { ".gitlab-ci.yml": CI_BASE, ".ci-explain.yml": "comment:\n  commands_from: collaborators\n" } });
    const app = await startApp(fakeDeps());
    for (let i = 0; i < 8; i++) await app.receive("issue_comment", commentPayload("/ci-explain master", { id: 700 + i, association: "CONTRIBUTOR" }));
    await app.receive("issue_comment", commentPayload("/ci-explain master", { id: 800, association: "OWNER" }));
    expect(fake.reactions.at(-1)).toEqual({ commentId: 800, content: "eyes" });
    expect(fake.comments.filter((c) => c.body.startsWith("explain"))).toHaveLength(1);
  });

  it("does not reply twice to a redelivered command", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("issue_comment", commentPayload("/ci-explain master"), "d-1");
    await app.receive("issue_comment", commentPayload("/ci-explain master"), "d-1");
    expect(fake.comments).toHaveLength(1);
  });
});

describe("GitHub App: re-run from the Checks tab", () => {
  it("check_run.rerequested re-analyses the PR attached to the check", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("check_run", checkRunPayload("head1", [7]));
    expect(fake.calls().slice(0, 4)).toEqual([`GET ${R}/pulls/7`, `GET ${R}/compare/base1...head1`, `GET ${R}/git/trees/base1`, `POST ${R}/check-runs`]);
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: "head1", conclusion: "success" });
    expect(fake.comments).toHaveLength(1);
  });

  it("check_run.rerequested for a fork PR finds it by the check's external id", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("check_run", checkRunPayload("head1", [], "7"));
    expect(fake.calls()[0]).toBe(`GET ${R}/pulls/7`);
    expect(fake.checkRuns).toHaveLength(1);
  });

  it("check_suite.rerequested for a fork PR finds it among the open PRs", async () => {
    const app = await startApp(fakeDeps());
    await app.receive("check_suite", checkSuitePayload("head1", []));
    expect(fake.calls()[0]).toBe(`GET ${R}/pulls`);
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: "head1", status: "completed" });
  });

  it("re-running the check of an older commit updates that check only, not the comment", async () => {
    fake.addCommit("old0", { ".gitlab-ci.yml": CI_BASE });
    const app = await startApp(fakeDeps());
    await app.receive("check_run", checkRunPayload("old0", [7]));
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: "old0", status: "completed" });
    expect(fake.comments).toEqual([]);
    expect(fake.calls().filter((c) => c.includes("/issues/"))).toEqual([]);
  });

  it("ignores a re-run of another app's check", async () => {
    const app = await startApp(fakeDeps());
    const payload = checkRunPayload("head1", [7]) as { check_run: { name: string } };
    payload.check_run.name = "build";
    await app.receive("check_run", payload);
    expect(fake.requests).toEqual([]);
  });
});
