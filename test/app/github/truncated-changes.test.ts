import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGitHub } from "../../platforms/github/fake-github.js";
import { serveWithNock, stopNock } from "../../platforms/github/nock-github.js";
import { fakeDeps, pullRequestPayload, startApp } from "./harness.js";

/**
 * A pull request too big for GitHub's files API (it lists at most 3,000 files): the changed
 * files come from the git trees, so a Dockerfile that is file #3,201 is seen; only when a
 * tree itself is truncated does the files API answer, and only when it is whole.
 * https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files
 */

const R = "/repos/acme/demo";
const CI = "build:\n  script: docker build -f Dockerfile .\n";
const DOCS = Object.fromEntries(Array.from({ length: 3200 }, (_, i) => [`docs/page-${String(i).padStart(4, "0")}.md`, "old\n"]));
const NEW_DOCS = Object.fromEntries(Object.keys(DOCS).map((p) => [p, "new\n"]));

let fake: FakeGitHub;
beforeEach(() => {
  fake = new FakeGitHub();
  fake.addCommit("base1", { ".gitlab-ci.yml": CI, Dockerfile: "FROM alpine:3.19\n", ...DOCS });
  // 3,200 pages, then the Dockerfile: the files API names the first 3,000 (in its order, docs first).
  fake.addCommit("head1", { ".gitlab-ci.yml": CI, Dockerfile: "FROM alpine:3.20\n", ...NEW_DOCS });
  fake.addPull({ number: 7, head: { sha: "head1", ref: "feature" }, base: { sha: "base1", ref: "master" }, files: [...Object.keys(DOCS), "Dockerfile"] });
  serveWithNock(fake);
});
afterEach(stopNock);

describe("a pull request of 3,201 changed files", () => {
  it("sees the Dockerfile that is file #3,201: the changed files come from the trees, not the capped files list", async () => {
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("pull_request", pullRequestPayload({ changedFiles: 3201 }));
    expect(fake.calls().filter((c) => c.includes("/pulls/7/files"))).toEqual([]);
    expect(deps.analyses).toHaveLength(1);
    expect(deps.analyses[0].changedFiles).toHaveLength(3201);
    expect(deps.analyses[0].changedFiles).toContain("Dockerfile");
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success", output: { title: "changes CI on 1 of 2 branches" } });
  });

  it("with a tree too big for GitHub to return whole and a files list cut at 3,000: could not analyse, never \"no CI change\"", async () => {
    fake.truncatedTrees.add("head1");
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("pull_request", pullRequestPayload({ changedFiles: 3201 }));
    expect(deps.analyses).toEqual([]);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "could not analyse" } });
    expect(fake.checkRuns[0].output?.summary).toContain("the pull request's file list (3000 of 3201 files) may not name every change");
    expect(fake.comments).toEqual([]);
  });

  it("with a tree too big for GitHub to return whole but a files list that names every file: that list decides", async () => {
    fake.truncatedTrees.add("head1");
    fake.pulls.get(7)!.files = ["README.md"];
    const deps = fakeDeps();
    const app = await startApp(deps);
    await app.receive("pull_request", pullRequestPayload({ changedFiles: 1 }));
    expect(fake.calls()).toContain(`GET ${R}/pulls/7/files`);
    expect(deps.analyses).toEqual([]);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success", output: { title: "no CI change" } });
  });
});
