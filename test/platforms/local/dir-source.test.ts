import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/gitlab-ci/load/load-config.js";
import { DirSource } from "../../../src/platforms/local/dir-source.js";

/**
 * A working tree read from disk (`--rev WORKTREE`): a hostile branch must not reach files
 * outside it through `..` or symlinks, and a disk problem is not mistaken for a missing file.
 */
let top: string;
let repo: string;

beforeAll(() => {
  top = mkdtempSync(join(tmpdir(), "dir-source-"));
  repo = join(top, "repo");
  mkdirSync(join(repo, "ci"), { recursive: true });
  mkdirSync(join(top, "outside"));
  writeFileSync(join(top, "outside", "secret.yml"), "stolen:\n  script: cat /etc/shadow\n");
  writeFileSync(join(repo, "ci", "jobs.yml"), "build:\n  script: make\n");
  symlinkSync(join(top, "outside", "secret.yml"), join(repo, "ci", "escape.yml"));
  symlinkSync(join(top, "outside"), join(repo, "ci", "elsewhere"));
  symlinkSync("jobs.yml", join(repo, "ci", "alias.yml"));
  symlinkSync("loop.yml", join(repo, "ci", "loop.yml"));
});

afterAll(() => rmSync(top, { recursive: true, force: true }));

describe("DirSource stays inside its root", () => {
  it.each([
    ["a path up and out", "../outside/secret.yml"],
    ["a path that climbs out from a folder", "ci/../../outside/secret.yml"],
    ["a symlink to a file outside", "ci/escape.yml"],
    ["a file under a symlinked folder outside", "ci/elsewhere/secret.yml"],
  ])("reads %s as no such file", async (_what, path) => {
    expect(await new DirSource(repo).read(path)).toBeUndefined();
  });

  it("reads a symlink to a file inside, and a path that climbs but stays inside", async () => {
    const source = new DirSource(repo);
    expect(await source.read("ci/alias.yml")).toBe("build:\n  script: make\n");
    expect(await source.read("ci/../ci/jobs.yml")).toBe("build:\n  script: make\n");
  });

  it("lists only files inside, without following symlinks out", async () => {
    expect(await new DirSource(repo).list("")).toEqual(["ci/jobs.yml"]);
    expect(await new DirSource(repo).list("../outside")).toEqual([]);
  });

  it("an include that climbs out of the repository is a missing file, not the outside file", async () => {
    writeFileSync(join(repo, ".gitlab-ci.yml"), "include:\n  - local: ../outside/secret.yml\n  - local: ci/escape.yml\nbuild:\n  script: make\n");
    const { config, diagnostics } = await loadConfig(new DirSource(repo));
    expect(config.jobs.map((j) => j.name)).toEqual(["build"]);
    expect(diagnostics.filter((d) => d.code === "include-missing")).toHaveLength(2);
  });

  it("says when a file cannot be read for a reason other than its absence (a symlink loop)", async () => {
    await expect(new DirSource(repo).read("ci/loop.yml")).rejects.toMatchObject({ code: "ELOOP" });
    expect(await new DirSource(repo).read("ci/nothing-here.yml")).toBeUndefined();
    expect(await new DirSource(repo).read("ci/jobs.yml/below")).toBeUndefined();
  });
});
