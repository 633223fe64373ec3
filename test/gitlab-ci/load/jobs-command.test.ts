import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../../src/app/cli/command.js";
import { main } from "../../../src/app/cli/main.js";

const fixtures = join(import.meta.dirname, "../../fixtures/load");

async function runJobs(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: fixtures, env: {} };
  const code = await main(["jobs", ...args], io);
  return { code, out, err };
}

const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

/** A throwaway git repository holding a copy of a fixture, committed once. */
function gitRepoOf(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ci-explain-jobs-"));
  temps.push(dir);
  cpSync(join(fixtures, fixture), dir, { recursive: true });
  const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { stdio: "pipe" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "fixture");
  return dir;
}

describe("ci-explain jobs", () => {
  it("prints the assembled visible jobs as JSON from a git revision, naming not-analysed includes", async () => {
    const repo = gitRepoOf("container-project");
    const { code, out } = await runJobs(["--repo", repo, "--rev", "HEAD", "--format", "json"]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.jobs).toEqual([
      { name: "debian-build", stage: "build", source: { file: "ci/build-jobs.yml", line: 1 }, extends: [".base_job"] },
      { name: "debian-container", stage: "containers", source: { file: "ci/container-jobs.yml", line: 1 }, extends: [".container_job"] },
    ]);
    expect(json.errors).toEqual([]);
    expect(json.warnings).toHaveLength(1);
    expect(json.warnings[0]).toMatchObject({ file: ".gitlab-ci.yml", line: 12 });
    expect(json.warnings[0].message).toContain("Security/Secret-Detection.gitlab-ci.yml");
  });

  it("reads a plain directory as it is on disk and says so", async () => {
    const { code, out, err } = await runJobs(["--repo", "container-project"]);
    expect(code).toBe(0);
    expect(err).toContain("not a git repository");
    expect(out).toContain("stage containers");
    expect(out).toMatch(/debian-container\s+ci\/container-jobs\.yml:1\s+extends \.container_job/);
  });

  it("exits 1 with errors at file:line when the configuration does not load, still listing jobs", async () => {
    const { code, out } = await runJobs(["--repo", "broken-project", "--format", "json"]);
    expect(code).toBe(1);
    const json = JSON.parse(out);
    expect(json.jobs.map((j: { name: string }) => j.name)).toEqual(["job"]);
    expect(json.errors.map((e: { file: string; line: number }) => `${e.file}:${e.line}`)).toEqual(["other.yml:3", ".gitlab-ci.yml:4"]);
  });

  it.each([
    ["an unknown revision", (repo: string) => ["--repo", repo, "--rev", "no-such-rev"]],
    ["--rev on a plain directory", () => ["--repo", "container-project", "--rev", "HEAD"]],
    ["an unknown format", () => ["--repo", "container-project", "--format", "xml"]],
    ["a missing directory", () => ["--repo", "no-such-dir"]],
    ["an unknown option", () => ["--colour"]],
    ["a malformed project", () => ["--project", "justone"]],
  ])("exits 2 for %s", async (_name, args) => {
    const repo = gitRepoOf("container-project");
    const { code, out } = await runJobs(args(repo));
    expect(code).toBe(2);
    expect(out).toBe("");
  });
});
