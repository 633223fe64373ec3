import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis/analyze.js";
import { analyzeRepository } from "../../src/analysis/analyze-repository.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { loadConfig } from "../../src/gitlab-ci/load/load-config.js";

/**
 * Small files that expand without bound: each is analysed quickly, within memory, and the
 * answer says which value was not worked out and where, instead of crashing or guessing.
 */
const settings = { ...defaultSettings(), project: "acme/widget", defaultBranch: "main" };
const BASE = { ".gitlab-ci.yml": "build:\n  image: alpine:3.20\n  script: make\n" };

describe("a hostile configuration expands without bound", () => {
  it("YAML variables that double 24 times: the one past 65,536 characters is named at its line, the image is unknown", async () => {
    // V0 is 16 characters; V12 is 16 × 2^12 = 65,536 (at the budget), V13 is the first over it.
    let ci = 'variables:\n  V0: "0123456789abcdef"\n';
    for (let i = 1; i <= 24; i++) ci += `  V${i}: "\${V${i - 1}}\${V${i - 1}}"\n`;
    ci += "build:\n  image: alpine:$V24\n  script: make\n";
    expect(ci.length).toBeLessThan(1024);
    const analysis = await analyze({ base: new MemorySource(BASE), head: new MemorySource({ ".gitlab-ci.yml": ci }), settings });
    const tooLarge = analysis.head.diagnostics.filter((d) => d.code === "value-too-large");
    expect(tooLarge.map((d) => [d.message.split(" ")[1], d.pos?.line])).toEqual([["V13", 15]]);
    // The report says it among the parts of the configuration not analysed.
    expect(analysis.hazards.some((h) => h.kind === "not-analysed" && JSON.stringify(h).includes("variable V13 expands to more than 65,536 characters"))).toBe(true);
    const build = analysis.contexts[0].after.jobs.find((j) => j.name === "build");
    expect(build?.image?.ref.known).toBe(false);
    expect(build?.image?.ref.text.length).toBeLessThan(200);
    expect(build?.variables.V12?.value.text.length).toBe(65_536);
    expect(build?.variables.V13?.value.known).toBe(false);
  });

  it("a shell variable doubled 24 times before docker build: named at its line, the pushed tag is unknown", async () => {
    const lines = ['    - X="abcdefgh"', ...Array.from({ length: 24 }, () => '    - X="$X$X"'), "    - docker build -t registry.example.com/app:$X .", "    - docker push registry.example.com/app:$X"];
    const ci = `build:\n  image: docker:27\n  script:\n${lines.join("\n")}\n`;
    const analysis = await analyze({ base: new MemorySource(BASE), head: new MemorySource({ ".gitlab-ci.yml": ci }), settings });
    const build = analysis.contexts[0].after.jobs.find((j) => j.name === "build");
    expect(build?.builds).toHaveLength(1);
    expect(build?.builds[0].image.known).toBe(false);
    // "abcdefgh" (8) doubled 13 times is 65,536: the 14th doubling, on file line 4 + 14 = 18, is the first over.
    expect(build?.builds[0].image.unknowns).toEqual(["$X: the value assigned at .gitlab-ci.yml:18 is over 65,536 characters; not worked out"]);
    // The doublings after it keep it one unknown, not a growing row of unknowns.
    expect(build?.builds[0].image.text).toBe("registry.example.com/app:«$X»");
  });

  it("an input doubled at each of 30 nested includes: the include past GitLab's interpolation limit is not analysed, its job uncertain", async () => {
    const files: Record<string, string> = { ".gitlab-ci.yml": "include:\n  - local: ci/i0.yml\n    inputs:\n      x: abcdefgh\n" };
    for (let i = 0; i < 30; i++) {
      const next = i < 29 ? `include:\n  - local: ci/i${i + 1}.yml\n    inputs:\n      x: "$[[ inputs.x ]]$[[ inputs.x ]]"\n` : "build:\n  image: alpine:$[[ inputs.x ]]\n  script: make\n";
      files[`ci/i${i}.yml`] = `spec:\n  inputs:\n    x:\n---\n${next}`;
    }
    const { config, diagnostics } = await loadConfig(new MemorySource(files));
    // Level k builds 2 × 8 × 2^k characters; all levels together pass 10 × 2 MiB (20,971,520)
    // with ci/i20.yml's 16 Mi, included from ci/i19.yml's line 6.
    const notAnalysed = diagnostics.filter((d) => d.code === "include-not-analysed");
    expect(notAnalysed.map((d) => [d.message, d.pos?.file, d.pos?.line])).toEqual([["ci/i20.yml is not analysed: interpolating inputs passes 20,971,520 characters (all files together)", "ci/i19.yml", 6]]);
    expect(config.includes.find((i) => i.location === "ci/i20.yml")?.status).toBe("not-analysed");
    expect(config.jobs).toEqual([]);
    const analysis = await analyze({ base: new MemorySource(BASE), head: new MemorySource(files), settings });
    // Whether a pipeline is created depends on the file not read: not a certain "no jobs".
    expect(analysis.head.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(analysis.contexts[0].after.creation).toBe("uncertain");
  });

  it("5,000 jobs extending a 200-entry parallel:matrix: loaded to the job budget, the rest reported, not held", async () => {
    const values = Array.from({ length: 200 }, (_, i) => `v${i}`).join(", ");
    let ci = `.m:\n  script: make\n  parallel:\n    matrix:\n      - V: [${values}]\n`;
    for (let i = 0; i < 5000; i++) ci += `j${i}:\n  extends: .m\n`;
    const { config, diagnostics } = await loadConfig(new MemorySource({ ".gitlab-ci.yml": ci }));
    // The default budget is 20,000 jobs: 100 definitions of 200.
    expect(config.jobs).toHaveLength(100);
    const reported = diagnostics.filter((d) => d.code === "not-analysed");
    expect(reported.map((d) => d.message)).toEqual([
      "the configuration makes 1,000,000 jobs, more than ci-explain's budget of 20,000 per pipeline; 4,900 job definitions from j100 on are not analysed",
    ]);
    expect(reported[0].pos?.line).toBe(6 + 2 * 100);
  });

  it("an analysis with a smaller job budget (MAX_PIPELINE_JOBS) simulates only that many and says so", async () => {
    let ci = ".m:\n  script: make\n  parallel: 50\n";
    for (let i = 0; i < 10; i++) ci += `j${i}:\n  extends: .m\n`;
    const analysis = await analyze({ base: new MemorySource(BASE), head: new MemorySource({ ".gitlab-ci.yml": ci }), settings, limits: { maxJobs: 120 } });
    expect(analysis.contexts[0].after.jobs).toHaveLength(100);
    expect(analysis.hazards.some((h) => h.kind === "not-analysed" && JSON.stringify(h).includes("from j2 on are not analysed"))).toBe(true);
  });

  it("jobs past the budget are not reported as surely removed: a job added on top pushes the base's last ones out", async () => {
    let ci = ".m:\n  script: make\n  parallel: 10\n";
    for (let i = 0; i < 10; i++) ci += `j${i}:\n  extends: .m\n`;
    // 50 + 10 × 10 = 150 jobs in the head, over a budget of 120: j7, j8 and j9 are not analysed there.
    const head = `first:\n  script: make\n  parallel: 50\n${ci}`;
    const analysis = await analyze({ base: new MemorySource({ ".gitlab-ci.yml": ci }), head: new MemorySource({ ".gitlab-ci.yml": head }), settings, limits: { maxJobs: 120 } });
    const context = analysis.contexts[0];
    const removed = context.changes.filter((c) => c.kind === "removed");
    expect(removed.map((c) => c.job.split(" ")[0]).filter((n, i, all) => all.indexOf(n) === i)).toEqual(["j7", "j8", "j9"]);
    expect(removed.every((c) => c.uncertain === true)).toBe(true);
    expect(context.after.creation).toBe("uncertain");
  });

  it("a GitHub Actions matrix of 10 keys × 10 values: GitHub's own error, and no job", async () => {
    const keys = Array.from({ length: 10 }, (_, k) => `        k${k}: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]`).join("\n");
    const workflow = `on: [push, pull_request]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n${keys}\n    steps:\n      - run: make\n`;
    const files = (w: string) => new MemorySource({ ".github/workflows/ci.yml": w });
    const plain = "on: [push, pull_request]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";
    const [actions] = await analyzeRepository({ base: files(plain), head: files(workflow), settings, dialect: "github-actions" });
    const messages = actions.contexts.flatMap((c) => c.after.errors.map((e) => e.message));
    expect(messages).toContain("Error when evaluating 'strategy' for job 'build'. .github/workflows/ci.yml (Line: 7, Col: 9): Strategy expansion exceeded 256 results for job 'build'");
    expect(actions.contexts.every((c) => c.after.jobs.length === 0)).toBe(true);
  });
});

describe("a fan-out of jobs that push the same unknown reference", () => {
  it("is compared once per reference, and the possible collision still names every job", async () => {
    let ci = "";
    for (let i = 0; i < 300; i++) ci += `push-${i}:\n  image: docker:27\n  script:\n    - docker build -t registry.example.com/app:$TAG .\n    - docker push registry.example.com/app:$TAG\n`;
    const analysis = await analyze({ base: new MemorySource(BASE), head: new MemorySource({ ".gitlab-ci.yml": ci }), settings });
    const collision = analysis.hazards.find((h) => h.kind === "image-tag-collision");
    expect(collision?.jobs).toHaveLength(300);
    expect(collision?.jobs).toContain("push-299");
    expect(collision?.source?.line).toBe(4);
  });
});
