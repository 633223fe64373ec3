import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COMMAND_USAGE } from "../../../src/commands/parse-command.js";
import { BOT_USER, FakeGitLab, stopNock } from "../../platforms/gitlab/fake-gitlab.js";
import { fakeGitLabDeps, GITLAB, MARKER, MR_URL, mrHook, noteHook, startReceiver, type Receiver } from "./harness.js";

const CI_BASE = "build:\n  script: make\n";
const CI_HEAD = `${CI_BASE}  when: manual\n`;

describe("GitLab webhook: merge request events", () => {
  let fake: FakeGitLab;
  let receiver: Receiver;
  let deps: ReturnType<typeof fakeGitLabDeps>;
  beforeEach(async () => {
    fake = new FakeGitLab();
    fake.addCommit("mergebase1", { ".gitlab-ci.yml": CI_BASE }).addCommit("head1", { ".gitlab-ci.yml": CI_HEAD });
    fake.versions = [{ base: "mergebase1", head: "head1" }];
    fake.diffPaths = [".gitlab-ci.yml"];
    fake.pipelines = [{ id: 42, sha: "head1" }, { id: 41, sha: "old" }];
    fake.serveWithNock(GITLAB);
    deps = fakeGitLabDeps();
    receiver = await startReceiver(deps);
  });
  afterEach(async () => {
    await receiver.close();
    stopNock();
  });

  it("answers 202, sets the status pending on the MR pipeline, analyses merge base vs head, writes one note and the final status", async () => {
    const reply = await receiver.send("Merge Request Hook", mrHook(), { "idempotency-key": "k1" });
    expect(reply.status).toBe(202);
    expect(fake.calls()).toEqual([
      "GET /api/v4/user",
      "GET /merge_requests/7/versions",
      "GET /merge_requests/7/diffs",
      // The MR: is its diff whole (`changes_count`), and which is its head pipeline.
      "GET /merge_requests/7",
      // The settings, wherever they are: the three places in one query.
      "POST /api/graphql",
      // Pending only once the changed files may touch CI (a change that cannot gets one final status).
      "POST /statuses/head1",
      "GET /repository/branches",
      "POST /api/graphql",
      "GET /merge_requests/7/notes",
      "POST /merge_requests/7/notes",
      "POST /statuses/head1",
    ]);
    const note = fake.notes[0];
    expect(fake.notes.map((n) => n.body)).toEqual([`${MARKER}\nreport for head1: changes CI on 1 of 2 branches`]);
    expect(fake.statuses).toEqual([
      { sha: "head1", state: "pending", name: "ci-explain", description: "ci-explain is analysing this merge request", target_url: MR_URL, pipeline_id: 42 },
      { sha: "head1", state: "success", name: "ci-explain", description: "changes CI on 1 of 2 branches", target_url: `${MR_URL}#note_${note.id}`, pipeline_id: 42 },
    ]);
    expect(deps.analyses[0]).toMatchObject({
      baseSha: "mergebase1",
      headSha: "head1",
      changedFiles: [".gitlab-ci.yml"],
      branches: ["main"],
      mr: { source: "feature", target: "main", sourceProject: "acme/demo", iid: 7 },
      settings: { project: "acme/demo", defaultBranch: "main" },
    });
  });

  it("edits the one note on the next push and never adds a second; an unchanged note is not rewritten", async () => {
    await receiver.send("Merge Request Hook", mrHook());
    fake.addCommit("head2", { ".gitlab-ci.yml": `${CI_HEAD}  allow_failure: true\n` });
    fake.versions.unshift({ base: "mergebase1", head: "head2" });
    await receiver.send("Merge Request Hook", mrHook({ action: "update", headSha: "head2", oldrev: "head1" }));
    expect(fake.notes.map((n) => n.body)).toEqual([`${MARKER}\nreport for head2: changes CI on 1 of 2 branches`]);
    expect(fake.calls().filter((c) => c.startsWith("PUT"))).toEqual([`PUT /merge_requests/7/notes/${fake.notes[0].id}`]);
    await receiver.send("Merge Request Hook", mrHook({ action: "update", headSha: "head2", oldrev: "head1" }));
    expect(fake.calls().filter((c) => c.startsWith("PUT") || c === "POST /merge_requests/7/notes")).toHaveLength(2);
  });

  it("finds its note among others' notes and ignores a person quoting the marker", async () => {
    fake.notes.push({ id: 1, body: `quoting ${MARKER}`, author: { id: 5, username: "alice" }, system: false });
    await receiver.send("Merge Request Hook", mrHook());
    expect(fake.notes).toHaveLength(2);
    expect(fake.notes[0].body).toBe(`quoting ${MARKER}`);
  });

  it("does nothing for a redelivery with the same Idempotency-Key", async () => {
    await receiver.send("Merge Request Hook", mrHook(), { "idempotency-key": "same" });
    const before = fake.requests.length;
    const reply = await receiver.send("Merge Request Hook", mrHook(), { "idempotency-key": "same" });
    expect(reply).toEqual({ status: 200, body: { status: "duplicate" } });
    expect(fake.requests.length).toBe(before);
  });

  it.each([
    ["a wrong token", { "x-gitlab-token": "wrong" }],
    ["a token of another length", { "x-gitlab-token": "x" }],
    ["no token", { "x-gitlab-token": "" }],
  ])("refuses %s with 401 and makes no API call", async (_name, headers) => {
    const reply = await receiver.send("Merge Request Hook", mrHook(), headers);
    expect(reply.status).toBe(401);
    expect(fake.requests).toEqual([]);
  });

  it.each([
    ["an approval", mrHook({ action: "approved" })],
    ["an update without new commits (title edit)", mrHook({ action: "update", changes: { title: { previous: "a", current: "b" } } })],
    ["a merged MR", mrHook({ action: "merge", state: "merged" })],
  ])("ignores %s without any API call", async (_name, payload) => {
    const reply = await receiver.send("Merge Request Hook", payload);
    expect(reply.status).toBe(202);
    expect(fake.requests).toEqual([]);
  });

  it("re-analyses when the target branch changes", async () => {
    await receiver.send("Merge Request Hook", mrHook({ action: "update", changes: { target_branch: { previous: "old", current: "main" } } }));
    expect(fake.statuses.map((s) => s.state)).toEqual(["pending", "success"]);
  });

  it("on a draft without comment.on_drafts sets the status but starts no note", async () => {
    await receiver.send("Merge Request Hook", mrHook({ draft: true }));
    expect(fake.notes).toEqual([]);
    expect(fake.statuses.map((s) => s.state)).toEqual(["pending", "success"]);
  });

  it("omits pipeline_id when the head SHA has no MR pipeline yet", async () => {
    fake.pipelines = [{ id: 41, sha: "old" }];
    await receiver.send("Merge Request Hook", mrHook());
    expect(fake.statuses.every((s) => s.pipeline_id === undefined)).toBe(true);
  });

  it("sets a failed status saying why when the API fails, and leaves a good note alone", async () => {
    await receiver.send("Merge Request Hook", mrHook());
    const good = fake.notes.map((n) => ({ ...n }));
    fake.failures.push({ method: "GET", pathPrefix: "/api/v4/projects/1/merge_requests/7/diffs", status: 500 });
    const writesBefore = fake.calls().filter((c) => c.includes("/notes") && !c.startsWith("GET")).length;
    await receiver.send("Merge Request Hook", mrHook({ action: "reopen" }), { "idempotency-key": "retry-me" });
    expect(fake.statuses.at(-1)).toMatchObject({
      state: "failed",
      description: "could not analyse: GitLab answered 500 to GET /api/v4/projects/1/merge_requests/7/diffs",
    });
    expect(fake.notes).toEqual(good);
    expect(fake.calls().filter((c) => c.includes("/notes") && !c.startsWith("GET")).length).toBe(writesBefore);
    // The delivery was forgotten: GitLab's retry (same Idempotency-Key) runs again.
    fake.failures.length = 0;
    const retry = await receiver.send("Merge Request Hook", mrHook({ action: "reopen" }), { "idempotency-key": "retry-me" });
    expect(retry.status).toBe(202);
    expect(fake.statuses.at(-1)?.state).toBe("success");
  });

  it("puts config errors into a failed status", async () => {
    await receiver.close();
    deps = fakeGitLabDeps({
      analyze: async (input) => ({
        ...(await fakeGitLabDeps().analyze(input)),
        verdict: { conclusion: "failure", title: ".gitlab-ci.yml:3: unknown key", summary: "" },
      }),
    });
    receiver = await startReceiver(deps);
    await receiver.send("Merge Request Hook", mrHook());
    expect(fake.statuses.at(-1)).toMatchObject({ state: "failed", description: ".gitlab-ci.yml:3: unknown key" });
  });
});

describe("GitLab webhook: /ci-explain notes", () => {
  let fake: FakeGitLab;
  let receiver: Receiver;
  beforeEach(async () => {
    fake = new FakeGitLab();
    fake.addCommit("mergebase1", { ".gitlab-ci.yml": CI_BASE }).addCommit("head1", { ".gitlab-ci.yml": CI_HEAD });
    fake.versions = [{ base: "mergebase1", head: "head1" }];
    fake.diffPaths = [".gitlab-ci.yml"];
    fake.serveWithNock(GITLAB);
    receiver = await startReceiver(fakeGitLabDeps());
  });
  afterEach(async () => {
    await receiver.close();
    stopNock();
  });

  it("awards eyes and refreshes the sticky note", async () => {
    await receiver.send("Note Hook", noteHook("/ci-explain"));
    expect(fake.awards).toEqual([{ noteId: 321, name: "eyes" }]);
    expect(fake.notes.map((n) => n.body)).toEqual([`${MARKER}\nreport for head1: changes CI on 1 of 2 branches`]);
    expect(fake.statuses.map((s) => s.state)).toEqual(["pending", "success"]);
    expect(fake.calls().filter((c) => c.endsWith("/versions"))).toHaveLength(1);
  });

  it("replies with the explanation for a branch question", async () => {
    await receiver.send("Note Hook", noteHook("/ci-explain staging job build"));
    expect(fake.notes.map((n) => n.body)).toEqual(["explain staging job=build"]);
    expect(fake.statuses).toEqual([]);
  });

  it.each([
    ["a bad option", "/ci-explain --nope", "`/ci-explain`: unknown option `--nope`"],
    ["--help", "/ci-explain --help", ""],
  ])("replies with the usage for %s", async (_name, text, prefix) => {
    await receiver.send("Note Hook", noteHook(text));
    expect(fake.notes.map((n) => n.body)).toEqual([prefix ? `${prefix}\n\n${COMMAND_USAGE}` : COMMAND_USAGE]);
  });

  it.each([
    ["the bot's own note (by user id)", noteHook("/ci-explain", { user: BOT_USER })],
    ["another bot", noteHook("/ci-explain", { user: { id: 8, username: "renovate", bot: true } })],
    ["a note carrying the report marker", noteHook(`/ci-explain\n${MARKER}`)],
    ["an ordinary note", noteHook("looks good")],
    ["a note on an issue", noteHook("/ci-explain", { noteable: "Issue" })],
  ])("ignores %s: no write", async (_name, payload) => {
    await receiver.send("Note Hook", payload);
    expect(fake.calls().filter((c) => !c.startsWith("GET"))).toEqual([]);
  });

  it("ignores an edited command note (GitLab 16.11+ sends the Note Hook again with action update): no second run, no second award", async () => {
    await receiver.send("Note Hook", noteHook("/ci-explain staging"));
    const edited = noteHook("/ci-explain staging-8.0") as { object_attributes: { action: string } };
    edited.object_attributes.action = "update";
    await receiver.send("Note Hook", edited);
    expect(fake.awards).toEqual([{ noteId: 321, name: "eyes" }]);
    expect(fake.notes.map((n) => n.body)).toEqual(["explain staging job=-"]);
  });

  it("limits commands per MR and answers the excess with confused", async () => {
    for (let i = 0; i < 6; i++) await receiver.send("Note Hook", noteHook("/ci-explain --help", { noteId: 400 + i }));
    expect(fake.awards.map((a) => a.name)).toEqual(["eyes", "eyes", "eyes", "eyes", "eyes", "confused"]);
  });

  it("with commands_from: collaborators, outsiders' commands do not use up a maintainer's allowance", async () => {
    fake.addCommit("mergebase1", { ".gitlab-ci.yml": CI_BASE, ".ci-explain.yml": "comment:\n  commands_from: collaborators\n" });
    fake.members.set(6, 40);
    for (let i = 0; i < 8; i++) await receiver.send("Note Hook", noteHook("/ci-explain staging", { noteId: 500 + i, user: { id: 9, username: "outsider" } }));
    await receiver.send("Note Hook", noteHook("/ci-explain staging", { noteId: 600, user: { id: 6, username: "maintainer" } }));
    expect(fake.awards.at(-1)).toEqual({ noteId: 600, name: "eyes" });
    expect(fake.notes.map((n) => n.body)).toEqual(["explain staging job=-"]);
  });

  it.each([
    ["a Developer", 30, "eyes"],
    ["a Maintainer (inherited from the group)", 40, "eyes"],
    ["a Reporter", 20, "confused"],
    ["someone who is no member", undefined, "confused"],
  ])("with commands_from: collaborators, %s gets %s (one membership request)", async (_name, level, award) => {
    fake.addCommit("mergebase1", { ".gitlab-ci.yml": CI_BASE, ".ci-explain.yml": "comment:\n  commands_from: collaborators\n" });
    if (level !== undefined) fake.members.set(5, level);
    await receiver.send("Note Hook", noteHook("/ci-explain staging"));
    expect(fake.awards).toEqual([{ noteId: 321, name: award }]);
    expect(fake.calls().filter((c) => c.includes("/members/"))).toEqual(["GET /members/all/5"]);
    expect(fake.notes.map((n) => n.body)).toEqual(award === "eyes" ? ["explain staging job=-"] : []);
  });
});
