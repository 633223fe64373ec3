import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitIn, runCli } from "../app/cli/run-cli.js";

/*
 * What a real run has, given on the command line: `simulate` lists the images each job builds
 * and pushes, computed from the commit, PR number, PR head commit, clock and event payload given.
 * Expected tags come from docker/metadata-action's README (sections named per case) and
 * GitHub's "Events that trigger workflows" (what GITHUB_REF / GITHUB_SHA are per event).
 */
const SHA = "860c1904a1ce19322e91ac35af1ab07466440c37";
const HEAD_SHA = "a4f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3";

const metaWorkflow = (tags: string, env = "") => `name: Images
on: [push, pull_request, schedule, release, workflow_dispatch]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: ghcr.io/acme/app
          tags: |
${tags
  .split("\n")
  .map((l) => `            ${l}`)
  .join("\n")}
${env}
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: \${{ steps.meta.outputs.tags }}
`;

let dir: string;
const repos: string[] = [];

function repoWith(files: Record<string, string>): string {
  const repo = join(dir, `r${repos.length}`);
  repos.push(repo);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  gitIn(repo, "init", "-q", "-b", "main");
  gitIn(repo, "add", "-A");
  gitIn(repo, "commit", "-qm", "ci");
  return repo;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ci-explain-run-inputs-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Job = { name: string; builds?: Array<{ image: string; push: boolean; known: boolean; certainty: string; refused: string | null }> };

async function simulateJson(repo: string, ...args: string[]) {
  const r = await runCli(["simulate", "--repo", repo, "--format", "json", "--dialect", "github-actions", "--project", "acme/app", ...args], repo);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as { jobs: Job[]; errors: unknown[] };
}

const pushed = (json: { jobs: Job[] }) => json.jobs.flatMap((j) => (j.builds ?? []).filter((b) => b.push).map((b) => b.image));

describe("simulate --format json lists the images each job pushes (GitHub Actions)", () => {
  it("--sha gives type=sha its commit (README type=sha: sha-860c190)", async () => {
    const repo = repoWith({ ".github/workflows/images.yml": metaWorkflow("type=ref,event=branch\ntype=sha") });
    const json = await simulateJson(repo, "--branch", "dev", "--sha", SHA);
    expect(pushed(json)).toEqual(["ghcr.io/acme/app:dev", "ghcr.io/acme/app:sha-860c190"]);
  });

  it("without --sha the commit is --rev's, never a guess: a tag of it is then known", async () => {
    const repo = repoWith({ ".github/workflows/images.yml": metaWorkflow("type=sha") });
    const json = await simulateJson(repo, "--branch", "dev");
    expect(pushed(json)).toHaveLength(1);
    expect(json.jobs[0].builds?.[0].known).toBe(true);
  });

  it("--pr-number names the PR ref (type=ref,event=pr: refs/pull/2/merge → pr-2)", async () => {
    const repo = repoWith({ ".github/workflows/images.yml": metaWorkflow("type=ref,event=pr") });
    const json = await simulateJson(repo, "--pr", "feature:main", "--pr-number", "2");
    expect(pushed(json)).toEqual(["ghcr.io/acme/app:pr-2"]);
  });

  it("--mr-iid is the same number", async () => {
    const repo = repoWith({ ".github/workflows/images.yml": metaWorkflow("type=ref,event=pr") });
    expect(pushed(await simulateJson(repo, "--pr", "feature:main", "--mr-iid", "2"))).toEqual(["ghcr.io/acme/app:pr-2"]);
    const disagree = await runCli(["simulate", "--repo", repo, "--dialect", "github-actions", "--pr", "feature:main", "--mr-iid", "2", "--pr-number", "3"], repo);
    expect(disagree.code).toBe(2);
  });

  it("--pr-head-sha with DOCKER_METADATA_PR_HEAD_SHA tags the PR's head commit (README, environment variables)", async () => {
    const env = "        env:\n          DOCKER_METADATA_PR_HEAD_SHA: true";
    const repo = repoWith({ ".github/workflows/images.yml": metaWorkflow("type=sha", env) });
    const json = await simulateJson(repo, "--pr", "feature:main", "--pr-number", "2", "--sha", SHA, "--pr-head-sha", HEAD_SHA);
    expect(pushed(json)).toEqual(["ghcr.io/acme/app:sha-a4f1b2c"]);
  });

  it("without DOCKER_METADATA_PR_HEAD_SHA a PR run tags github.sha (the merge commit given by --sha)", async () => {
    const repo = repoWith({ ".github/workflows/images.yml": metaWorkflow("type=sha") });
    const json = await simulateJson(repo, "--pr", "feature:main", "--pr-number", "2", "--sha", SHA, "--pr-head-sha", HEAD_SHA);
    expect(pushed(json)).toEqual(["ghcr.io/acme/app:sha-860c190"]);
  });

  it("--now is the clock of {{date}} (README type=schedule table: {{date 'YYYYMMDD'}} → 20200110)", async () => {
    const repo = repoWith({ ".github/workflows/images.yml": metaWorkflow("type=schedule,pattern={{date 'YYYYMMDD'}}\ntype=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}") });
    const json = await simulateJson(repo, "--event", "schedule", "--now", "2020-01-10T00:30:00Z");
    expect(pushed(json)).toEqual(["ghcr.io/acme/app:20200110", "ghcr.io/acme/app:20200110-093000"]);
  });

  it("without --now the date is unknown, not guessed", async () => {
    const repo = repoWith({ ".github/workflows/images.yml": metaWorkflow("type=schedule,pattern={{date 'YYYYMMDD'}}") });
    const json = await simulateJson(repo, "--event", "schedule");
    expect(json.jobs[0].builds?.map((b) => b.known)).toEqual([false]);
  });

  it("--event release --tag: the release's tag (type=semver on refs/tags/v1.2.3 → 1.2.3, 1.2, latest)", async () => {
    const repo = repoWith({ ".github/workflows/images.yml": metaWorkflow("type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}") });
    const json = await simulateJson(repo, "--event", "release", "--tag", "v1.2.3");
    expect(pushed(json)).toEqual(["ghcr.io/acme/app:1.2.3", "ghcr.io/acme/app:1.2", "ghcr.io/acme/app:latest"]);
  });

  it("--event-payload: its ref, after and base_ref win over the defaults ({{base_ref}} of a tag push, Global expressions)", async () => {
    const repo = repoWith({
      ".github/workflows/images.yml": metaWorkflow("type=ref,event=tag\ntype=raw,value=from-{{base_ref}}\ntype=sha"),
      "push.json": JSON.stringify({ ref: "refs/tags/v1.2.3", after: SHA, base_ref: "refs/heads/main", repository: { full_name: "acme/app", default_branch: "main" } }),
    });
    const json = await simulateJson(repo, "--event", "push", "--event-payload", join(repo, "push.json"));
    expect(pushed(json)).toEqual(["ghcr.io/acme/app:v1.2.3", "ghcr.io/acme/app:from-main", "ghcr.io/acme/app:sha-860c190", "ghcr.io/acme/app:latest"]);
  });

  it("sep-tags joins the tags output; build-push-action splits its tags at newlines and commas only (README inputs: sep-tags)", async () => {
    const withSep = (sep: string) => metaWorkflow("type=ref,event=branch\ntype=sha").replace("          images: ghcr.io/acme/app", `          images: ghcr.io/acme/app\n          sep-tags: "${sep}"`);
    const comma = repoWith({ ".github/workflows/images.yml": withSep(",") });
    expect(pushed(await simulateJson(comma, "--branch", "dev", "--sha", SHA))).toEqual(["ghcr.io/acme/app:dev", "ghcr.io/acme/app:sha-860c190"]);
    const space = repoWith({ ".github/workflows/images.yml": withSep(" ") });
    expect(pushed(await simulateJson(space, "--branch", "dev", "--sha", SHA))).toEqual(["ghcr.io/acme/app:dev ghcr.io/acme/app:sha-860c190"]);
  });

  it("--job shows one job with what it pushes", async () => {
    const repo = repoWith({ ".github/workflows/images.yml": metaWorkflow("type=ref,event=branch") });
    const r = await runCli(["simulate", "--repo", repo, "--dialect", "github-actions", "--branch", "dev", "--job", "Images / image"], repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ghcr.io/acme/app:dev");
  });
});

describe("simulate --format json lists the images each job pushes (GitLab CI)", () => {
  const gitlab = `build:
  image: docker:latest
  script:
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA .
    - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA
`;

  it("--sha is CI_COMMIT_SHA: its first eight characters are CI_COMMIT_SHORT_SHA (Predefined CI/CD variables)", async () => {
    const repo = repoWith({ ".gitlab-ci.yml": gitlab, Dockerfile: "FROM alpine\n" });
    const r = await runCli(["simulate", "--repo", repo, "--format", "json", "--project", "acme/app", "--sha", SHA], repo);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { jobs: Job[] };
    expect(pushed(json)).toEqual(["registry.gitlab.com/acme/app:860c1904"]);
  });

  it("text output names what a job pushes", async () => {
    const repo = repoWith({ ".gitlab-ci.yml": gitlab, Dockerfile: "FROM alpine\n" });
    const r = await runCli(["simulate", "--repo", repo, "--project", "acme/app", "--sha", SHA], repo);
    expect(r.stdout).toContain("pushes: registry.gitlab.com/acme/app:860c1904");
  });

  // Docker's reference grammar (distribution `reference`): a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127},
  // so `release/1.x` from $CI_COMMIT_REF_NAME is refused ("invalid reference format") and nothing is pushed.
  it("a push to a reference Docker refuses says so, in the text, with --job, and in the JSON", async () => {
    const byName = gitlab.replaceAll("$CI_COMMIT_SHORT_SHA", "$CI_COMMIT_REF_NAME");
    const repo = repoWith({ ".gitlab-ci.yml": byName, Dockerfile: "FROM alpine\n" });
    const simulate = (...args: string[]) => runCli(["simulate", "--repo", repo, "--project", "acme/app", "--branch", "release/1.x", ...args], repo);
    const text = await simulate();
    expect(text.stdout).toContain("pushes: registry.gitlab.com/acme/app:release/1.x from Dockerfile — Docker refuses this reference (the tag 'release/1.x' contains '/'): the push fails");
    expect((await simulate("--job", "build")).stdout).toContain("Docker refuses this reference (the tag 'release/1.x' contains '/'): the push fails");
    const json = JSON.parse((await simulate("--format", "json")).stdout) as { jobs: Job[] };
    expect(json.jobs[0].builds?.map((b) => b.refused)).toEqual(["the tag 'release/1.x' contains '/'"]);
    // The same job on a branch without a `/` pushes a reference Docker takes.
    const main = JSON.parse((await runCli(["simulate", "--repo", repo, "--project", "acme/app", "--branch", "main", "--format", "json"], repo)).stdout) as { jobs: Job[] };
    expect(main.jobs[0].builds?.map((b) => [b.image, b.refused])).toEqual([["registry.gitlab.com/acme/app:main", null]]);
  });

  it("GitHub-only run inputs are usage errors for GitLab CI", async () => {
    const repo = repoWith({ ".gitlab-ci.yml": gitlab });
    const r = await runCli(["simulate", "--repo", repo, "--event", "push"], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("GitHub Actions options");
  });
});
