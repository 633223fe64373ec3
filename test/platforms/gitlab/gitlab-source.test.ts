import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LruBlobCache } from "../../../src/platforms/blob-cache.js";
import { createGitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import { GitLabBlobs } from "../../../src/platforms/gitlab/gitlab-blobs.js";
import { GitLabSource } from "../../../src/platforms/gitlab/gitlab-source.js";
import { isValidGitLabToken } from "../../../src/platforms/gitlab/webhook-auth.js";
import { gitBlobSha } from "../github/fake-github.js";
import { FakeGitLab, stopNock } from "./fake-gitlab.js";

const GITLAB = "https://gitlab.example.com";
const FILES = { ".gitlab-ci.yml": "include: ci/*.yml\n", "ci/a.yml": "a:\n  script: x\n", "ci/b.yml": "b:\n  script: y\n", "src/main.c": "int main;" };

let fake: FakeGitLab;
beforeEach(() => {
  fake = new FakeGitLab();
  fake.addCommit("base", FILES).addCommit("head", { ...FILES, "ci/b.yml": "b:\n  script: z\n" });
  fake.serveWithNock(GITLAB);
});
afterEach(stopNock);

function sources(cache = new LruBlobCache()) {
  const api = createGitLabApi({ url: GITLAB, token: "t", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 30_000 } });
  const blobs = new GitLabBlobs(api, { id: 1, path: "acme/demo" }, cache);
  const open = (sha: string, maxTreeEntries?: number) => new GitLabSource({ api, project: 1, sha, cache, blobs, maxTreeEntries });
  return { open, cache };
}

describe("GitLabSource", () => {
  it("reads files through GitLab's GraphQL API: what one turn asks for, of both commits, in one query", async () => {
    const { open } = sources();
    const [base, head] = [open("base"), open("head")];
    const texts = await Promise.all([base.read(".gitlab-ci.yml"), base.read("ci/b.yml"), head.read("ci/b.yml"), head.read("nope.yml")]);
    expect(texts).toEqual([FILES[".gitlab-ci.yml"], FILES["ci/b.yml"], "b:\n  script: z\n", undefined]);
    expect(fake.calls()).toEqual(["POST /api/graphql"]);
    expect(fake.graphqlAsks()).toEqual([{ base: [".gitlab-ci.yml", "ci/b.yml"], head: ["ci/b.yml", "nope.yml"] }]);
  });

  it("reads a file GraphQL gives no text for (binary) from the raw file API, returned as a Blob", async () => {
    fake.binaryPaths.add("src/main.c");
    const { open } = sources();
    expect(await open("base").read("src/main.c")).toBe(FILES["src/main.c"]);
    expect(fake.calls()).toEqual(["POST /api/graphql", "GET /repository/files/src%2Fmain.c/raw"]);
  });

  it("keeps what a path holds at a commit across reviews: the next push's merge base costs no request", async () => {
    const cache = new LruBlobCache();
    expect(await sources(cache).open("base").read("ci/a.yml")).toBe(FILES["ci/a.yml"]);
    expect(await sources(cache).open("base").read("nope.yml")).toBeUndefined();
    const before = fake.requests.length;
    // A new review (new sources, new batcher), same cache: the file and the absence are known.
    const again = sources(cache).open("base");
    expect([await again.read("ci/a.yml"), await again.read("nope.yml")]).toEqual([FILES["ci/a.yml"], undefined]);
    expect(fake.requests.length).toBe(before);
  });

  it("gives the blob id of a file it read (a file's identity for the parse cache)", async () => {
    const source = sources().open("base");
    await source.read("ci/a.yml");
    expect(await source.blobId("ci/a.yml")).toBe(gitBlobSha(FILES["ci/a.yml"]));
  });

  it("lists only the folder asked for, answers a subfolder from that listing, and keeps it by commit", async () => {
    const { open, cache } = sources();
    const source = open("base");
    expect(await source.list("ci")).toEqual(["ci/a.yml", "ci/b.yml"]);
    expect(await source.list("ci/")).toEqual(["ci/a.yml", "ci/b.yml"]);
    expect(await sources(cache).open("base").list("ci")).toEqual(["ci/a.yml", "ci/b.yml"]);
    expect(fake.calls()).toEqual(["GET /repository/tree"]);
  });

  it("refuses to pretend when a folder has more entries than it may list", async () => {
    await expect(sources().open("base", 2).list("")).rejects.toThrow("more than 2 entries");
  });

  it("names GitLab's refusal when the token cannot see the project", async () => {
    const api = createGitLabApi({ url: GITLAB, token: "t", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 30_000 } });
    const source = new GitLabSource({ api, project: 1, sha: "base", cache: new LruBlobCache(), blobs: new GitLabBlobs(api, { id: 1, path: "acme/secret" }, new LruBlobCache()) });
    await expect(source.read(".gitlab-ci.yml")).rejects.toThrow("GitLab's GraphQL API does not show project acme/secret to the token");
  });
});

describe("X-Gitlab-Token check", () => {
  it.each([
    ["the secret", "s3cret", true],
    ["another word of the same length", "s3creT", false],
    ["a prefix", "s3c", false],
    ["nothing", undefined, false],
    ["several headers", ["s3cret", "s3cret"], false],
  ])("%s → %s", (_name, received, valid) => {
    expect(isValidGitLabToken(received, "s3cret")).toBe(valid);
  });
});
