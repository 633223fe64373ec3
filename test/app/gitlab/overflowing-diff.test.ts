import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGitLab, stopNock } from "../../platforms/gitlab/fake-gitlab.js";
import { fakeGitLabDeps, GITLAB, mrHook, startReceiver } from "./harness.js";

/**
 * A merge request past GitLab's diff limits (`max_files`, 1,000 by default): GitLab lists the
 * first 1,000 files and says so with `changes_count: "1000+"`. The changed files then come
 * from the trees of merge base and head, so a Dockerfile past the cut is seen.
 * https://docs.gitlab.com/administration/diff_limits/
 */

const CI = "build:\n  script: docker build -f Dockerfile .\n";
const DOCS = Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`docs/page-${String(i).padStart(4, "0")}.md`, "old\n"]));

let fake: FakeGitLab;
beforeEach(() => {
  fake = new FakeGitLab();
  fake.addCommit("mergebase1", { ".gitlab-ci.yml": CI, Dockerfile: "FROM alpine:3.19\n", ...DOCS });
  fake.addCommit("head1", { ".gitlab-ci.yml": CI, Dockerfile: "FROM alpine:3.20\n", ...Object.fromEntries(Object.keys(DOCS).map((p) => [p, "new\n"])) });
  fake.versions = [{ base: "mergebase1", head: "head1" }];
  // GitLab's order puts the docs first: the Dockerfile is file #1,201, past the cut.
  fake.diffPaths = [...Object.keys(DOCS), "Dockerfile"];
  fake.serveWithNock(GITLAB);
});
afterEach(stopNock);

describe("a merge request whose diff GitLab cut (changes_count \"1000+\")", () => {
  it("decides from the trees: the Dockerfile past the cut is a change, and the MR is analysed", async () => {
    const deps = fakeGitLabDeps();
    const receiver = await startReceiver(deps);
    await receiver.send("Merge Request Hook", mrHook());
    await receiver.close();
    // Both trees listed (13 pages of 100 each), no diff trusted.
    expect(fake.calls().filter((c) => c === "GET /repository/tree")).toHaveLength(26);
    expect(deps.analyses).toHaveLength(1);
    expect(deps.analyses[0].changedFiles).toHaveLength(1201);
    expect(deps.analyses[0].changedFiles).toContain("Dockerfile");
    expect(fake.statuses.map((s) => [s.state, s.description])).toEqual([
      ["pending", "ci-explain is analysing this merge request"],
      ["success", "changes CI on 1 of 2 branches"],
    ]);
  });

  it("a diff within the limits is trusted: no tree is listed for the changed files", async () => {
    fake.maxDiffFiles = 3000;
    const deps = fakeGitLabDeps();
    const receiver = await startReceiver(deps);
    await receiver.send("Merge Request Hook", mrHook());
    await receiver.close();
    expect(fake.calls().filter((c) => c === "GET /repository/tree")).toEqual([]);
    expect(deps.analyses[0].changedFiles).toHaveLength(1201);
  });
});
