import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gitIn, runCli } from "./run-cli.js";

/**
 * When git cannot read the repository the user hears git's own words and exit code 2
 * (docs/cli.md), never an empty answer dressed up as "no such file" or a different directory.
 */
const made: string[] = [];
afterEach(() => made.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A repository on `main` with two commits of .gitlab-ci.yml. */
function repository(): string {
  const repo = mkdtempSync(join(tmpdir(), "ci-explain-git-failures-"));
  made.push(repo);
  gitIn(repo, "init", "-q", "-b", "main");
  writeFileSync(join(repo, ".gitlab-ci.yml"), "build:\n  script: make\n");
  gitIn(repo, "add", "-A");
  gitIn(repo, "commit", "-qm", "one");
  writeFileSync(join(repo, ".gitlab-ci.yml"), "build:\n  script: make all\n");
  gitIn(repo, "commit", "-qam", "two");
  return repo;
}

const revParse = (repo: string, rev: string) => execFileSync("git", ["-C", repo, "rev-parse", rev], { encoding: "utf8" }).trim();

/** Deletes a loose object, as a damaged or half-copied repository lacks it. */
function removeObject(repo: string, sha: string): void {
  unlinkSync(join(repo, ".git", "objects", sha.slice(0, 2), sha.slice(2)));
}

/** A damaged repository: the object removed, and what git says about it. */
const damages: Array<[string, string, (repo: string, removed: string) => string]> = [
  ["a commit whose tree is missing", "HEAD^{tree}", (repo) => `git ls-tree -r -z --full-tree ${revParse(repo, "HEAD")}: fatal: not a tree object`],
  ["a file whose content is missing", "HEAD:.gitlab-ci.yml", (_repo, blob) => `git cat-file --batch: ${blob} missing`],
];
const commands = [["jobs"], ["simulate"], ["analyze", "--base", "HEAD~1"]];
const cases = damages.flatMap(([what, object, message]) => commands.map((args) => ({ what, object, message, args })));

describe("git failures in the CLI", () => {
  it.each(cases)("$args.0: $what prints git's message, exit 2", async ({ object, message, args }) => {
    const repo = repository();
    const removed = revParse(repo, object);
    removeObject(repo, removed);
    const { code, stdout, stderr } = await runCli([...args, "--repo", repo], repo);
    expect(code).toBe(2);
    expect(stderr).toBe(`ci-explain ${args[0]}: ${message(repo, removed)}\n`);
    // Never an answer made up from what could not be read ("… does not exist", 0 jobs).
    expect(stdout).toBe("");
  });

  it("a revision git does not know is wrong usage, exit 2", async () => {
    const repo = repository();
    const { code, stderr } = await runCli(["simulate", "--rev", "no-such-branch", "--repo", repo], repo);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^ci-explain simulate: no such revision "no-such-branch" in .*\n\nUsage: ci-explain simulate /);
  });

  it("two histories without a common ancestor: git's 'no' is an answer, not a failure", async () => {
    const repo = repository();
    gitIn(repo, "checkout", "-q", "--orphan", "feature");
    gitIn(repo, "commit", "-qm", "unrelated");
    const { code, stderr } = await runCli(["analyze", "--repo", repo], repo);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^ci-explain analyze: no --base given and HEAD has no merge-base with main\n/);
  });
});
