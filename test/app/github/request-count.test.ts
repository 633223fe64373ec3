import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultGitHubAppDeps } from "../../../src/app/github-app.js";
import { FakeGitHub, gitBlobSha } from "../../platforms/github/fake-github.js";
import { serveWithNock, stopNock } from "../../platforms/github/nock-github.js";
import { MARKER, pullRequestPayload, startApp } from "./harness.js";
import { readTree } from "../read-tree.js";

/**
 * The API cost of one pull request on a realistic config, with the real engine: a
 * QEMU-shaped pipeline of 13 CI files and 6 container recipes (plus unrelated files), where
 * the PR makes the container tag per-branch and changes one recipe.
 */

const FIXTURE = fileURLToPath(new URL("../../fixtures/github/qemu-like/", import.meta.url));

const base = readTree(join(FIXTURE, "base"));
const head = readTree(join(FIXTURE, "head"));
const changed = Object.keys(head).filter((p) => head[p] !== base[p]).sort();

describe("API requests for one PR on a QEMU-like config", () => {
  let fake: FakeGitHub;
  beforeEach(() => {
    fake = new FakeGitHub();
    fake.addCommit("base1", base).addCommit("head1", head);
    fake.branches = ["master", "staging", "staging-8.0", "staging-7.2", "feature"];
    fake.addPull({ number: 7, head: { sha: "head1", ref: "feature" }, base: { sha: "base1", ref: "master" }, files: changed });
    serveWithNock(fake);
  });
  afterEach(stopNock);

  it("costs 11 requests: the merge base's tree, the CI files' blobs in 4 GraphQL queries, each version once, recipes and other files never", async () => {
    const app = await startApp(defaultGitHubAppDeps());
    await app.receive("pull_request", pullRequestPayload());

    const calls = fake.calls();
    const count = (pattern: RegExp) => calls.filter((c) => pattern.test(c)).length;
    expect({
      checkRuns: count(/check-runs/),
      mergeBase: count(/\/compare\//),
      trees: count(/git\/trees/),
      branches: count(/\/branches$/),
      blobQueries: count(/^POST \/graphql$/),
      comments: count(/issues\/7\/comments/),
      total: calls.length,
      // As the App: one token exchange, and one GET /app for the bot's login (once per process).
      asTheApp: fake.requests.length - calls.length,
    }).toEqual({ checkRuns: 2, mergeBase: 1, trees: 1, branches: 1, blobQueries: 4, comments: 2, total: 11, asTheApp: 2 });
    // The head's tree is the merge base's with the compared changes: never asked for.
    expect(calls).not.toContain("GET /repos/acme/demo/git/trees/head1");
    const blobs = fake.graphqlBlobs().flat();
    expect(new Set(blobs).size).toBe(blobs.length);

    // Which files those blobs are: the 13 CI files (the 4 changed ones in both versions) and
    // the base's settings. Recipes are known from the tree listing; their text is not needed.
    const pathOf = new Map<string, string>();
    for (const [side, files] of [["base", base], ["head", head]] as const) {
      for (const [path, text] of Object.entries(files)) pathOf.set(gitBlobSha(text), pathOf.has(gitBlobSha(text)) ? path : `${side}:${path}`);
    }
    const read = blobs.map((sha) => pathOf.get(sha) ?? sha).sort();
    expect(read).toEqual([
      ".ci-explain.yml",
      ".gitlab-ci.d/container-cross.yml",
      ".gitlab-ci.d/container-template.yml",
      ".gitlab-ci.d/containers.yml",
      ".gitlab-ci.d/buildtest.yml",
      ".gitlab-ci.d/crossbuilds.yml",
      ".gitlab-ci.d/project.yml",
      ".gitlab-ci.d/stages.yml",
      ".gitlab-ci.d/static-checks.yml",
      ".gitlab-ci.yml",
      "base:.gitlab-ci.d/base.yml",
      "base:.gitlab-ci.d/buildtest-template.yml",
      "base:.gitlab-ci.d/crossbuild-template.yml",
      "base:.gitlab-ci.d/firmware.yml",
      "head:.gitlab-ci.d/base.yml",
      "head:.gitlab-ci.d/buildtest-template.yml",
      "head:.gitlab-ci.d/crossbuild-template.yml",
      "head:.gitlab-ci.d/firmware.yml",
    ].sort());
    expect(changed).toEqual([
      ".gitlab-ci.d/base.yml",
      ".gitlab-ci.d/buildtest-template.yml",
      ".gitlab-ci.d/crossbuild-template.yml",
      ".gitlab-ci.d/firmware.yml",
      "tests/docker/dockerfiles/fedora.docker",
    ]);
    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0].body).toContain(MARKER);
    expect(fake.checkRuns[0].status).toBe("completed");
  });

  it("costs 5 requests and one check write (created completed) when the PR changes no CI-relevant file", async () => {
    fake.addCommit("head1", { ...base, "README.md": "changed\n", "docs/index.md": "new page\n" });
    const app = await startApp(defaultGitHubAppDeps());
    await app.receive("pull_request", pullRequestPayload());

    // Merge base and changed files, the base's tree and settings file, one check write, the comment lookup.
    const R = "/repos/acme/demo";
    expect(fake.calls()).toEqual([`GET ${R}/compare/base1...head1`, `GET ${R}/git/trees/base1`, "POST /graphql", `POST ${R}/check-runs`, `GET ${R}/issues/7/comments`]);
    expect(fake.graphqlBlobs()).toEqual([[gitBlobSha(base[".ci-explain.yml"])]]);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success", output: { title: "no CI change" } });
    expect(fake.comments).toEqual([]);
  });

  it("costs 7 requests on the next push: the merge base's tree and every unchanged blob come from the cache", async () => {
    const app = await startApp(defaultGitHubAppDeps());
    await app.receive("pull_request", pullRequestPayload());
    const before = fake.requests.length;
    const firstQueries = fake.graphqlBlobs().length;
    const head2 = { ...head, ".gitlab-ci.d/firmware.yml": `${head[".gitlab-ci.d/firmware.yml"]}  timeout: 2h\n` };
    fake.addCommit("head2", head2);
    fake.pulls.get(7)!.head.sha = "head2";
    await app.receive("pull_request", pullRequestPayload({ action: "synchronize", headSha: "head2" }));
    const R = "/repos/acme/demo";
    const second = fake.requests.slice(before).map((r) => `${r.method} ${r.path.split("?")[0]}`);
    expect(second).toEqual([
      `GET ${R}/compare/base1...head2`,
      `POST ${R}/check-runs`,
      `GET ${R}/branches`,
      "POST /graphql",
      `PATCH ${R}/check-runs/${fake.checkRuns[1].id}`,
      `GET ${R}/issues/7/comments`,
      `PATCH ${R}/issues/comments/${fake.comments[0].id}`,
    ]);
    // The one blob asked for is the file this push changed.
    expect(fake.graphqlBlobs().slice(firstQueries)).toEqual([[gitBlobSha(head2[".gitlab-ci.d/firmware.yml"])]]);
    expect(fake.comments).toHaveLength(1);
  });
});
