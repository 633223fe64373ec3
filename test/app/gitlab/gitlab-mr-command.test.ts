import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitlabMrCommand, withInstanceSettings } from "../../../src/app/cli/commands/gitlab-mr.js";
import { defaultSettings } from "../../../src/config/defaults.js";
import { MARKER } from "./harness.js";

let repo = "";
let baseSha = "";
let headSha = "";

function git(...args: string[]): string {
  return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "ci-explain-mr-"));
  execFileSync("git", ["init", "-q", repo]);
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  writeFileSync(join(repo, ".gitlab-ci.yml"), "build:\n  script: make\n");
  git("add", ".");
  git("commit", "-qm", "base");
  baseSha = git("rev-parse", "HEAD");
  writeFileSync(join(repo, ".gitlab-ci.yml"), "build:\n  script: make\n  when: manual\n");
  git("commit", "-qam", "head");
  headSha = git("rev-parse", "HEAD");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

function ciEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    CI_SERVER_URL: "https://gitlab.example.com",
    CI_PROJECT_ID: "1",
    CI_PROJECT_PATH: "acme/demo",
    CI_DEFAULT_BRANCH: "main",
    CI_MERGE_REQUEST_IID: "7",
    CI_MERGE_REQUEST_DIFF_BASE_SHA: baseSha,
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "feature",
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main",
    CI_COMMIT_SHA: headSha,
    ...overrides,
  };
}

async function run(args: string[], env: Record<string, string | undefined>) {
  let stdout = "";
  let stderr = "";
  const code = await gitlabMrCommand.run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: repo, env });
  return { code, stdout, stderr };
}

describe("ci-explain gitlab-mr", () => {
  it("prints the note with --dry-run, analysing the local clone", async () => {
    const result = await run(["--dry-run"], ciEnv());
    expect(result.stdout).toContain(MARKER);
    expect(result.stdout).toContain(baseSha.slice(0, 8));
    expect([0, 1]).toContain(result.code);
  });

  it.each([
    ["outside an MR pipeline", () => ciEnv({ CI_MERGE_REQUEST_IID: undefined }), "CI_MERGE_REQUEST_IID not set"],
    ["without a token", () => ciEnv(), "CI_EXPLAIN_TOKEN is not set"],
    ["when the merge base is not in the clone", () => ciEnv({ CI_MERGE_REQUEST_DIFF_BASE_SHA: "0123456789abcdef0123456789abcdef01234567", CI_EXPLAIN_TOKEN: "t" }), "set GIT_DEPTH: 0"],
  ])("exits 2 %s", async (_name, env, message) => {
    const result = await run([], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe("gitlab-mr: the instance's own facts fill what .ci-explain.yml leaves out", () => {
  const env = { CI_SERVER_URL: "https://gitlab.example.com/", CI_REGISTRY: "registry.example.com:5050", CI_PROJECT_PATH: "acme/demo", CI_DEFAULT_BRANCH: "trunk" };
  it.each([
    ["nothing set in the file: all four from the pipeline", {}, { serverUrl: "https://gitlab.example.com", registry: "registry.example.com:5050", project: "acme/demo", defaultBranch: "trunk" }],
    [
      "the file sets them: the file wins",
      { serverUrl: "https://git.internal", registry: "cr.internal", project: "acme/upstream", defaultBranch: "main" },
      { serverUrl: "https://git.internal", registry: "cr.internal", project: "acme/upstream", defaultBranch: "main" },
    ],
  ])("%s", (_name, file, expected) => {
    expect(withInstanceSettings({ ...defaultSettings(), ...file }, env)).toMatchObject(expected);
  });

  it("keeps the defaults where the pipeline does not say", () => {
    expect(withInstanceSettings(defaultSettings(), {})).toMatchObject({ serverUrl: defaultSettings().serverUrl, registry: defaultSettings().registry });
  });
});
