import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis/analyze.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { includeWildcardFolder } from "../../src/gitlab-ci/load/include-wildcard.js";

/** A source that remembers every folder it was asked to list, as an API source would page through it. */
class RecordingSource extends MemorySource {
  readonly listed: string[] = [];
  override async list(dir: string): Promise<string[]> {
    this.listed.push(dir);
    return super.list(dir);
  }
}

const CI = `
include:
  - local: ci/jobs/*.yml
container:
  image: docker:27
  script:
    - docker build -t registry.example.com/acme/widget/ci/debian:latest -f ci/dockerfiles/debian.docker .
    - docker push registry.example.com/acme/widget/ci/debian:latest
`;

const JOB = (image: string) => `
test:
  image: registry.example.com/acme/widget/ci/debian:${image}
  script: [make check]
`;

/** A repository with many files unrelated to CI: listing them all is what must not happen. */
function revision(tag: string, recipe: string): RecordingSource {
  const files: Record<string, string> = {
    ".gitlab-ci.yml": CI,
    "ci/jobs/test.yml": JOB(tag),
    "ci/dockerfiles/debian.docker": recipe,
    "ci/dockerfiles/unused.docker": "FROM alpine\n",
  };
  for (let i = 0; i < 50; i++) files[`src/module-${i}.c`] = "int x;\n";
  return new RecordingSource(files, tag);
}

describe("an analysis reads what it needs, not the whole tree", () => {
  it("lists only the folder of an include wildcard, and finds the changed recipe and the one a build names", async () => {
    const base = revision("latest", "FROM debian:12\n");
    const head = revision("latest", "FROM debian:13\n");
    const a = await analyze({
      base,
      head,
      settings: { ...defaultSettings(), project: "acme/widget", defaultBranch: "main" },
      changedFiles: ["ci/dockerfiles/debian.docker"],
      branches: ["main"],
    });
    expect([...new Set([...base.listed, ...head.listed])].sort()).toEqual(["ci/jobs"]);
    // The job from the wildcard include was loaded, so the listing was enough.
    expect(a.contexts[0]?.after.jobs.map((j) => j.name)).toContain("test");
    expect(a.recipes.map((r) => [r.path, r.changed])).toEqual([["ci/dockerfiles/debian.docker", true]]);
    expect(a.ciRelevant).toBe(true);
  });
});

describe("the folder an include wildcard is looked for in", () => {
  it.each([
    ["one level below a folder", "ci/jobs/*.yml", "ci/jobs"],
    ["any depth below a folder", "ci/**.yml", "ci"],
    ["a wildcard in a folder name", "ci/job*/a.yml", "ci"],
    ["anywhere in the repository", "**.yml", ""],
    ["files at the root", "*.yml", ""],
  ])("%s: %s lists %j", (_what, pattern, folder) => {
    expect(includeWildcardFolder(pattern)).toBe(folder);
  });
});
