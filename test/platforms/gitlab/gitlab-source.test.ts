import { describe, expect, it } from "vitest";
import { LruBlobCache } from "../../../src/platforms/blob-cache.js";
import type { GitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import { GitLabSource } from "../../../src/platforms/gitlab/gitlab-source.js";
import { isValidGitLabToken } from "../../../src/platforms/gitlab/webhook-auth.js";

/** A GitLabApi answering reads from a map of files, recording each call. */
function fakeApi(files: Record<string, string>, raw: (text: string) => string | Blob = (t) => t) {
  const calls: string[] = [];
  const notFound = () => Object.assign(new Error("404"), { name: "GitbeakerRequestError", cause: { response: { status: 404 } } });
  const api = {
    rawFile: async (_p: number | string, path: string, ref: string) => {
      calls.push(`raw ${path}@${ref}`);
      if (files[path] === undefined) throw notFound();
      return raw(files[path]);
    },
    tree: async (_p: number | string, o: { ref: string; path: string; maxEntries: number }) => {
      calls.push(`tree ${o.path || "/"}@${o.ref}`);
      return Object.keys(files)
        .filter((p) => o.path === "" || p.startsWith(`${o.path}/`))
        .map((p) => ({ id: `blob-${files[p].length}-${p}`, path: p, type: "blob" }));
    },
  } as unknown as GitLabApi;
  return { api, calls };
}

const FILES = { ".gitlab-ci.yml": "include: ci/*.yml\n", "ci/a.yml": "a:\n  script: x\n", "ci/b.yml": "b:\n  script: y\n", "src/main.c": "int main;" };

describe("GitLabSource", () => {
  it.each([
    ["a string (text/*)", (t: string) => t],
    ["a Blob (application/octet-stream)", (t: string) => new Blob([t])],
  ])("reads a raw file returned as %s", async (_name, raw) => {
    const { api } = fakeApi(FILES, raw);
    const source = new GitLabSource({ api, project: 1, sha: "abc", cache: new LruBlobCache() });
    expect(await source.read(".gitlab-ci.yml")).toBe(FILES[".gitlab-ci.yml"]);
  });

  it("answers undefined for a missing file", async () => {
    const { api } = fakeApi(FILES);
    expect(await new GitLabSource({ api, project: 1, sha: "abc", cache: new LruBlobCache() }).read("nope.yml")).toBeUndefined();
  });

  it("lists only the folder asked for, and answers a subfolder from that listing", async () => {
    const { api, calls } = fakeApi(FILES);
    const source = new GitLabSource({ api, project: 1, sha: "abc", cache: new LruBlobCache() });
    expect(await source.list("ci")).toEqual(["ci/a.yml", "ci/b.yml"]);
    expect(await source.list("ci/")).toEqual(["ci/a.yml", "ci/b.yml"]);
    expect(calls).toEqual(["tree ci@abc"]);
  });

  it("fetches a listed file once for base and head when its blob is unchanged", async () => {
    const { api, calls } = fakeApi(FILES);
    const cache = new LruBlobCache();
    const base = new GitLabSource({ api, project: 1, sha: "base", cache });
    const head = new GitLabSource({ api, project: 1, sha: "head", cache });
    await Promise.all([base.list("ci"), head.list("ci")]);
    expect([await base.read("ci/a.yml"), await head.read("ci/a.yml")]).toEqual([FILES["ci/a.yml"], FILES["ci/a.yml"]]);
    expect(calls.filter((c) => c.startsWith("raw"))).toEqual(["raw ci/a.yml@base"]);
  });

  it("refuses to pretend when a folder has more entries than it may list", async () => {
    const { api } = fakeApi(FILES);
    const source = new GitLabSource({ api, project: 1, sha: "abc", cache: new LruBlobCache(), maxTreeEntries: 2 });
    await expect(source.list("")).rejects.toThrow("more than 2 entries");
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
