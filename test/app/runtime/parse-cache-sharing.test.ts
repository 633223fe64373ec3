import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/analysis/analyze.js";
import { withParseCache } from "../../../src/app/work-runtime.js";
import { defaultSettings } from "../../../src/config/defaults.js";
import { MemorySource } from "../../../src/core/memory-source.js";
import { ParseCache } from "../../../src/gitlab-ci/load/parse-cache.js";

const files = {
  ".gitlab-ci.yml": "include:\n  - local: ci/jobs.yml\n",
  "ci/jobs.yml": "build:\n  script: make\n",
};

describe("one parse cache for every analysis of a server process", () => {
  it("parses a file that two merge requests share once, and the second analysis adds nothing", async () => {
    const cache = new ParseCache();
    const { analyze: cached } = withParseCache({ analyze }, cache);
    const settings = { ...defaultSettings(), project: "acme/widget", defaultBranch: "main" };
    const first = await cached({ base: new MemorySource(files), head: new MemorySource({ ...files, "ci/jobs.yml": "build:\n  script: make all\n" }), settings });
    const size = cache.size;
    expect(size).toBe(3);
    const second = await cached({ base: new MemorySource(files), head: new MemorySource(files), settings });
    expect(cache.size).toBe(size);
    // Shared parses give the same answers as fresh ones.
    expect(second.contexts.map((c) => c.after.jobs.map((j) => j.name))).toEqual(first.contexts.map((c) => c.before.jobs.map((j) => j.name)));
  });

  it("leaves a cache the caller passes in place", async () => {
    const shared = new ParseCache();
    const own = new ParseCache();
    const { analyze: cached } = withParseCache({ analyze }, shared);
    await cached({ base: new MemorySource(files), head: new MemorySource(files), settings: defaultSettings(), parseCache: own });
    expect(shared.size).toBe(0);
    expect(own.size).toBeGreaterThan(0);
  });
});
