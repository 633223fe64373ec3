import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitlabMrCommand, withInstanceSettings } from "../../../src/app/cli/commands/gitlab-mr.js";
import { defaultSettings } from "../../../src/config/defaults.js";
import { parseSettingsText } from "../../../src/config/parse-settings.js";
import { FakeGitLab, stopNock } from "../../platforms/gitlab/fake-gitlab.js";
import { MARKER } from "./harness.js";

let repo = "";
let baseSha = "";
let headSha = "";
const repos: string[] = [];

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();
}

/** A clone with two commits, base then head, each holding exactly the files given. */
function makeRepo(base: Record<string, string>, head: Record<string, string>): { dir: string; base: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), "ci-explain-mr-"));
  repos.push(dir);
  execFileSync("git", ["init", "-q", dir]);
  git(dir, "config", "user.email", "t@example.com");
  git(dir, "config", "user.name", "t");
  const commit = (files: Record<string, string>, message: string) => {
    git(dir, "rm", "-rqf", "--ignore-unmatch", ".");
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", message);
    return git(dir, "rev-parse", "HEAD");
  };
  return { dir, base: commit(base, "base"), head: commit(head, "head") };
}

beforeAll(() => {
  ({ dir: repo, base: baseSha, head: headSha } = makeRepo({ ".gitlab-ci.yml": "build:\n  script: make\n" }, { ".gitlab-ci.yml": "build:\n  script: make\n  when: manual\n" }));
});
afterAll(() => {
  for (const dir of repos) rmSync(dir, { recursive: true, force: true });
});

function ciEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    CI_SERVER_URL: "https://gitlab.example.com",
    CI_PROJECT_ID: "1",
    CI_PROJECT_PATH: "acme/demo",
    CI_MERGE_REQUEST_PROJECT_ID: "1",
    CI_MERGE_REQUEST_PROJECT_PATH: "acme/demo",
    CI_DEFAULT_BRANCH: "main",
    CI_MERGE_REQUEST_IID: "7",
    CI_MERGE_REQUEST_DIFF_BASE_SHA: baseSha,
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "feature",
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main",
    CI_COMMIT_SHA: headSha,
    ...overrides,
  };
}

async function run(args: string[], env: Record<string, string | undefined>, cwd = repo) {
  let stdout = "";
  let stderr = "";
  const code = await gitlabMrCommand.run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env });
  return { code, stdout, stderr };
}

describe("ci-explain gitlab-mr", () => {
  it("prints the note with --dry-run, analysing the local clone", async () => {
    const result = await run(["--dry-run"], ciEnv());
    expect(result.stdout).toContain(MARKER);
    expect(result.stdout).toContain(baseSha.slice(0, 8));
    expect([0, 1]).toContain(result.code);
  });

  const WORKFLOW = (when: string) => `on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    ${when}steps:\n      - run: make check\n`;
  const GITLAB_CI = "build:\n  script: make\n";
  it.each([
    [
      "a change to a GitHub Actions workflow only: the workflow's jobs, and no GitLab CI section",
      { ".gitlab-ci.yml": GITLAB_CI, ".github/workflows/ci.yml": WORKFLOW("") },
      { ".gitlab-ci.yml": GITLAB_CI, ".github/workflows/ci.yml": WORKFLOW("if: github.ref == 'refs/heads/main'\n    ") },
      [".github/workflows/ci.yml / test"],
      ["GitLab CI"],
    ],
    [
      "a change to both: one note with a section per dialect",
      { ".gitlab-ci.yml": GITLAB_CI, ".github/workflows/ci.yml": WORKFLOW("") },
      { ".gitlab-ci.yml": `${GITLAB_CI}  when: manual\n`, ".github/workflows/ci.yml": WORKFLOW("if: github.ref == 'refs/heads/main'\n    ") },
      ["## GitLab CI (.gitlab-ci.yml)", "## GitHub Actions (.github/workflows)"],
      [],
    ],
  ])("analyses every CI dialect, as the webhook does: %s", async (_what, baseFiles, headFiles, present, absent) => {
    const clone = makeRepo(baseFiles, headFiles);
    const result = await run(["--dry-run"], ciEnv({ CI_MERGE_REQUEST_DIFF_BASE_SHA: clone.base, CI_COMMIT_SHA: clone.head }), clone.dir);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(MARKER);
    for (const text of present) expect(result.stdout).toContain(text);
    for (const text of absent) expect(result.stdout).not.toContain(text);
  });

  it("prints the 'no CI change' note when the change touches no CI file", async () => {
    const clone = makeRepo({ ".gitlab-ci.yml": GITLAB_CI, "README.md": "a" }, { ".gitlab-ci.yml": GITLAB_CI, "README.md": "b" });
    const result = await run(["--dry-run"], ciEnv({ CI_MERGE_REQUEST_DIFF_BASE_SHA: clone.base, CI_COMMIT_SHA: clone.head }), clone.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(MARKER);
    expect(result.stdout).not.toContain("## ");
  });

  it("on a fork's merge request, writes the note on the merge request's project, not the fork's", async () => {
    const target = new FakeGitLab(1, 7);
    target.serveWithNock("https://gitlab.example.com");
    try {
      const fork = { CI_PROJECT_ID: "99", CI_PROJECT_PATH: "mallory/demo", CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: "mallory/demo", CI_EXPLAIN_TOKEN: "t" };
      const result = await run([], ciEnv(fork));
      expect(result.stderr).toBe("");
      expect(target.notes.map((n) => n.body.includes(MARKER))).toEqual([true]);
      expect(target.requests.filter((r) => r.path.includes("/projects/99"))).toEqual([]);
      expect(target.requests.some((r) => r.method === "POST" && r.path.startsWith("/api/v4/projects/1/merge_requests/7/notes"))).toBe(true);
    } finally {
      stopNock();
    }
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
    ["no settings file: all four from the pipeline", "", { serverUrl: "https://gitlab.example.com", registry: "registry.example.com:5050", project: "acme/demo", defaultBranch: "trunk" }],
    [
      "the file sets them: the file wins",
      "server_url: https://git.internal\nregistry: cr.internal\nproject: acme/upstream\ndefault_branch: main\n",
      { serverUrl: "https://git.internal", registry: "cr.internal", project: "acme/upstream", defaultBranch: "main" },
    ],
    [
      "the file names gitlab.com's own URL and registry: still the file's choice, kept",
      "server_url: https://gitlab.com\nregistry: registry.gitlab.com\n",
      { serverUrl: "https://gitlab.com", registry: "registry.gitlab.com", project: "acme/demo", defaultBranch: "trunk" },
    ],
    [
      "the file sets other keys only: URL and registry from the pipeline",
      "variables:\n  QEMU_CI: 1\n",
      { serverUrl: "https://gitlab.example.com", registry: "registry.example.com:5050" },
    ],
  ])("%s", (_name, file, expected) => {
    expect(withInstanceSettings(parseSettingsText(file, ".ci-explain.yml"), env)).toMatchObject(expected);
  });

  it("keeps the defaults where the pipeline does not say", () => {
    expect(withInstanceSettings({ settings: defaultSettings() }, {})).toMatchObject({ serverUrl: defaultSettings().serverUrl, registry: defaultSettings().registry });
  });
});
