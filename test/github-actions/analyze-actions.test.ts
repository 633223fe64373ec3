import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultSettings } from "../../src/config/defaults.js";
import { analyzeActions } from "../../src/github-actions/index.js";
import { DirSource } from "../../src/platforms/local/index.js";

const fixture = (name: string, side: string) => fileURLToPath(new URL(`../fixtures/github-actions/${name}/${side}`, import.meta.url));

async function analyseFixture(name: string) {
  const settings = { ...defaultSettings(), project: "acme/app", defaultBranch: "main" };
  return analyzeActions({
    base: new DirSource(fixture(name, "base"), "base"),
    head: new DirSource(fixture(name, "head"), "head"),
    changedFiles: [".github/workflows/images.yml", "docker/app.Dockerfile"],
    settings,
    pr: { source: "ci-tags", target: "main", number: 42 },
    branches: ["main", "release/1.x", "ci-tags"],
  });
}

describe("type=raw,value=latest on every branch (fixture latest-everywhere)", () => {
  it("chooses the default branch, a real release branch and the PR as contexts", async () => {
    const a = await analyseFixture("latest-everywhere");
    expect(a.dialect).toBe("github-actions");
    expect(a.contexts.map((c) => c.context.name)).toEqual(["main", "PR ci-tags → main", "release/1.x"]);
  });

  it.each<[string, string[], string[]]>([
    ["main", ["ghcr.io/acme/app:main", "ghcr.io/acme/app:latest"], ["ghcr.io/acme/app:main", "ghcr.io/acme/app:latest"]],
    ["release/1.x", ["ghcr.io/acme/app:release-1.x"], ["ghcr.io/acme/app:release-1.x", "ghcr.io/acme/app:latest"]],
    // pull_request: push is false, and {{branch}} would be empty; ref,event=pr names the PR.
    ["PR ci-tags → main", [], []],
  ])("%s pushes before %j and after %j", async (context, before, after) => {
    const a = await analyseFixture("latest-everywhere");
    const c = a.contexts.find((x) => x.context.name === context)!;
    const pushed = (side: typeof c.before) => side.jobs.flatMap((j) => j.builds.filter((b) => b.push).map((b) => b.image.text));
    expect(pushed(c.before)).toEqual(before);
    expect(pushed(c.after)).toEqual(after);
  });

  it("reports the same tag published from two branches as an introduced error, and fails the check", async () => {
    const a = await analyseFixture("latest-everywhere");
    const collision = a.hazards.find((h) => h.kind === "image-tag-collision");
    expect(collision).toMatchObject({ status: "introduced", severity: "error", images: ["ghcr.io/acme/app:latest"] });
    expect(collision!.contexts.sort()).toEqual(["main", "release/1.x"]);
    expect(collision!.source?.file).toBe(".github/workflows/images.yml");
    expect(a.verdict.conclusion).toBe("failure");
  });

  it("the PR run builds without pushing, tagged pr-42 (and latest after the change), from the changed recipe", async () => {
    const a = await analyseFixture("latest-everywhere");
    const pr = a.contexts.find((x) => x.context.name === "PR ci-tags → main")!;
    const builds = pr.after.jobs.flatMap((j) => j.builds);
    expect(builds.map((b) => [b.image.text, b.push, b.dockerfile?.text])).toEqual([
      ["ghcr.io/acme/app:pr-42", false, "docker/app.Dockerfile"],
      ["ghcr.io/acme/app:latest", false, "docker/app.Dockerfile"],
    ]);
    expect(a.recipes.find((r) => r.path === "docker/app.Dockerfile")?.changed).toBe(true);
  });

  it("names jobs as GitHub names checks, with the container image resolved per branch", async () => {
    const a = await analyseFixture("latest-everywhere");
    const release = a.contexts.find((x) => x.context.name === "release/1.x")!;
    const test = release.after.jobs.find((j) => j.name === "Images / test")!;
    expect(test.image?.ref.text).toBe("ghcr.io/acme/app:release/1.x");
    expect(test.needs).toEqual(["image"]);
    expect(test.stage).toBe("Images");
  });
});
