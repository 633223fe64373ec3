import { describe, expect, it } from "vitest";
import { defaultSettings } from "../../src/config/defaults.js";
import { mayChangeCi } from "../../src/platforms/ci-change-prefilter.js";

describe("mayChangeCi (the look before any CI file is fetched)", () => {
  const settings = { ...defaultSettings(), ciConfigPath: "ci/pipeline.gitlab-ci", containers: { recipes: ["tests/docker/**/*.docker", "**/Dockerfile"] } };

  it.each([
    ["the root CI file", [".gitlab-ci.yml"], true],
    ["an included YAML file", [".gitlab-ci.d/base.yml"], true],
    ["a .yaml file", ["ci/jobs.yaml"], true],
    ["a root CI file without a YAML suffix", ["ci/pipeline.gitlab-ci"], true],
    ["a configured recipe", ["tests/docker/dockerfiles/fedora.docker"], true],
    ["a Dockerfile in a subfolder", ["images/base/Dockerfile"], true],
    ["the bot's settings", [".github/ci-explain.yml"], true],
    ["source and docs only", ["src/main.c", "README.md", "docs/index.rst"], false],
    ["a recipe-like name outside the configured globs", ["misc/fedora.docker"], false],
    ["nothing", [], false],
  ])("%s → %s", (_name, files, expected) => {
    expect(mayChangeCi(files, settings)).toBe(expected);
  });
});
