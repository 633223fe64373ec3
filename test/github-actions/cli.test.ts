import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/app/cli/main.js";

/** `simulate` and `analyze` with `--dialect` on a git repository that has workflows. */

const WF = ".github/workflows/ci.yml";
const workflow = (tags: string) => `name: CI
on:
  push:
    branches: [main, 'release/**']
    tags: ['v*']
  pull_request:
  schedule:
    - cron: '0 3 * * *'
concurrency:
  group: ci
jobs:
  image:
    if: github.event_name != 'schedule'
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ${tags}
`;

let repo: string;
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
};
function git(...args: string[]) {
  execFileSync("git", ["-C", repo, "-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { stdio: "pipe" });
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "ci-explain-actions-"));
  git("init", "-q", "-b", "main");
  write(WF, workflow("ghcr.io/acme/app:${{ github.ref_name }}"));
  git("add", "-A");
  git("commit", "-qm", "base");
  git("checkout", "-q", "-b", "latest");
  write(WF, workflow("ghcr.io/acme/app:latest"));
  git("add", "-A");
  git("commit", "-qm", "head");
  git("branch", "release/1.x", "main");
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

async function run(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: repo, env: {} });
  return { code, stdout, stderr };
}

describe("simulate --dialect github-actions", () => {
  it.each<[string, string[], boolean, string]>([
    ["a push to main", ["--branch", "main"], true, "branch main matches branches: [main, release/**]"],
    ["a push to another branch", ["--branch", "feature"], false, ""],
    ["a tag push", ["--tag", "v1.2.0"], true, ""],
    ["a pull request", ["--pr", "feature:main"], true, ""],
    ["a scheduled run (the job's if: is false)", ["--event", "schedule"], true, ""],
  ])("%s", async (_name, args, triggered, why) => {
    const r = await run("simulate", "--repo", repo, "--rev", "main", "--project", "acme/app", "--format", "json", ...args);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { dialect: string; workflows: Array<{ triggered: unknown; explanation: string }>; jobs: Array<{ name: string }>; excluded: Array<{ name: string }> };
    expect(json.dialect).toBe("github-actions");
    expect(json.workflows[0].triggered).toBe(triggered);
    if (why) expect(json.workflows[0].explanation).toContain(why);
    const scheduled = args.includes("schedule");
    expect(json.jobs.map((j) => j.name)).toEqual(triggered && !scheduled ? ["CI / image"] : []);
    if (scheduled) expect(json.excluded.map((j) => j.name)).toEqual(["CI / image"]);
  });

  it("is chosen automatically when the revision has only workflows, and prints why in text", async () => {
    const r = await run("simulate", "--repo", repo, "--rev", "main", "--project", "acme/app", "--branch", "release/2.0");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Workflows for push (1):");
    expect(r.stdout).toMatch(/CI \(\.github\/workflows\/ci\.yml\): runs — /);
    expect(r.stdout).toContain("concurrency: CI enters group ci");
    expect(r.stdout).toContain("CI / image");
  });

  it.each<[string, string[], RegExp]>([
    ["--event with the GitLab dialect", ["--dialect", "gitlab-ci", "--event", "push"], /GitHub Actions options/],
    ["an unknown dialect", ["--dialect", "jenkins"], /--dialect must be/],
    ["a PR event without --pr", ["--event", "pull_request"], /needs --pr/],
    ["a release without a tag", ["--event", "release"], /needs --tag/],
    ["--pr with --branch", ["--pr", "a:b", "--branch", "main"], /only one of/],
  ])("refuses %s (exit 2)", async (_name, args, message) => {
    const r = await run("simulate", "--repo", repo, "--rev", "main", ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("asks for a choice when the revision has both .gitlab-ci.yml and workflows", async () => {
    const both = mkdtempSync(join(tmpdir(), "ci-explain-both-"));
    try {
      mkdirSync(join(both, ".github/workflows"), { recursive: true });
      writeFileSync(join(both, WF), workflow("x"));
      writeFileSync(join(both, ".gitlab-ci.yml"), "test:\n  script: make\n");
      const r = await run("simulate", "--repo", both);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--dialect gitlab-ci or --dialect github-actions");
      expect((await run("simulate", "--repo", both, "--dialect", "gitlab-ci")).stdout).toContain("Pipeline for branch");
    } finally {
      rmSync(both, { recursive: true, force: true });
    }
  });
});

describe("analyze on a repository with only workflows", () => {
  it("reports the GitHub Actions analysis, with the tag collision", async () => {
    const r = await run("analyze", "--repo", repo, "--base", "main", "--head", "latest", "--project", "acme/app", "--default-branch", "main", "--format", "json");
    const json = JSON.parse(r.stdout) as { dialect: string; hazards: Array<{ kind: string; status: string }> };
    expect(json.dialect).toBe("github-actions");
    expect(json.hazards).toContainEqual(expect.objectContaining({ kind: "image-tag-collision", status: "introduced" }));
    expect(json.hazards).toContainEqual(expect.objectContaining({ kind: "concurrency-cancel", status: "unchanged" }));
  });

  it("gives the markdown report with --dialect github-actions too", async () => {
    const r = await run("analyze", "--repo", repo, "--base", "main", "--head", "latest", "--project", "acme/app", "--dialect", "github-actions");
    expect(r.stdout.split("\n")[0]).toMatch(/^\*\*ci-explain: /);
    expect(r.stdout.split("\n")[1]).toContain("changes CI on");
    expect(r.stdout).toContain("runs of different branches cancel each other");
  });
});
