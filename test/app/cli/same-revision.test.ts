import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gitIn, runCli } from "./run-cli.js";

/** `analyze` run on the default branch itself: base (the merge-base with it) and head are one commit. */
let repo: string;

function commitOnMain(ci: string): void {
  repo = mkdtempSync(join(tmpdir(), "ci-explain-same-revision-"));
  gitIn(repo, "init", "-q", "-b", "main");
  writeFileSync(join(repo, ".gitlab-ci.yml"), ci);
  gitIn(repo, "add", "-A");
  gitIn(repo, "commit", "-qm", "ci");
}

afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe("analyze with nothing to compare", () => {
  it("says what was compared and how to choose --base, and does not speak of a merge request", async () => {
    commitOnMain("build:\n  script: make\n");
    const { code, stdout } = await runCli(["analyze"], repo);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ci-explain: nothing to compare — the base \(the merge-base of HEAD with main\) and the head \(HEAD\) are the same commit, [0-9a-f]{12}\.\n/);
    expect(stdout).toContain("--base HEAD~1");
    expect(stdout).not.toContain("MR");
  });

  it("still shows why a broken configuration does not load, with file:line, and exits 1", async () => {
    commitOnMain("build:\n  script: [make\n");
    const { code, stdout } = await runCli(["analyze"], repo);
    expect(code).toBe(1);
    expect(stdout).toContain("The CI configuration at this commit does not load:");
    expect(stdout).toMatch(/\.gitlab-ci\.yml:\d+(:\d+)?: error: YAML syntax error/);
  });
});
