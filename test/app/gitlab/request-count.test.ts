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

  it("costs 16 requests: the files in 6 GraphQL queries, each (commit, path) asked once, unchanged ones of the base only; one note and two statuses written", async () => {
    const api = createGitLabApi({ url: GITLAB, token: "t", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 30_000 } });
    const receiver = await startReceiver(defaultGitLabAppDeps({ api, secret: SECRET, log: pino({ level: "silent" }) }));
    await receiver.send("Merge Request Hook", mrHook());
    await receiver.close();
    const calls = fake.calls();
    const count = (pattern: RegExp) => calls.filter((c) => pattern.test(c)).length;
    expect({
      user: count(/\/user$/),
      mergeRequest: count(/merge_requests\/7$/),
      statuses: count(/\/statuses\//),
      versions: count(/\/versions$/),
      diffs: count(/\/diffs$/),
      trees: count(/\/repository\/tree$/),
      branches: count(/\/branches$/),
      notes: count(/\/notes$/),
      fileQueries: count(/^POST \/api\/graphql$/),
      raw: count(/\/raw$/),
      total: calls.length,
    }).toEqual({ user: 1, mergeRequest: 1, statuses: 2, versions: 1, diffs: 1, trees: 1, branches: 1, notes: 2, fileQueries: 6, raw: 0, total: 16 });
    // Each (commit, path) is asked for once; a file the MR does not change only at the merge base (the head reads it there).
    const asked = fake.graphqlAsks().flatMap((q) => Object.entries(q).flatMap(([sha, paths]) => paths.map((p) => `${sha}:${p}`)));
    expect(new Set(asked).size).toBe(asked.length);
    const changed = new Set(fake.diffPaths);
    expect(asked.filter((a) => a.startsWith("head1:")).every((a) => changed.has(a.slice("head1:".length)))).toBe(true);
    expect(fake.notes).toHaveLength(1);
    expect(fake.notes[0].body).toContain(MARKER);
    expect(fake.statuses.map((s) => s.state)).toEqual(["pending", fake.statuses[1].state]);
  });

  it("costs 10 requests on the next push: the merge base's files come from the cache, only the head's changed files are asked for", async () => {
    const api = createGitLabApi({ url: GITLAB, token: "t", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 30_000 } });
    const receiver = await startReceiver(defaultGitLabAppDeps({ api, secret: SECRET, log: pino({ level: "silent" }) }));
    await receiver.send("Merge Request Hook", mrHook());
    const before = fake.calls().length;
    const queriesBefore = fake.graphqlAsks().length;
    const head2: Record<string, string> = { ...head, ".gitlab-ci.d/firmware.yml": `${head[".gitlab-ci.d/firmware.yml"]}  timeout: 2h\n` };
    fake.addCommit("head2", head2);
    fake.versions.unshift({ base: "mergebase1", head: "head2" });
    fake.diffPaths = Object.keys(head2).filter((p) => head2[p] !== base[p]).sort();
    fake.pipelines = [{ id: 43, sha: "head2" }];
    await receiver.send("Merge Request Hook", mrHook({ action: "update", headSha: "head2", oldrev: "head1" }));
    await receiver.close();
    expect(fake.calls().slice(before)).toEqual([
      "GET /merge_requests/7/versions",
      "GET /merge_requests/7/diffs",
      "GET /merge_requests/7",
      "POST /statuses/head2",
      "GET /repository/branches",
      "POST /api/graphql",
      "POST /api/graphql",
      "GET /merge_requests/7/notes",
      `PUT /merge_requests/7/notes/${fake.notes[0].id}`,
      "POST /statuses/head2",
    ]);
    // Only the head's changed files (and the recipe it changed, to know it exists) are asked for.
    expect(fake.graphqlAsks().slice(queriesBefore)).toEqual([
      { head2: [".gitlab-ci.d/base.yml", ".gitlab-ci.d/buildtest-template.yml", ".gitlab-ci.d/crossbuild-template.yml", ".gitlab-ci.d/firmware.yml"] },
      { head2: ["tests/docker/dockerfiles/fedora.docker"] },
    ]);
  });

  it("costs 7 requests and sets one status, success \"no CI change\", when the MR changes no CI-relevant file", async () => {
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
      // The settings, wherever they are: the three places in one query.
      "POST /api/graphql",
      "GET /merge_requests/7/notes",
      "POST /statuses/head1",
    ]);
    expect(fake.statuses).toMatchObject([{ state: "success", description: "no CI change" }]);
    expect(fake.notes).toEqual([]);
  });
});
