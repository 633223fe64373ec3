import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubSource } from "../../../src/platforms/github/github-source.js";
import { LruBlobCache } from "../../../src/platforms/github/blob-cache.js";
import { GitHubBlobs } from "../../../src/platforms/github/github-blobs.js";
import { FakeGitHub, gitBlobSha } from "./fake-github.js";
import { serveWithNock, stopNock, testApi } from "./nock-github.js";

const CI = "include:\n  - local: ci/build.yml\n";
const BUILD = "build:\n  script: make\n";

describe("GitHubSource", () => {
  let fake: FakeGitHub;
  beforeEach(() => {
    fake = new FakeGitHub();
    fake.addCommit("base1", { ".gitlab-ci.yml": CI, "ci/build.yml": BUILD, "README.md": "hi" });
    fake.addCommit("head1", { ".gitlab-ci.yml": CI, "ci/build.yml": `${BUILD}  when: manual\n`, "README.md": "hi" });
    serveWithNock(fake);
  });
  afterEach(stopNock);

  const open = (sha: string, cache = new LruBlobCache()) => {
    const api = testApi();
    return new GitHubSource({ api, owner: "acme", repo: "demo", sha, cache, blobs: new GitHubBlobs(api, { owner: "acme", repo: "demo" }, cache) });
  };

  it("reads a file with one tree call and one GraphQL query for its blob", async () => {
    const source = open("base1");
    expect(await source.read("ci/build.yml")).toBe(BUILD);
    expect(fake.calls()).toEqual(["GET /repos/acme/demo/git/trees/base1", "POST /graphql"]);
    expect(fake.graphqlBlobs()).toEqual([[gitBlobSha(BUILD)]]);
    expect(fake.requests[0].path).toContain("recursive=1");
  });

  it("asks for every blob read in one turn, of both revisions, with one query", async () => {
    const cache = new LruBlobCache();
    const api = testApi();
    const blobs = new GitHubBlobs(api, { owner: "acme", repo: "demo" }, cache);
    const base = new GitHubSource({ api, owner: "acme", repo: "demo", sha: "base1", cache, blobs });
    const head = new GitHubSource({ api, owner: "acme", repo: "demo", sha: "head1", cache, blobs });
    await Promise.all([base.list(""), head.list("")]);
    const texts = await Promise.all([base.read(".gitlab-ci.yml"), base.read("ci/build.yml"), head.read("ci/build.yml"), head.read("README.md")]);
    expect(texts).toEqual([CI, BUILD, `${BUILD}  when: manual\n`, "hi"]);
    expect(fake.calls().filter((c) => c === "POST /graphql")).toHaveLength(1);
    expect(fake.graphqlBlobs()[0].sort()).toEqual([gitBlobSha(CI), gitBlobSha(BUILD), gitBlobSha(`${BUILD}  when: manual\n`), gitBlobSha("hi")].sort());
  });

  it("reads a blob GraphQL gives no whole text for (too large) from the REST blobs API", async () => {
    fake.truncatedBlobs.add(gitBlobSha(BUILD));
    expect(await open("base1").read("ci/build.yml")).toBe(BUILD);
    expect(fake.calls()).toEqual(["GET /repos/acme/demo/git/trees/base1", "POST /graphql", `GET /repos/acme/demo/git/blobs/${gitBlobSha(BUILD)}`]);
  });

  it("keeps trees by commit SHA in the shared cache: a second source of the same commit makes no tree request", async () => {
    const cache = new LruBlobCache();
    expect(await open("base1", cache).read("ci/build.yml")).toBe(BUILD);
    expect(await open("base1", cache).read("ci/build.yml")).toBe(BUILD);
    expect(fake.calls()).toEqual(["GET /repos/acme/demo/git/trees/base1", "POST /graphql"]);
  });

  it.each([
    ["a missing file", "nope.yml"],
    ["a directory", "ci"],
  ])("answers undefined for %s without fetching a blob", async (_name, path) => {
    const source = open("base1");
    expect(await source.read(path)).toBeUndefined();
    expect(fake.calls()).toEqual(["GET /repos/acme/demo/git/trees/base1"]);
  });

  it("lists a folder from the tree, recursively and sorted", async () => {
    const source = open("base1");
    expect(await source.list("ci")).toEqual(["ci/build.yml"]);
    expect(await source.list("")).toEqual([".gitlab-ci.yml", "README.md", "ci/build.yml"]);
    expect(fake.calls()).toHaveLength(1);
  });

  it("fetches a blob unchanged between base and head once, through the shared cache", async () => {
    const cache = new LruBlobCache();
    const base = open("base1", cache);
    const head = open("head1", cache);
    await Promise.all([base.read(".gitlab-ci.yml"), head.read(".gitlab-ci.yml"), base.read(".gitlab-ci.yml")]);
    expect(await head.read("ci/build.yml")).toBe(`${BUILD}  when: manual\n`);
    expect(fake.graphqlBlobs()).toEqual([[gitBlobSha(CI)], [gitBlobSha(`${BUILD}  when: manual\n`)]]);
  });

  it("reads files by commit and path when GitHub truncates the tree, those asked together in one query", async () => {
    fake.truncatedTrees.add("base1");
    const source = open("base1");
    const [build, nope, ci] = await Promise.all([source.read("ci/build.yml"), source.read("nope.yml"), source.read("ci")]);
    expect(build).toBe(BUILD);
    expect(nope).toBeUndefined();
    // A folder is no file.
    expect(ci).toBeUndefined();
    expect(await source.list("ci")).toEqual(["ci/build.yml"]);
    expect(fake.calls()).toEqual(["GET /repos/acme/demo/git/trees/base1", "POST /graphql", "GET /repos/acme/demo/contents/ci"]);
    expect(fake.graphqlPaths()).toEqual([["base1:ci/build.yml", "base1:nope.yml", "base1:ci"]]);
  });

  it("gives the blob SHA as the file's identity", async () => {
    expect(await open("base1").blobId("ci/build.yml")).toBe(gitBlobSha(BUILD));
  });

  it("decodes UTF-8 text", async () => {
    fake.addCommit("utf", { "a.yml": "name: \"Grüße ✓\"\n" });
    expect(await open("utf").read("a.yml")).toBe("name: \"Grüße ✓\"\n");
  });

  it("throws an API failure instead of reporting the file as missing", async () => {
    fake.failOn("POST", "/graphql", 500);
    await expect(open("base1").read("ci/build.yml")).rejects.toMatchObject({ status: 500 });
  });

  it("retries the tree after a failed fetch", async () => {
    fake.failOn("GET", "/repos/acme/demo/git/trees/", 502);
    const source = open("base1");
    await expect(source.read("ci/build.yml")).rejects.toMatchObject({ status: 502 });
    fake.failures.length = 0;
    expect(await source.read("ci/build.yml")).toBe(BUILD);
  });
});

describe("LruBlobCache", () => {
  it("drops the least recently used texts past its size in bytes", async () => {
    // Each entry holds 12 bytes (5 characters and a 1-character SHA, 2 bytes each): room for two.
    const cache = new LruBlobCache(24);
    const fetched: string[] = [];
    const get = (sha: string) =>
      cache.getOrFetch(sha, async () => {
        fetched.push(sha);
        return "12345";
      });
    await get("a");
    await get("b");
    await get("a");
    await get("c");
    await get("a");
    await get("b");
    expect(fetched).toEqual(["a", "b", "c", "b"]);
  });

  it("does not keep a failed fetch", async () => {
    const cache = new LruBlobCache();
    await expect(cache.getOrFetch("a", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await cache.getOrFetch("a", async () => "ok")).toBe("ok");
  });
});
