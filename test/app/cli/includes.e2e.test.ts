import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGitLab } from "../../platforms/gitlab/fake-gitlab.js";
import { addIncludedProjects, COMPONENT_COMMITS, TEMPLATES_OLD } from "../../platforms/gitlab/include-fixtures.js";
import { buildDist, ROOT } from "../github/dist-build.js";
import { gitIn } from "./run-cli.js";

/**
 * The real CLI (`node bin/ci-explain.js`) with GITLAB_TOKEN and --gitlab-url against a fake
 * GitLab API on 127.0.0.1 that serves freedesktop-style ci-templates and a component project:
 * the container jobs those files define appear with their image tags, and an MR that bumps the
 * component's version is reported with what the bump does.
 */

const ROOT_CI = (componentVersion: string) => `include:
  - project: 'freedesktop/ci-templates'
    ref: ${TEMPLATES_OLD}
    file: '/templates/fedora.yml'
  - component: $CI_SERVER_FQDN/gnome/ci-components/container-image@${componentVersion}
    inputs:
      image-tag: v1

stages: [build, test]

variables:
  FEDORA_TAG: 'tag-b8ad2576b2c5'

fedora:40@container-prep:
  extends: .fdo.container-build@fedora
  variables:
    FDO_DISTRIBUTION_VERSION: '40'
    FDO_DISTRIBUTION_TAG: $FEDORA_TAG

fedora:40@build:
  extends: .fdo.distribution-image@fedora
  stage: test
  variables:
    FDO_DISTRIBUTION_VERSION: '40'
    FDO_DISTRIBUTION_TAG: $FEDORA_TAG
  script: meson test
`;

const SETTINGS = "project: networkmanager/networkmanager\ndefault_branch: main\nregistry: registry.example.com\n";

let fake: FakeGitLab;
let api: Server;
let url: string;
let repo: string;
/** Another GitLab, serving the same projects, that a branch's settings name: it must never be asked. */
let decoy: FakeGitLab;
let decoyApi: Server;
let decoyUrl: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

async function cli(args: string[], env: Record<string, string> = { GITLAB_TOKEN: "glpat-e2e" }) {
  const run = promisify(execFile);
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, "bin/ci-explain.js"), ...args], { cwd: repo, env: { PATH: process.env.PATH ?? "", ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  await buildDist();
  fake = new FakeGitLab();
  addIncludedProjects(fake);
  const served = await fake.listen();
  api = served.server;
  url = served.url;
  repo = mkdtempSync(join(tmpdir(), "ci-explain-includes-"));
  gitIn(repo, "init", "-q", "-b", "main");
  write(".gitlab-ci.yml", ROOT_CI("1.1.0"));
  write(".ci-explain.yml", `${SETTINGS}server_url: ${url}\n`);
  write("Dockerfile", "FROM fedora:40\n");
  gitIn(repo, "add", ".");
  gitIn(repo, "commit", "-q", "-m", "base");
  gitIn(repo, "checkout", "-q", "-b", "bump-component");
  write(".gitlab-ci.yml", ROOT_CI("2.0.0"));
  gitIn(repo, "commit", "-q", "-am", "bump the component to 2.0.0");

  decoy = new FakeGitLab();
  addIncludedProjects(decoy);
  const decoyServed = await decoy.listen();
  decoyApi = decoyServed.server;
  decoyUrl = decoyServed.url;
  gitIn(repo, "branch", "-q", "hostile-url", "main");
  gitIn(repo, "checkout", "-q", "hostile-url");
  write(".ci-explain.yml", `${SETTINGS}server_url: ${decoyUrl}\n`);
  gitIn(repo, "commit", "-q", "-am", "send the token elsewhere");
  gitIn(repo, "checkout", "-q", "bump-component");
}, 120_000);

afterAll(() => {
  api?.close();
  decoyApi?.close();
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe("the CLI reads includes of other projects through the GitLab API", () => {
  it("simulate shows the ci-templates container jobs with their image tags and the component's job", async () => {
    const { code, stdout, stderr } = await cli(["simulate", "--rev", "main", "--branch", "main", "--format", "json", "--gitlab-url", url]);
    expect(stderr).toContain(`reading includes from other projects through ${url}`);
    expect(code).toBe(0);
    const pipeline = JSON.parse(stdout) as { jobs: Array<{ name: string; stage: string; image: string | null; script?: string[] }>; warnings: unknown[] };
    const byName = new Map(pipeline.jobs.map((j) => [j.name, j]));
    expect([...byName.keys()].sort()).toEqual(["container-image", "fedora:40@build", "fedora:40@container-prep"]);
    expect(byName.get("fedora:40@build")?.image).toBe("registry.example.com/networkmanager/networkmanager/fedora/40:tag-b8ad2576b2c5");
    expect(byName.get("fedora:40@container-prep")?.image).toBe("quay.io/freedesktop.org/ci-templates:container-build-base-2023-06-27.0");
    expect(byName.get("container-image")?.stage).toBe("build");
  });

  it("analyze shows the pushed tag, which version of each include it read, and what the component bump does", async () => {
    const { code, stdout } = await cli(["analyze", "--base", "main", "--head", "bump-component", "--format", "json", "--gitlab-url", url]);
    expect(code).toBe(0);
    const analysis = JSON.parse(stdout) as {
      includesRead: Array<{ kind: string; target: string; before?: string; after?: string }>;
      contexts: Array<{ name: string; before: { jobs: Array<{ name: string; builds: Array<{ image: string; push: boolean }> }> }; changes: Array<{ job: string; kind: string }> }>;
    };
    expect(analysis.includesRead).toEqual([
      { kind: "project", target: "freedesktop/ci-templates: /templates/fedora.yml", before: TEMPLATES_OLD.slice(0, 12), after: TEMPLATES_OLD.slice(0, 12) },
      { kind: "component", target: "gnome/ci-components/container-image", before: `1.1.0 (${COMPONENT_COMMITS["1.1.0"].slice(0, 12)})`, after: `2.0.0 (${COMPONENT_COMMITS["2.0.0"].slice(0, 12)})` },
    ]);
    const main = analysis.contexts.find((c) => c.name === "main")!;
    const prep = main.before.jobs.find((j) => j.name === "fedora:40@container-prep")!;
    expect(prep.builds).toContainEqual(expect.objectContaining({ image: "registry.example.com/networkmanager/networkmanager/fedora/40:tag-b8ad2576b2c5", push: true }));
    // 2.0.0 renames the job and runs it on tags only: on main the container job is gone.
    expect(main.changes).toContainEqual(expect.objectContaining({ job: "container-image", kind: "removed" }));

    const md = await cli(["analyze", "--base", "main", "--head", "bump-component", "--gitlab-url", url]);
    expect(md.stdout).toContain("`gnome/ci-components/container-image` (component) **changed:** `1.1.0 (110000000000)` → `2.0.0 (200000000000)`");
  });

  it("without GITLAB_TOKEN nothing is fetched, and the includes are reported as not analysed", async () => {
    const before = fake.requests.length;
    const { stdout } = await cli(["simulate", "--rev", "main", "--branch", "main", "--format", "json"], {});
    expect(fake.requests.length).toBe(before);
    expect(stdout).toContain("is not analysed");
  });
});

describe("GITLAB_TOKEN goes only to --gitlab-url or the base revision's server_url", () => {
  it("analyze of a head whose settings name another server reads the includes from the base's server, never the head's", async () => {
    const asked = fake.requests.length;
    const { code, stdout, stderr } = await cli(["analyze", "--head", "hostile-url", "--format", "json"]);
    expect(code).toBe(0);
    expect(decoy.requests).toEqual([]);
    expect(fake.requests.length).toBeGreaterThan(asked);
    expect(stderr).toContain(`names server_url ${decoyUrl}; GITLAB_TOKEN goes only to ${url}`);
    // The ci-templates project is read through the base's server; the component, named by the
    // head's $CI_SERVER_FQDN (the decoy's host), is on another instance than the one read.
    const analysis = JSON.parse(stdout) as { includesRead: Array<{ kind: string; target: string }> };
    expect(analysis.includesRead.map((i) => i.target)).toContain("freedesktop/ci-templates: /templates/fedora.yml");
  });

  it("simulate and jobs of that revision, and jobs of the files on disk, ask only the base's server", async () => {
    const simulated = await cli(["simulate", "--rev", "hostile-url", "--branch", "main", "--format", "json"]);
    expect(simulated.code).toBe(0);
    const jobs = await cli(["jobs", "--rev", "hostile-url", "--format", "json"]);
    expect(jobs.code).toBe(0);
    write(".ci-explain.yml", `${SETTINGS}server_url: ${decoyUrl}\n`);
    try {
      const onDisk = await cli(["jobs", "--rev", "WORKTREE", "--format", "json"]);
      expect(onDisk.code).toBe(0);
      expect(onDisk.stderr).toContain(`through ${url} with GITLAB_TOKEN`);
    } finally {
      gitIn(repo, "checkout", "--", ".ci-explain.yml");
    }
    expect(decoy.requests).toEqual([]);
    const names = (JSON.parse(jobs.stdout) as { jobs: Array<{ name: string }> }).jobs.map((j) => j.name).sort();
    expect(names).toEqual(["fedora:40@build", "fedora:40@container-prep"]);
  });

  it("--gitlab-url is the user's choice: the token goes there, whatever the settings say", async () => {
    const { code } = await cli(["jobs", "--rev", "main", "--format", "json", "--gitlab-url", decoyUrl]);
    expect(code).toBe(0);
    expect(decoy.requests.length).toBeGreaterThan(0);
  });
});
