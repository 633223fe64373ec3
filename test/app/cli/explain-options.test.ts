import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitIn, runCli } from "./run-cli.js";

/** The bundled example as a two-commit repository: the base, then the head with the per-branch tag fix. */
let repo: string;
const example = join(import.meta.dirname, "../../../examples/staging-containers");

const git = (...args: string[]) => gitIn(repo, ...args);

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "ci-explain-explain-"));
  git("init", "-q", "-b", "main");
  cpSync(join(example, "base"), repo, { recursive: true });
  git("add", "-A");
  git("commit", "-qm", "base");
  git("rm", "-rq", ".");
  cpSync(join(example, "head"), repo, { recursive: true });
  git("add", "-A");
  git("commit", "-qm", "head");
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

const run = (...args: string[]) => runCli([...args, "--repo", repo], repo);

describe("explaining one branch from the command line", () => {
  it("analyze --explain names the rule that gives a stable branch its own container tag, and what the job pushes", async () => {
    const { code, stdout } = await run("analyze", "--base", "HEAD~1", "--head", "HEAD", "--explain", "staging-8.0", "--job", "debian-container", "--format", "text");
    expect(code).toBe(0);
    expect(stdout).toContain("debian-container — defined at ci/containers.yml:");
    expect(stdout).toMatch(/decided by: rule 5 at ci\/base\.yml:24 if: \$CI_COMMIT_BRANCH =~/);
    expect(stdout).toContain("pushes: registry.gitlab.com/acme/widget/ci/debian:staging-8-0 from ci/dockerfiles/debian.docker");
    expect(stdout).toContain("$CONTAINER_TAG = staging-8-0 — rules:variables at ci/base.yml:26");
  });

  it("analyze --explain works for a branch no rule names literally", async () => {
    const { stdout } = await run("analyze", "--base", "HEAD~1", "--head", "HEAD", "--explain", "staging-10.1", "--job", "build-fedora", "--format", "text");
    expect(stdout).toContain("registry.gitlab.com/acme/widget/ci/fedora:staging-10-1");
  });

  it("simulate --job explains one job of one pipeline", async () => {
    const { code, stdout } = await run("simulate", "--branch", "staging", "--job", "build-debian");
    expect(code).toBe(0);
    expect(stdout).toContain("image: registry.gitlab.com/acme/widget/ci/debian:latest — written $CI_REGISTRY_IMAGE/ci/$IMAGE:$CONTAINER_TAG at ci/build.yml:4");
    expect(stdout).toContain("rule 2 at ci/base.yml:14");
  });

  it("analyze --format text prints the report for a terminal, without markdown", async () => {
    const { stdout } = await run("analyze", "--base", "HEAD~1", "--head", "HEAD", "--format", "text");
    // The first line names the top finding; the second, how much of CI the change touches.
    expect(stdout.split("\n")[0]).toBe("ci-explain: ⚠️ ci/dockerfiles/alpine.docker changes, but no job rebuilds it anywhere");
    expect(stdout.split("\n")[1]).toMatch(/changes CI on \d+ of \d+ branch contexts/);
    expect(stdout).not.toContain("| --- |");
  });

  it("analyze --explain prints, by default, the markdown reply the /ci-explain command gets, ending with a newline", async () => {
    const { code, stdout } = await run("analyze", "--base", "HEAD~1", "--head", "HEAD", "--explain", "staging-8.0", "--job", "debian-container");
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toMatch(/^\*\*\/ci-explain\*\* at `[0-9a-f]{8}` for `staging-8\.0`, job `debian-container`$/);
    expect(stdout).toContain("<!-- ci-explain:reply -->");
    expect(stdout.endsWith("\n")).toBe(true);
  });

  it("analyze --explain --format json gives the explained context as JSON", async () => {
    const { stdout } = await run("analyze", "--base", "HEAD~1", "--head", "HEAD", "--explain", "staging-8.0", "--format", "json");
    const json = JSON.parse(stdout) as { contexts: Array<{ name: string; after: { jobs: Array<{ name: string }> } }> };
    expect(json.contexts.map((c) => c.name)).toEqual(["staging-8.0"]);
    expect(json.contexts[0].after.jobs.map((j) => j.name)).toContain("debian-container");
  });

  it("the markdown report ends with a newline", async () => {
    const { stdout } = await run("analyze", "--base", "HEAD~1", "--head", "HEAD");
    expect(stdout.endsWith("-->\n")).toBe(true);
  });

  it.each([
    [["analyze", "--base", "HEAD~1", "--head", "HEAD", "--explain", "staging-8.0", "--job", "debian-containr"], "--job debian-containr: no such job in staging-8.0; did you mean debian-container?"],
    [["analyze", "--base", "HEAD~1", "--head", "HEAD", "--explain", "staging-8.0", "--job", "zzz"], "--job zzz: no such job in staging-8.0; its jobs: "],
    [["analyze", "--job", "x"], "--job goes with --explain"],
    [["analyze", "--format", "html"], "--format must be markdown, text or json"],
  ])("refuses %j with a usage error (exit 2)", async (args, message) => {
    const { code, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});

describe("explaining a context the report names", () => {
  it("analyze --explain 'tag v1.0.0' explains the tag pipeline, not a branch called so", async () => {
    const { stdout } = await run("analyze", "--base", "HEAD~1", "--head", "HEAD", "--explain", "tag v1.0.0");
    expect(stdout).toContain("tag v1.0.0");
    expect(stdout).not.toContain("branch tag v1.0.0");
  });
});
