import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/analysis/analyze.js";
import { defaultSettings } from "../../../src/config/defaults.js";
import { MemorySource } from "../../../src/core/memory-source.js";
import { PARSED_BYTES_PER_CHAR, ParseCache } from "../../../src/gitlab-ci/load/parse-cache.js";

const files = {
  ".gitlab-ci.yml": "include:\n  - local: ci/jobs.yml\n",
  "ci/jobs.yml": "build:\n  script: make\n",
};

describe("one parse cache for every analysis of an analysis worker", () => {
  it("parses a file that two merge requests share once, and the second analysis adds nothing", async () => {
    const parseCache = new ParseCache();
    const settings = { ...defaultSettings(), project: "acme/widget", defaultBranch: "main" };
    const first = await analyze({ base: new MemorySource(files), head: new MemorySource({ ...files, "ci/jobs.yml": "build:\n  script: make all\n" }), settings, parseCache });
    const size = parseCache.size;
    expect(size).toBe(3);
    const second = await analyze({ base: new MemorySource(files), head: new MemorySource(files), settings, parseCache });
    expect(parseCache.size).toBe(size);
    // Shared parses give the same answers as fresh ones.
    expect(second.contexts.map((c) => c.after.jobs.map((j) => j.name))).toEqual(first.contexts.map((c) => c.before.jobs.map((j) => j.name)));
  });

  it("stays within its byte budget when pushes bring many large includes, and still answers right", async () => {
    // Five pushes, each with 16 includes of 64 KiB that no other push shares (a scaled-down
    // version of 16 × 1 MiB): a cache bounded by count would keep all 80 parses.
    const budget = 4 * 1024 * 1024;
    const parseCache = new ParseCache(budget);
    const settings = { ...defaultSettings(), project: "acme/widget", defaultBranch: "main" };
    const include = (push: number, i: number) => {
      let text = `job-${push}-${i}:\n  script:\n`;
      while (text.length < 64 * 1024) text += `    - echo push ${push} include ${i} line ${text.length}\n`;
      return text;
    };
    for (let push = 0; push < 5; push++) {
      const pushed: Record<string, string> = { ".gitlab-ci.yml": `include:\n${Array.from({ length: 16 }, (_, i) => `  - local: ci/${i}.yml\n`).join("")}` };
      for (let i = 0; i < 16; i++) pushed[`ci/${i}.yml`] = include(push, i);
      const analysis = await analyze({ base: new MemorySource(files), head: new MemorySource(pushed), settings, parseCache });
      expect(parseCache.bytes).toBeLessThanOrEqual(budget);
      expect(analysis.contexts[0].after.jobs.map((j) => j.name)).toContain(`job-${push}-15`);
    }
    // What it holds is what the budget allows: about 4 MiB of parses of 64 KiB files.
    expect(parseCache.size).toBeLessThan(Math.ceil(budget / (64 * 1024 * PARSED_BYTES_PER_CHAR)) + 3);
    expect(parseCache.size).toBeGreaterThan(0);
  });
});
