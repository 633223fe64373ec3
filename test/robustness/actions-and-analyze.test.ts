import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/app/cli/main.js";

type Files = Record<string, string | Uint8Array>;
const made: string[] = [];
afterEach(() => made.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function write(dir: string, files: Files) {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** A git repository: `main` with a good config, then a head commit with `head` written over it. */
function repository(head: Files): string {
  const dir = mkdtempSync(join(tmpdir(), "ci-explain-robustness-git-"));
  made.push(dir);
  const git = (...args: string[]) => execFileSync("git", ["-C", dir, "-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { stdio: "pipe" });
  git("init", "-q", "-b", "main");
  write(dir, { ".gitlab-ci.yml": "job:\n  script: make\n" });
  git("add", "-A");
  git("commit", "-qm", "base");
  write(dir, head);
  git("add", "-A");
  git("commit", "-qm", "head");
  return dir;
}

async function run(dir: string, ...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main([...args, "--repo", dir], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, env: {} });
  return { code, stdout, stderr };
}

describe("analyze: a head that breaks the CI is reported with file:line (exit 1)", () => {
  it.each([
    ["invalid YAML", { ".gitlab-ci.yml": "job:\n  script: [make\n" }, ".gitlab-ci.yml:"],
    ["an include cycle", { ".gitlab-ci.yml": "include: a.yml\njob:\n  script: x\n", "a.yml": "include: a.yml\n" }, "include cycle"],
    ["a binary CI file", { ".gitlab-ci.yml": new Uint8Array([0x00, 0xff, 0x0a]) }, "contains a NUL byte"],
  ])("%s", async (_what, head, message) => {
    const dir = repository(head);
    const { code, stdout } = await run(dir, "analyze", "--base", "HEAD~1", "--head", "HEAD", "--format", "text");
    expect(code).toBe(1);
    expect(stdout).toContain(message);
  });

  it("an alias bomb in .ci-explain.yml is a settings error, and the analysis still runs", async () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 6 }, (_, i) => `l${i}: &l${i} [${Array(10).fill(i === 0 ? "*a" : `*l${i - 1}`).join(", ")}]`)].join("\n");
    const dir = repository({ ".ci-explain.yml": `${bomb}\n` });
    const { code, stdout, stderr } = await run(dir, "analyze", "--base", "HEAD~1", "--head", "HEAD", "--format", "text");
    expect(code).toBe(0);
    expect(`${stdout}${stderr}`).toContain("Excessive alias count");
  });
});

describe("simulate --dialect github-actions: a broken workflow is reported with file:line", () => {
  it.each([
    ["invalid YAML", "on: push\njobs:\n  a: [\n", ".github/workflows/ci.yml:"],
    ["a YAML list", "- 1\n", ".github/workflows/ci.yml:1"],
    ["a binary file", new Uint8Array([0x00, 0x01, 0xff]), "contains a NUL byte"],
  ])("%s", async (_what, workflow, message) => {
    const dir = repository({ ".github/workflows/ci.yml": workflow });
    const { code, stdout, stderr } = await run(dir, "simulate", "--dialect", "github-actions", "--event", "push", "--branch", "main");
    expect(code).toBe(1);
    expect(`${stdout}${stderr}`).toContain(message);
  });
});
