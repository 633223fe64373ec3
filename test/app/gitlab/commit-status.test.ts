import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import { FakeGitLab, stopNock } from "../../platforms/gitlab/fake-gitlab.js";
import { fakeGitLabDeps, GITLAB, MARKER, MR_URL, mrHook, startReceiver } from "./harness.js";

/**
 * The `ci-explain` commit status as GitLab takes it: fields within GitLab's limits, a 409
 * ("Cannot transition status") retried, and the status attached to the MR's head pipeline —
 * also a merged-results pipeline, whose SHA is a merge commit.
 * https://docs.gitlab.com/api/commits/#set-the-pipeline-status-of-a-commit
 */

const CI_BASE = "build:\n  script: make\n";
const CI_HEAD = `${CI_BASE}  when: manual\n`;
const STATUSES = "/api/v4/projects/1/statuses/";

let fake: FakeGitLab;
beforeEach(() => {
  fake = new FakeGitLab();
  fake.addCommit("mergebase1", { ".gitlab-ci.yml": CI_BASE }).addCommit("head1", { ".gitlab-ci.yml": CI_HEAD });
  fake.versions = [{ base: "mergebase1", head: "head1" }];
  fake.diffPaths = [".gitlab-ci.yml"];
  fake.serveWithNock(GITLAB);
});
afterEach(stopNock);

/** The receiver with the production retry behaviour for status writes (waits recorded, not slept). */
async function review(hook: unknown = mrHook(), overrides: Parameters<typeof fakeGitLabDeps>[0] = {}, headers: Record<string, string> = {}) {
  const waits: number[] = [];
  const api = createGitLabApi({ url: GITLAB, token: "t", retry: { retries: 3, baseMs: 100, maxWaitMs: 60_000, timeoutMs: 30_000 }, sleep: async (ms) => void waits.push(ms) });
  const receiver = await startReceiver(fakeGitLabDeps({ api, ...overrides }));
  await receiver.send("Merge Request Hook", hook, headers);
  return { receiver, waits };
}

/** A merge request hook whose project and MR URLs are as long as a deeply nested group path makes them. */
function hookWithUrl(url: string): unknown {
  const hook = mrHook() as { object_attributes: { url: string } };
  hook.object_attributes.url = url;
  return hook;
}

describe("GitLab commit status: every field within GitLab's limits", () => {
  it("links the MR instead of the note when the note's URL would pass 255 characters", async () => {
    const url = `https://gitlab.example.com/${"deep-group/".repeat(18)}demo/-/merge_requests/7`;
    expect(url.length).toBeLessThanOrEqual(255);
    expect(`${url}#note_500`.length).toBeGreaterThan(255);
    const { receiver } = await review(hookWithUrl(url));
    await receiver.close();
    expect(fake.notes).toHaveLength(1);
    expect(fake.statuses.map((s) => [s.state, s.target_url])).toEqual([
      ["pending", url],
      ["success", url],
    ]);
  });

  it("leaves the link out when even the MR's URL passes 255 characters: the status is still set", async () => {
    const url = `https://gitlab.example.com/${"deeper-group/".repeat(20)}demo/-/merge_requests/7`;
    expect(url.length).toBeGreaterThan(255);
    const { receiver } = await review(hookWithUrl(url));
    await receiver.close();
    expect(fake.statuses.map((s) => [s.state, s.target_url])).toEqual([
      ["pending", undefined],
      ["success", undefined],
    ]);
    expect(fake.notes.map((n) => n.body)).toEqual([`${MARKER}\nreport for head1: changes CI on 1 of 2 branches`]);
  });

  it("shortens a long description at a phrase boundary, and the status is taken", async () => {
    const long = Array.from({ length: 40 }, (_, i) => `hazard ${i} introduced`).join(" · ");
    const { receiver } = await review(mrHook(), {
      report: { ...fakeGitLabDeps().report, status: () => ({ state: "failed", description: long }) },
    });
    await receiver.close();
    const final = fake.statuses.at(-1);
    expect(final?.state).toBe("failed");
    expect(final?.description?.length).toBeLessThanOrEqual(255);
    expect(final?.description).toMatch(/^hazard 0 introduced · hazard 1 introduced · .* · …$/);
    expect(long.startsWith(final?.description?.slice(0, -1) ?? "-")).toBe(true);
  });
});

describe("GitLab commit status: 409 while another request holds the pipeline", () => {
  const conflict = { status: 409, body: { message: "Cannot transition status" } };

  it("retries the write with backoff and the status lands", async () => {
    fake.pipelines = [{ id: 42, sha: "head1" }];
    fake.replyOnce("POST", `${STATUSES}head1`, conflict).replyOnce("POST", `${STATUSES}head1`, conflict);
    const { receiver, waits } = await review();
    await receiver.close();
    // The pending write meets two conflicts and lands on the third try; the final one lands at once.
    expect(fake.calls().filter((c) => c === "POST /statuses/head1")).toHaveLength(4);
    expect(waits).toHaveLength(2);
    expect(fake.statuses.map((s) => [s.state, s.pipeline_id])).toEqual([
      ["pending", 42],
      ["success", 42],
    ]);
    expect(fake.notes).toHaveLength(1);
  });

  it("after the retries, reports the failure and releases the delivery: GitLab's retry of it sets the status", async () => {
    for (let i = 0; i < 4; i++) fake.replyOnce("POST", `${STATUSES}head1`, conflict);
    const { receiver } = await review(mrHook(), {}, { "idempotency-key": "conflicted" });
    // Every attempt of the pending write met a conflict: nothing was set, nothing was analysed.
    expect(fake.calls().filter((c) => c === "POST /statuses/head1")).toHaveLength(4);
    expect(fake.statuses).toEqual([]);
    const again = await receiver.send("Merge Request Hook", mrHook(), { "idempotency-key": "conflicted" });
    await receiver.close();
    expect(again.status).toBe(202);
    expect(fake.statuses.map((s) => s.state)).toEqual(["pending", "success"]);
  });
});

describe("GitLab commit status: in the MR's head pipeline", () => {
  it("a merged-results pipeline (SHA of a merge commit): the status goes on that commit, in that pipeline", async () => {
    fake.pipelines = [{ id: 77, sha: "merge1", ref: "refs/merge-requests/7/merge", parents: ["maintip", "head1"] }];
    const { receiver } = await review();
    await receiver.close();
    expect(fake.calls()).toEqual([
      "GET /api/v4/user",
      "GET /merge_requests/7/versions",
      "GET /merge_requests/7/diffs",
      // The MR: is its diff whole (`changes_count`), and which is its head pipeline.
      "GET /merge_requests/7",
      // The settings, wherever they are: the three places in one query.
      "POST /api/graphql",
      "GET /repository/commits/merge1",
      "POST /statuses/merge1",
      "GET /repository/branches",
      "POST /api/graphql",
      "GET /merge_requests/7/notes",
      "POST /merge_requests/7/notes",
      "POST /statuses/merge1",
    ]);
    expect(fake.statuses).toEqual([
      { sha: "merge1", state: "pending", name: "ci-explain", description: "ci-explain is analysing this merge request", target_url: MR_URL, pipeline_id: 77 },
      { sha: "merge1", state: "success", name: "ci-explain", description: "changes CI on 1 of 2 branches", target_url: `${MR_URL}#note_${fake.notes[0].id}`, pipeline_id: 77 },
    ]);
  });

  it("a merged-results pipeline of an older head is not this head's: the status goes on the head, with no pipeline named", async () => {
    fake.pipelines = [{ id: 76, sha: "merge0", ref: "refs/merge-requests/7/merge", parents: ["maintip", "head0"] }];
    const { receiver } = await review();
    await receiver.close();
    expect(fake.statuses.map((s) => [s.sha, s.state, s.pipeline_id])).toEqual([
      ["head1", "pending", undefined],
      ["head1", "success", undefined],
    ]);
  });

  it("a branch pipeline of an older head: no commit lookup, no pipeline named", async () => {
    fake.pipelines = [{ id: 41, sha: "old" }];
    const { receiver } = await review();
    await receiver.close();
    expect(fake.calls().filter((c) => c.includes("/repository/commits/"))).toEqual([]);
    expect(fake.statuses.every((s) => s.sha === "head1" && s.pipeline_id === undefined)).toBe(true);
  });
});
