import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitIn, runCli } from "./run-cli.js";

/** jobs, simulate and analyze read the same files for the same flags: HEAD by default, the disk with WORKTREE. */
let repo: string;

const git = (...args: string[]) => gitIn(repo, ...args);

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "ci-explain-open-source-"));
  git("init", "-q", "-b", "main");
  git("remote", "add", "origin", "https://gitlab.example.com/acme/widget.git");
  writeFileSync(join(repo, ".gitlab-ci.yml"), "committed-job:\n  script: make\n");
  git("add", "-A");
  git("commit", "-qm", "base");
  // An uncommitted edit: only WORKTREE sees it.
  writeFileSync(join(repo, ".gitlab-ci.yml"), "disk-job:\n  script: make\n");
  mkdirSync(join(repo, "src", "deep"), { recursive: true });
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

const run = (...args: string[]) => runCli([...args, "--repo", repo], repo);

describe("the CLI commands open a repository the same way", () => {
  it.each([
    ["jobs reads HEAD by default", ["jobs"], "committed-job"],
    ["jobs --rev WORKTREE reads the disk", ["jobs", "--rev", "WORKTREE"], "disk-job"],
    ["simulate reads HEAD by default", ["simulate"], "committed-job"],
    ["simulate --rev WORKTREE reads the disk", ["simulate", "--rev", "WORKTREE"], "disk-job"],
  ])("%s", async (_what, args, expected) => {
    const { code, stdout } = await run(...args);
    expect(code).toBe(0);
    expect(stdout).toContain(expected);
    expect(stdout).not.toContain(expected === "disk-job" ? "committed-job" : "disk-job");
  });

  it("simulate takes the project path from the origin remote", async () => {
    const { stdout } = await run("simulate", "--format", "json");
    expect(JSON.parse(stdout).pipeline.project).toBe("acme/widget");
  });

  it("analyze compares HEAD with the disk when asked, and sees the edit", async () => {
    const { code, stdout } = await run("analyze", "--base", "HEAD", "--head", "WORKTREE", "--format", "json");
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    const main = json.contexts.find((c: { name: string }) => c.name === "main");
    expect(main.changes.map((c: { job: string; kind: string }) => `${c.kind} ${c.job}`).sort()).toEqual(["added disk-job", "removed committed-job"]);
  });

  it.each([
    ["jobs", ["jobs"], "committed-job"],
    ["simulate", ["simulate"], "committed-job"],
    ["analyze against the disk", ["analyze", "--base", "HEAD", "--head", "WORKTREE", "--format", "json"], "disk-job"],
  ])("%s works from a subfolder of the checkout, reading the whole repository", async (_what, args, expected) => {
    const { code, stdout, stderr } = await runCli(args, join(repo, "src", "deep"));
    expect(stderr).not.toContain("not a git repository");
    expect(code).toBe(0);
    expect(stdout).toContain(expected);
  });
});
