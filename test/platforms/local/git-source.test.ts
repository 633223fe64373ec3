import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitBlobReader, GitSource, resolveRevision } from "../../../src/platforms/local/index.js";

let repo: string;
const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "cie-git-"));
  git("init", "-q");
  mkdirSync(join(repo, "ci"));
  writeFileSync(join(repo, ".gitlab-ci.yml"), "include: ci/a.yml\n");
  for (let i = 0; i < 40; i++) writeFileSync(join(repo, "ci", `f${i}.yml`), `job${i}:\n  script: [echo ${i}]\n`);
  git("add", "-A");
  git("-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "one");
  writeFileSync(join(repo, ".gitlab-ci.yml"), "include: ci/b.yml\n");
  git("-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qam", "two");
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("GitSource", () => {
  it("reads each revision's own content through one shared reader, concurrently and in order", async () => {
    const reader = new GitBlobReader(repo);
    const [before, after] = await Promise.all([GitSource.open(repo, "HEAD~1", reader), GitSource.open(repo, "HEAD", reader)]);
    const texts = await Promise.all(Array.from({ length: 40 }, (_, i) => after.read(`ci/f${i}.yml`)));
    expect(texts.every((t, i) => t === `job${i}:\n  script: [echo ${i}]\n`)).toBe(true);
    expect(await before.read(".gitlab-ci.yml")).toBe("include: ci/a.yml\n");
    expect(await after.read("/.gitlab-ci.yml")).toBe("include: ci/b.yml\n");
    reader.close();
  });

  it("reads a blob both revisions share (or a prefetch asked for) once and answers it as a fresh reader does", async () => {
    const reader = new GitBlobReader(repo);
    const [before, after] = await Promise.all([GitSource.open(repo, "HEAD~1", reader), GitSource.open(repo, "HEAD", reader)]);
    expect(await before.blobId("ci/f3.yml")).toBe(await after.blobId("ci/f3.yml"));
    const [a, b] = await Promise.all([before.read("ci/f3.yml"), after.read("ci/f3.yml")]);
    after.prefetch(["ci/f4.yml", "ci/nope.yml"]);
    expect(await after.read("ci/f4.yml")).toBe(await (await GitSource.open(repo, "HEAD")).read("ci/f4.yml"));
    const cold = await (await GitSource.open(repo, "HEAD")).read("ci/f3.yml");
    expect([a, b, await after.read("ci/f3.yml")]).toEqual([cold, cold, cold]);
    expect(cold).toBe("job3:\n  script: [echo 3]\n");
    reader.close();
  });

  it("says absent for a path the commit does not have, and lists a folder without a sibling prefix", async () => {
    const source = await GitSource.open(repo, "HEAD");
    expect(await source.read("ci/nope.yml")).toBeUndefined();
    expect((await source.list("ci")).length).toBe(40);
    expect(await source.list("c")).toEqual([]);
    expect(await source.blobId("ci/f1.yml")).toMatch(/^[0-9a-f]{40}$/);
  });

  it("resolves a revision through the reader's process exactly as rev-parse does", async () => {
    git("tag", "v1", "HEAD~1");
    const reader = new GitBlobReader(repo);
    const outcome = (p: Promise<string>) => p.then((sha) => `sha ${sha}`, (e: Error) => `error ${e.message}`);
    const names = ["HEAD", "HEAD~1", "v1", git("rev-parse", "HEAD").slice(0, 10), "HEAD^{tree}", "HEAD~5", "no-such", "-q", "a b", "HEAD\nHEAD"];
    const viaReader = await Promise.all(names.map((n) => outcome(resolveRevision(repo, n, reader))));
    const viaRevParse = await Promise.all(names.map((n) => outcome(resolveRevision(repo, n))));
    expect(viaReader).toEqual(viaRevParse);
    expect(viaReader.slice(0, 4)).toEqual([`sha ${git("rev-parse", "HEAD")}`, ...Array(2).fill(`sha ${git("rev-parse", "HEAD~1")}`), `sha ${git("rev-parse", "HEAD")}`]);
    expect(viaReader.slice(4).every((o) => o.startsWith("error no such revision"))).toBe(true);
    reader.close();
  });

  it("rejects a revision that does not exist with a message naming it", async () => {
    await expect(GitSource.open(repo, "no-such-branch")).rejects.toThrow(/no-such-branch/);
  });
});
