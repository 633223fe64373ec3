import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis/analyze.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { analyzeActions } from "../../src/github-actions/analyze-actions.js";

/*
 * Image references Docker refuses (Docker's reference grammar, "docker image tag": a tag is
 * [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; a repository path is lower case). A ref name with a `/`
 * put into a tag makes the build or push fail on that branch: the hazard names the context and
 * the text the reference came from, on both dialects.
 */
const settings = { ...defaultSettings(), project: "acme/app", defaultBranch: "main" };
const changed = (base: Record<string, string>, head: Record<string, string>) =>
  [...new Set([...Object.keys(base), ...Object.keys(head)])].filter((p) => base[p] !== head[p]).sort();

describe("invalid-image-reference (GitHub Actions)", () => {
  const wf = (tags: string) => `on:
  push:
    branches: [main, 'release/**']
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ${tags}
`;
  const base = { ".github/workflows/ci.yml": wf("ghcr.io/acme/app:latest") };
  const head = { ".github/workflows/ci.yml": wf("ghcr.io/acme/app:${{ github.ref_name }}") };

  it("a branch name with `/` as a tag: an error on that branch only, quoting the expression", async () => {
    const a = await analyzeActions({ base: new MemorySource(base, "base"), head: new MemorySource(head, "head"), changedFiles: changed(base, head), settings, branches: ["main", "release/1.x"] });
    const found = a.hazards.filter((h) => h.kind === "invalid-image-reference");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "error", status: "introduced", contexts: ["release/1.x"], images: ["ghcr.io/acme/app:release/1.x"] });
    expect(found[0].message).toContain("ghcr.io/acme/app:${{ github.ref_name }}");
    expect(found[0].message).toContain("the tag 'release/1.x' contains '/'");
    // Nothing is pushed under a reference Docker refuses: the image table says the tag is gone.
    const release = a.contexts.find((c) => c.context.name === "release/1.x")!;
    expect(release.images.map((i) => [i.repository, i.tagsBefore, i.tagsAfter])).toEqual([["ghcr.io/acme/app", ["latest"], []]]);
  });

  it("an upper-case owner in the repository path (github.repository keeps the owner's case)", async () => {
    const upper = { ".github/workflows/ci.yml": wf("ghcr.io/${{ github.repository }}:latest") };
    const a = await analyzeActions({ base: new MemorySource({}, "base"), head: new MemorySource(upper, "head"), settings: { ...settings, project: "Acme/App" }, branches: ["main"] });
    const found = a.hazards.filter((h) => h.kind === "invalid-image-reference");
    expect(found.map((h) => h.images)).toEqual([["ghcr.io/Acme/App:latest"]]);
    expect(found[0].message).toContain("must be lower case");
  });
});

describe("invalid-image-reference (GitLab CI)", () => {
  const ci = (tag: string) => `build:
  image: docker:latest
  rules:
    - if: $CI_COMMIT_BRANCH =~ /^release\\//
  script:
    - docker build -t $CI_REGISTRY_IMAGE:${tag} .
    - docker push $CI_REGISTRY_IMAGE:${tag}
`;

  it("$CI_COMMIT_REF_NAME as a tag on release/1.x: the script line is quoted; $CI_COMMIT_REF_SLUG is fine", async () => {
    const base = { ".gitlab-ci.yml": ci("$CI_COMMIT_REF_SLUG"), Dockerfile: "FROM alpine\n" };
    const head = { ".gitlab-ci.yml": ci("$CI_COMMIT_REF_NAME"), Dockerfile: "FROM alpine\n" };
    const a = await analyze({ base: new MemorySource(base, "base"), head: new MemorySource(head, "head"), changedFiles: changed(base, head), settings, branches: ["main", "release/1.x"] });
    const found = a.hazards.filter((h) => h.kind === "invalid-image-reference");
    expect(found.map((h) => [h.status, h.contexts, h.images])).toEqual([
      ["introduced", ["release/1.x"], ["registry.gitlab.com/acme/app:release/1.x"]],
    ]);
    expect(found[0].message).toContain("docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_REF_NAME .");
  });
});
