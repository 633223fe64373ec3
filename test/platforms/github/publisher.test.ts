import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubPublisher, type CheckAnnotation } from "../../../src/platforms/github/publisher.js";
import { BOT, FakeGitHub } from "./fake-github.js";
import { serveWithNock, stopNock, testApi } from "./nock-github.js";

const MARKER = "<!-- ci-explain:comment key=main -->";
const STICKY = { marker: MARKER, author: BOT.login };

describe("GitHubPublisher", () => {
  let fake: FakeGitHub;
  let publisher: GitHubPublisher;
  beforeEach(() => {
    fake = new FakeGitHub();
    serveWithNock(fake);
    publisher = new GitHubPublisher(testApi(), { owner: "acme", repo: "demo" });
  });
  afterEach(stopNock);

  it("creates the sticky comment when there is none", async () => {
    expect(await publisher.upsertStickyComment(7, STICKY, `${MARKER}\nreport`, { create: true })).toBe("created");
    expect(fake.calls()).toEqual(["GET /repos/acme/demo/issues/7/comments", "POST /repos/acme/demo/issues/7/comments"]);
    expect(fake.requests[1].body).toEqual({ body: `${MARKER}\nreport` });
  });

  it("edits the existing comment found on a later page, never adding a second one", async () => {
    fake.pageSize = 2;
    for (let i = 0; i < 5; i++) fake.addComment(`chat ${i}`, { login: "alice", type: "User" });
    const sticky = fake.addComment(`${MARKER}\nold`);
    expect(await publisher.upsertStickyComment(7, STICKY, `${MARKER}\nnew`, { create: true })).toBe("updated");
    expect(fake.calls()).toEqual([
      "GET /repos/acme/demo/issues/7/comments",
      "GET /repos/acme/demo/issues/7/comments",
      "GET /repos/acme/demo/issues/7/comments",
      `PATCH /repos/acme/demo/issues/comments/${sticky.id}`,
    ]);
    expect(fake.comments.filter((c) => c.body.includes(MARKER))).toEqual([{ ...sticky, body: `${MARKER}\nnew` }]);
  });

  it("writes nothing when the body is unchanged", async () => {
    fake.addComment(`${MARKER}\nsame`);
    expect(await publisher.upsertStickyComment(7, STICKY, `${MARKER}\nsame`, { create: true })).toBe("unchanged");
    expect(fake.calls()).toEqual(["GET /repos/acme/demo/issues/7/comments"]);
  });

  it("does not take over a person's comment that quotes the marker", async () => {
    fake.addComment(`> ${MARKER}`, { login: "mallory", type: "User" });
    expect(await publisher.upsertStickyComment(7, STICKY, `${MARKER}\nreport`, { create: true })).toBe("created");
    expect(fake.comments.map((c) => c.body)).toEqual([`> ${MARKER}`, `${MARKER}\nreport`]);
  });

  it("does not take over another bot's comment that quotes the marker (github-actions[bot])", async () => {
    const quoted = fake.addComment(`Bot report mirrors:\n${MARKER}\nnot ours`, { login: "github-actions[bot]", type: "Bot" });
    expect(await publisher.upsertStickyComment(7, STICKY, `${MARKER}\nreport`, { create: true })).toBe("created");
    expect(fake.comments.find((c) => c.id === quoted.id)?.body).toBe(`Bot report mirrors:\n${MARKER}\nnot ours`);
    expect(fake.comments.filter((c) => c.user.login === BOT.login).map((c) => c.body)).toEqual([`${MARKER}\nreport`]);
  });

  it("with create: false edits an existing comment but never starts one", async () => {
    expect(await publisher.upsertStickyComment(7, STICKY, "x", { create: false })).toBe("absent");
    expect(fake.comments).toEqual([]);
  });

  it("cuts an oversized body at a line end instead of letting GitHub refuse it", async () => {
    const body = `${MARKER}\n${"x".repeat(100)}\n`.repeat(1000);
    await publisher.reply(7, body);
    const sent = (fake.requests[0].body as { body: string }).body;
    expect(sent.length).toBeLessThanOrEqual(65_536);
    expect(sent).toMatch(/\n\n… \(cut to fit GitHub's size limit\)$/);
    // A reply has no check run to point to: the note claims nothing else.
    expect(sent).not.toContain("check run");
  });

  it.each([
    [0, 0],
    [50, 50],
    [120, 50],
  ])("completes a check given %i annotations in one write carrying %i", async (count, carried) => {
    const id = await publisher.startCheck("abc123", "7");
    const annotations: CheckAnnotation[] = Array.from({ length: count }, (_, i) => ({
      path: ".gitlab-ci.yml",
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: "failure",
      title: "problem",
      message: `problem ${i}`,
    }));
    await publisher.completeCheck(id, { conclusion: "failure", title: "t", summary: "s", annotations });
    const run = fake.checkRuns[0];
    expect(run.writes[0]).toEqual({ name: "ci-explain", head_sha: "abc123", status: "in_progress", external_id: "7" });
    const updates = run.writes.slice(1) as Array<{ status?: string; conclusion?: string; output: { annotations?: unknown[] } }>;
    expect(updates.map((u) => [u.status, u.output.annotations?.length ?? 0])).toEqual([["completed", carried]]);
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    // GitHub refuses more than 50 in one request: the report selects them, the publisher never sends more.
    expect(run.annotations).toHaveLength(carried);
  });

  it("reacts to a comment", async () => {
    await publisher.react(99, "eyes");
    expect(fake.reactions).toEqual([{ commentId: 99, content: "eyes" }]);
  });
});
