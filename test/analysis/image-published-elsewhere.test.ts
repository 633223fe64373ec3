import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis/analyze.js";
import type { Hazard } from "../../src/analysis/model.js";
import { loadSettings } from "../../src/config/load-settings.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { renderComment } from "../../src/report/index.js";
import { fixtureSource } from "./fixture.js";
import { summaries } from "../report/rendered.js";

/**
 * The second half of the QEMU story: a stable branch stops building its own container and
 * runs its tests in `:latest`, which only the development branches push. The hazard says
 * who publishes that image, because that is what the stable branch's job really runs in.
 */
const REGISTRY = "registry.example.com/acme/widget/ci";
/** `$CI_REGISTRY_IMAGE` is known only for a known project path. */
const KNOWN_PROJECT = "project: acme/widget\n";

async function notBuilt(base: MemorySource, head: MemorySource): Promise<Hazard[]> {
  const { settings } = await loadSettings(base);
  const analysis = await analyze({ base, head, settings });
  return analysis.hazards.filter((h) => h.kind === "image-not-built");
}

describe("image-not-built names the contexts that publish the image", () => {
  it("a stable branch testing in `:latest` that only `main` and `staging` push", async () => {
    const [hazard, ...others] = await notBuilt(fixtureSource("latest-built-elsewhere/base"), fixtureSource("latest-built-elsewhere/head"));
    expect(others).toEqual([]);
    expect(hazard).toMatchObject({
      status: "introduced",
      severity: "warning",
      contexts: ["stable-8.0"],
      images: [`${REGISTRY}/debian:latest`],
      jobs: ["unit"],
      publishedBy: ["main", "staging"],
    });
    expect(hazard.message).toBe(
      `on \`stable-8.0\`, 1 job runs in \`${REGISTRY}/debian:latest\`, which no job of this pipeline builds; ` +
        "`main` and `staging` push it: the job runs in whatever they pushed last.",
    );
  });

  it("the report's hazards section says who pushes it", async () => {
    const base = fixtureSource("latest-built-elsewhere/base");
    const head = fixtureSource("latest-built-elsewhere/head");
    const { settings } = await loadSettings(base);
    const comment = renderComment(await analyze({ base, head, settings }), { platform: "gitlab" });
    // In a word on its folded line, and in full in its details.
    expect(summaries(comment)).toContain("⚠️ unit on stable-8.0 now runs in an image only main and staging push");
    expect(comment).toContain("`main` and `staging` push it");
    expect(comment).toContain("pushed by: `main`, `staging`");
  });

  it("names who pushes only the images they push, not every missing one", async () => {
    const ci = [
      "build:",
      "  rules: [{ if: '$CI_COMMIT_BRANCH == \"main\"' }]",
      "  script: [docker build -t $CI_REGISTRY_IMAGE/ci/debian:latest ., docker push $CI_REGISTRY_IMAGE/ci/debian:latest]",
      "unit:",
      "  image: $CI_REGISTRY_IMAGE/ci/debian:latest",
      "  rules: [{ if: '$CI_COMMIT_BRANCH == \"stable\"' }]",
      "  script: [make check]",
      "lint:",
      "  image: $CI_REGISTRY_IMAGE/ci/fedora:stable",
      "  rules: [{ if: '$CI_COMMIT_BRANCH == \"stable\"' }]",
      "  script: [make lint]",
      "",
    ].join("\n");
    const hazards = await notBuilt(new MemorySource({ ".gitlab-ci.yml": "build:\n  script: [make]\n", ".ci-explain.yml": KNOWN_PROJECT }), new MemorySource({ ".gitlab-ci.yml": ci }));
    const [hazard] = hazards.filter((h) => h.contexts.includes("stable"));
    expect(hazard.publishedBy).toEqual(["main"]);
    expect(hazard.message).toMatch(/; `main` pushes `[^`]*\/ci\/debian:latest`: jobs using it run in whatever that pipeline pushed last; no analysed pipeline pushes the other: /);
    expect(hazard.message).not.toContain("`main` pushes them");
  });

  it("names nobody when no analysed context pushes the image", async () => {
    const ci = "unit:\n  image: $CI_REGISTRY_IMAGE/ci/debian:v2\n  script: [make check]\n";
    const [hazard] = await notBuilt(new MemorySource({ ".gitlab-ci.yml": "build:\n  script: [make]\n", ".ci-explain.yml": KNOWN_PROJECT }), new MemorySource({ ".gitlab-ci.yml": ci }));
    expect(hazard.publishedBy).toBeUndefined();
    expect(hazard.message).toContain("which no job of this pipeline builds: they use whatever another pipeline last pushed under that tag");
  });
});
