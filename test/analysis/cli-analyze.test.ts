import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/app/cli/main.js";

/** The `analyze` command on a real git repository: base commit on main, head on a branch. */
let repo: string;
const fixtures = new URL("../fixtures/analysis/staging-tags/", import.meta.url).pathname;

function git(...args: string[]) {
  execFileSync("git", ["-C", repo, "-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { stdio: "pipe" });
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "ci-explain-analyze-"));
  git("init", "-q", "-b", "main");
  git("remote", "add", "origin", "https://gitlab.example.com/acme/widget.git");
  cpSync(join(fixtures, "base"), repo, { recursive: true });
  git("add", "-A");
  git("commit", "-qm", "base");
  git("checkout", "-q", "-b", "stable-tags");
  cpSync(join(fixtures, "head"), repo, { recursive: true });
  git("add", "-A");
  git("commit", "-qm", "head");
  git("branch", "staging-8.0", "main");
  git("branch", "staging", "main");
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

async function run(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(["analyze", "--repo", repo, ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: repo,
    env: {},
  });
  return { code, stdout, stderr };
}

describe("ci-explain analyze", () => {
  it("compares HEAD with its merge-base on the default branch, using the repository's real branches", async () => {
    const { code, stdout } = await run("--format", "json");
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.contexts.map((c: { name: string }) => c.name)).toContain("staging-8.0");
    const stable = json.contexts.find((c: { name: string }) => c.name === "staging-8.0");
    const container = stable.after.jobs.find((j: { name: string }) => j.name === "debian-container");
    expect(container.builds).toEqual([
      expect.objectContaining({ image: "registry.example.com/acme/widget/ci/debian:staging-8-0", dockerfile: "ci/dockerfiles/debian.docker", push: true }),
    ]);
    expect(stable.before.pipeline.created).toBe(true);
    expect(json.hazards.map((h: { kind: string; status: string }) => `${h.kind} ${h.status}`)).toEqual(["image-tag-collision fixed"]);
    expect(json.verdict).toMatchObject({ conclusion: "success", title: "changes CI on 1 of 6 branch contexts · 1 hazard fixed" });
  });

  it("prints the markdown report by default", async () => {
    const { code, stdout } = await run("--base", "main", "--head", "stable-tags");
    expect(code).toBe(0);
    expect(stdout).toContain("staging-8.0");
  });

  it("exits 1 when the head configuration does not load, still printing the report", async () => {
    writeFileSync(join(repo, ".gitlab-ci.yml"), "include: ci/missing.yml\n");
    git("commit", "-qam", "broken");
    const { code, stdout } = await run("--format", "json");
    git("reset", "-q", "--hard", "HEAD~1");
    expect(code).toBe(1);
    expect(JSON.parse(stdout).verdict.conclusion).toBe("failure");
  });

  it.each([
    ["an unknown format", ["--format", "yaml"]],
    ["a revision that does not exist", ["--head", "no-such-rev"]],
    ["a malformed variable", ["--var", "NOVALUE"]],
  ])("exits 2 on %s", async (_what, args) => {
    expect((await run(...args)).code).toBe(2);
  });
});
