import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { analyzeActions } from "../../src/github-actions/index.js";
import { LruBlobCache } from "../../src/platforms/blob-cache.js";
import { GitHubIncludeSource } from "../../src/platforms/github/github-include-source.js";
import { TestOctokit } from "../platforms/github/nock-github.js";

/**
 * Workflows that run what lives elsewhere: a reusable workflow of another repository (read
 * through the API with the installation token, GitHub's REST and GraphQL shapes served by nock) and a
 * composite action of the repository itself. Jobs of a called workflow are named as GitHub
 * names their checks, `caller job / called job`, under the calling workflow.
 */

const CALLER = `name: CI
on: push
jobs:
  images:
    uses: acme/shared-ci/.github/workflows/image.yml@v2
    with:
      image: ghcr.io/acme/app
  local-build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/build-image
        with:
          tag: edge
`;

const REUSABLE = `name: image
on:
  workflow_call:
    inputs:
      image:
        type: string
        required: true
      tag:
        type: string
        default: stable
    secrets:
      registry-token:
        required: false
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: |
          docker build -t "\${{ inputs.image }}:\${{ inputs.tag }}" .
          docker push "\${{ inputs.image }}:\${{ inputs.tag }}"
`;

const COMPOSITE = `name: build image
inputs:
  tag:
    description: the image tag
    default: latest
runs:
  using: composite
  steps:
    - shell: bash
      run: |
        docker build -t "ghcr.io/acme/tools:\${{ inputs.tag }}" -f tools/Dockerfile .
        docker push "ghcr.io/acme/tools:\${{ inputs.tag }}"
`;

const SHA = "0123456789abcdef0123456789abcdef01234567";
const repo = () =>
  new MemorySource({ ".github/workflows/ci.yml": CALLER, ".github/actions/build-image/action.yml": COMPOSITE, Dockerfile: "FROM x\n", "tools/Dockerfile": "FROM y\n" });

async function analyse(includeSource?: GitHubIncludeSource) {
  return analyzeActions({
    base: repo(),
    head: repo(),
    changedFiles: [".github/workflows/ci.yml"],
    settings: { ...defaultSettings(), project: "acme/app", defaultBranch: "main" },
    branches: ["main"],
    ...(includeSource ? { includeSource } : {}),
  });
}

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("reusable workflows of other repositories and composite actions", () => {
  it("reads the called workflow at the commit its ref names and runs its jobs as `caller / called`, with `with:` inputs and defaults", async () => {
    nock.disableNetConnect();
    const api = nock("https://api.github.com")
      .get("/repos/acme/shared-ci/commits/v2")
      .reply(200, { sha: SHA })
      // The file at that commit, by GraphQL as the analysed repository's files are read.
      .post("/graphql", (body: { query: string; variables: Record<string, string> }) =>
        body.query.includes("b0: object(expression: $e0)") && body.variables.owner === "acme" && body.variables.name === "shared-ci" && body.variables.e0 === `${SHA}:.github/workflows/image.yml`,
      )
      .reply(200, { data: { repository: { b0: { oid: "b1", text: REUSABLE, isTruncated: false } } } });
    const source = new GitHubIncludeSource(new TestOctokit({ auth: "t" }), new LruBlobCache());
    const a = await analyse(source);
    expect(api.isDone()).toBe(true);
    const main = a.contexts.find((c) => c.context.name === "main")!;
    const publish = main.after.jobs.find((j) => j.name === "CI / images / publish");
    expect(publish, `${main.after.jobs.map((j) => j.name).join(", ")}\n${main.after.warnings.map((w) => w.message).join("\n")}`).toBeDefined();
    expect(publish!.builds.filter((b) => b.push).map((b) => b.image.text)).toEqual(["ghcr.io/acme/app:stable"]);
  });

  it.each([
    ["a file the repository does not have at that commit: missing", { data: { repository: { b0: null } } }, { missing: `acme/shared-ci has no file .github/workflows/image.yml at ${SHA.slice(0, 12)}` }],
    [
      "a repository GitHub does not show the installation: unread, not missing",
      { data: { repository: null }, errors: [{ type: "NOT_FOUND", path: ["repository"], message: "Could not resolve to a Repository with the name 'acme/shared-ci'." }] },
      { unread: `acme/shared-ci/.github/workflows/image.yml@${SHA.slice(0, 12)} was not found, or the installation cannot read it` },
    ],
  ])("tells %s", async (_what, answer, lookup) => {
    nock.disableNetConnect();
    const api = nock("https://api.github.com").post("/graphql").reply(200, answer);
    const source = new GitHubIncludeSource(new TestOctokit({ auth: "t" }), new LruBlobCache());
    expect(await source.file("acme/shared-ci", SHA, ".github/workflows/image.yml")).toEqual(lookup);
    expect(api.isDone()).toBe(true);
  });

  it("runs a composite action's steps in the step that uses it, with its inputs", async () => {
    const a = await analyse();
    const main = a.contexts.find((c) => c.context.name === "main")!;
    const build = main.after.jobs.find((j) => j.name === "CI / local-build")!;
    // `with: tag: edge` wins over the action's default `latest`; the build and its push are one image.
    expect(build.builds.map((b) => [b.image.text, b.push, b.dockerfile?.text])).toEqual([["ghcr.io/acme/tools:edge", true, "tools/Dockerfile"]]);
  });

  it("a composite action has its own steps context, and what it sets through GITHUB_ENV reaches the job's later steps", async () => {
    const workflow = `name: CI
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/meta
      - run: docker push "$DOCKER_METADATA_OUTPUT_TAGS"
`;
    // docker/metadata-action exports its outputs as DOCKER_METADATA_OUTPUT_* to the job's
    // environment file; type=raw,value=edge on ghcr.io/acme/app tags ghcr.io/acme/app:edge.
    const action = `name: meta
runs:
  using: composite
  steps:
    - id: meta
      uses: docker/metadata-action@v5
      with:
        images: ghcr.io/acme/app
        tags: type=raw,value=edge
    - shell: bash
      run: docker build -t "\${{ steps.meta.outputs.tags }}" .
`;
    const files = () => new MemorySource({ ".github/workflows/ci.yml": workflow, ".github/actions/meta/action.yml": action, Dockerfile: "FROM x\n" });
    const a = await analyzeActions({
      base: files(),
      head: files(),
      changedFiles: [".github/workflows/ci.yml"],
      settings: { ...defaultSettings(), project: "acme/app", defaultBranch: "main" },
      branches: ["main"],
    });
    const main = a.contexts.find((c) => c.context.name === "main")!;
    const release = main.after.jobs.find((j) => j.name === "CI / release")!;
    // The build inside the action reads steps.meta; the push after it reads the exported variable.
    expect(release.builds.map((b) => [b.image.text, b.push])).toEqual([
      ["ghcr.io/acme/app:edge", false],
      ["ghcr.io/acme/app:edge", true],
    ]);
  });

  it("without the platform's token the remote workflow is not analysed, saying why", async () => {
    const a = await analyse();
    const main = a.contexts.find((c) => c.context.name === "main")!;
    expect(main.after.jobs.map((j) => j.name)).not.toContain("CI / images / publish");
    expect(main.after.warnings.map((w) => w.message).join("\n")).toContain(
      "calls the remote workflow acme/shared-ci/.github/workflows/image.yml@v2; its jobs are not analysed: reusable workflows of other repositories are read only with the platform's token",
    );
  });
});
