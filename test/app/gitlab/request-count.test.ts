import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultGitLabAppDeps } from "../../../src/app/gitlab-webhook.js";
import { createGitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import { FakeGitLab, stopNock } from "../../platforms/gitlab/fake-gitlab.js";
import { GITLAB, MARKER, mrHook, SECRET, startReceiver } from "./harness.js";
import { readTree } from "../read-tree.js";

/**
 * The API cost of one merge request on a realistic config, with the real engine: the
 * QEMU-shaped fixture (13 CI files, 6 container recipes, unrelated files), where the MR
 * makes the container tag per-branch and changes one recipe.
 */

const FIXTURE = fileURLToPath(new URL("../../fixtures/github/qemu-like/", import.meta.url));

const base = readTree(join(FIXTURE, "base"));
const head = readTree(join(FIXTURE, "head"));

describe("GitLab API requests for one MR on a QEMU-like config", () => {
  let fake: FakeGitLab;
  beforeEach(() => {
    fake = new FakeGitLab();
    fake.addCommit("mergebase1", base).addCommit("head1", head);
    fake.versions = [{ base: "mergebase1", head: "head1" }];
    fake.diffPaths = Object.keys(head).filter((p) => head[p] !== base[p]).sort();
    fake.branches = ["main", "staging", "staging-8.0", "staging-7.2", "feature"];
    fake.pipelines = [{ id: 42, sha: "head1" }];
    fake.serveWithNock(GITLAB);
  });
  afterEach(stopNock);

  it("costs 36 requests: one note and two statuses written; each CI file read by path, unchanged ones once (head reads them from the base); one tree listing looks for GitHub Actions workflows", async () => {
    const api = createGitLabApi({ url: GITLAB, token: "t", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 30_000 } });
    const receiver = await startReceiver(defaultGitLabAppDeps({ api, secret: SECRET, log: pino({ level: "silent" }) }));
    await receiver.send("Merge Request Hook", mrHook());
    await receiver.close();
    const calls = fake.calls();
    const count = (pattern: RegExp) => calls.filter((c) => pattern.test(c)).length;
    const raws = calls.filter((c) => c.includes("/raw"));
    expect({
      user: count(/\/user$/),
      mergeRequest: count(/merge_requests\/7$/),
      statuses: count(/\/statuses\//),
      versions: count(/\/versions$/),
      diffs: count(/\/diffs$/),
      trees: count(/\/repository\/tree$/),
      branches: count(/\/branches$/),
      notes: count(/\/notes$/),
      raw: raws.length,
      total: calls.length,
    }).toEqual({ user: 1, mergeRequest: 1, statuses: 2, versions: 1, diffs: 1, trees: 1, branches: 1, notes: 2, raw: 26, total: 36 });
    // A file the MR does not change is read once, whichever revision asks first.
    const unchanged = Object.keys(base).filter((p) => head[p] === base[p]).map((p) => `/repository/files/${encodeURIComponent(p)}/raw`);
    expect(raws.filter((c) => unchanged.some((u) => c.endsWith(u))).length).toBe(new Set(raws.filter((c) => unchanged.some((u) => c.endsWith(u)))).size);
    expect(fake.notes).toHaveLength(1);
    expect(fake.notes[0].body).toContain(MARKER);
    expect(fake.statuses.map((s) => s.state)).toEqual(["pending", fake.statuses[1].state]);
  });

  it("costs 9 requests and sets one status, success \"no CI change\", when the MR changes no CI-relevant file", async () => {
    fake.diffPaths = ["README.md", "docs/index.md"];
    const api = createGitLabApi({ url: GITLAB, token: "t", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 30_000 } });
    const receiver = await startReceiver(defaultGitLabAppDeps({ api, secret: SECRET, log: pino({ level: "silent" }) }));
    await receiver.send("Merge Request Hook", mrHook());
    await receiver.close();
    // No "pending" first: the pre-filter needs no CI file, so the final status is the only one.
    expect(fake.calls()).toEqual([
      "GET /api/v4/user",
      "GET /merge_requests/7/versions",
      "GET /merge_requests/7/diffs",
      // The MR: is its diff whole (`changes_count`), and which is its head pipeline.
      "GET /merge_requests/7",
      "GET /repository/files/.ci-explain.yml/raw",
      "GET /repository/files/.github%2Fci-explain.yml/raw",
      "GET /repository/files/.gitlab%2Fci-explain.yml/raw",
      "GET /merge_requests/7/notes",
      "POST /statuses/head1",
    ]);
    expect(fake.statuses).toMatchObject([{ state: "success", description: "no CI change" }]);
    expect(fake.notes).toEqual([]);
  });
});
