import { describe, expect, it } from "vitest";
import { linkRecipes, recipeMatcher, type ImageBuild } from "../../src/containers/index.js";

describe("recipeMatcher (default globs)", () => {
  const isRecipe = recipeMatcher();
  it.each([
    ["Dockerfile", true],
    ["./Dockerfile", true],
    ["images/base/Dockerfile", true],
    ["images/Dockerfile.alpine", true],
    ["ci/containers/debian-12.Dockerfile", true],
    ["tests/docker/dockerfiles/debian11.docker", true],
    ["Containerfile", true],
    ["build/Containerfile.fedora", true],
    ["x/app.dockerfile", true],
    ["docs/Dockerfile.md", true],
    ["Dockerfiles/README", false],
    ["src/docker.ts", false],
    [".dockerignore", false],
  ])("%s → %s", (path, expected) => {
    expect(isRecipe(path)).toBe(expected);
  });

  it("configured globs replace the defaults", () => {
    const custom = recipeMatcher(["ci/images/*/Containerfile"]);
    expect([custom("ci/images/base/Containerfile"), custom("Dockerfile")]).toEqual([true, false]);
  });
});

function build(image: string, dockerfile: string | undefined): ImageBuild {
  const unknown = dockerfile?.includes("«") ?? false;
  return {
    job: image,
    tool: "docker",
    image: { text: image, known: true, unknowns: [] },
    ...(dockerfile ? { dockerfile: { text: dockerfile, known: !unknown, unknowns: unknown ? ["$NAME"] : [] } } : {}),
    push: true,
    pos: { file: ".gitlab-ci.yml", line: 1 },
  };
}

describe("linkRecipes", () => {
  const builds = [
    build("debian11", "tests/docker/dockerfiles/debian11.docker"),
    build("matrix", "ci/containers/«$NAME».Dockerfile"),
    build("anything", "«$DOCKERFILE»"),
    build("pushed-only", undefined),
    build("dot-slash", "./images/Dockerfile"),
  ];

  it.each([
    ["a recipe built for sure", "tests/docker/dockerfiles/debian11.docker", ["debian11:yes", "anything:maybe"]],
    ["an unknown part that fits", "ci/containers/fedora-40.Dockerfile", ["matrix:maybe", "anything:maybe"]],
    ["`./` is normalised", "images/Dockerfile", ["anything:maybe", "dot-slash:yes"]],
    ["a recipe no build uses", "other/Dockerfile", ["anything:maybe"]],
  ])("%s", (_name, path, expected) => {
    const [link] = linkRecipes(builds, [path]);
    expect(link.path).toBe(path);
    expect(link.builds.map((l) => `${l.build.job}:${l.match}`)).toEqual(expected);
  });

  it("a changed file that is not a recipe is left out, unless a build surely uses it", () => {
    const links = linkRecipes([build("odd", "ci/build-env"), build("anything", "«$F»")], ["README.md", "ci/build-env"]);
    expect(links.map((l) => [l.path, l.matchesGlobs, l.builds.map((b) => `${b.build.job}:${b.match}`)])).toEqual([
      ["ci/build-env", false, ["odd:yes"]],
    ]);
  });
});
