import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../../src/analysis/analyze.js";
import { analyzeRepository } from "../../../src/analysis/analyze-repository.js";
import { AnalysisPool, DEFAULT_ANALYSIS_BUDGETS } from "../../../src/app/isolation/analysis-pool.js";
import { defaultSettings } from "../../../src/config/defaults.js";
import type { FileSource } from "../../../src/core/file-source.js";
import type { IncludeSource } from "../../../src/core/include-source.js";
import { MemorySource } from "../../../src/core/memory-source.js";
import { AnalysisBudgetExceeded } from "../../../src/platforms/analysis-budget.js";
import { createGitHubReport } from "../../../src/platforms/github/github-report.js";
import { buildDist, ROOT } from "../github/dist-build.js";

/** The worker runs compiled code (Node runs no TypeScript): the built one. */
const WORKER = new URL(`file://${ROOT}dist/src/app/isolation/analysis-worker.js`);
const settings = { ...defaultSettings(), project: "acme/widget", defaultBranch: "main" };

let pool: AnalysisPool | undefined;
beforeAll(async () => {
  await buildDist();
}, 180_000);
afterEach(async () => {
  await pool?.close();
});

function readTree(dir: string, prefix = ""): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(files, readTree(path, `${prefix}${name}/`));
    else files[`${prefix}${name}`] = readFileSync(path, "utf8");
  }
  return files;
}

/** A revision whose reads never answer (an API that hangs, or an analysis that never ends). */
const hanging: FileSource = { label: "hanging", read: () => new Promise(() => undefined), list: () => new Promise(() => undefined) };

describe("analyses in worker threads", () => {
  it("gives the same analyses as the engine run in the process, byte for byte", async () => {
    pool = new AnalysisPool(1, DEFAULT_ANALYSIS_BUDGETS, WORKER);
    const input = {
      base: new MemorySource(readTree(join(ROOT, "examples/staging-containers/base"))),
      head: new MemorySource(readTree(join(ROOT, "examples/staging-containers/head"))),
      settings,
      mr: { source: "feature", target: "main", iid: 7 },
    };
    const inProcess = await analyzeRepository(input);
    const isolated = await pool.analyzeRepository(input);
    const report = createGitHubReport();
    const pr = { repo: { owner: "acme", repo: "widget" }, fullName: "acme/widget", htmlUrl: "https://github.com/acme/widget/pull/7", number: 7, draft: false, head: { sha: "h".repeat(40), ref: "feature" }, base: { sha: "b".repeat(40), ref: "main" } };
    const loaded = { settings, diagnostics: [] };
    expect(report.comment(isolated, pr, loaded)).toBe(report.comment(inProcess, pr, loaded));
    expect(report.check(isolated, pr, loaded)).toEqual(report.check(inProcess, pr, loaded));
    // The explanation in full shows each job's variables: the same ones, with the same values.
    for (const command of [{ targets: ["main"], variables: {} }, { targets: ["feature"], job: "build-debian", variables: {} }]) {
      expect(report.explain(isolated, command, pr, loaded)).toBe(report.explain(inProcess, command, pr, loaded));
    }
    expect(report.explain(isolated, { targets: ["main"], variables: {} }, pr, loaded)).toContain("CI_COMMIT_BRANCH");
    expect(isolated[0].contexts.length).toBeGreaterThan(1);
  });

  it("reads other projects' includes through the server's include source, as the engine in the process does", async () => {
    pool = new AnalysisPool(1, DEFAULT_ANALYSIS_BUDGETS, WORKER);
    const asked: string[] = [];
    // The include source holds an API client and a token: it stays in the server, and the worker asks it.
    const templates: IncludeSource = {
      label: "gitlab.example.com",
      host: "gitlab.example.com",
      commit: async (project, ref) => {
        asked.push(`commit ${project}@${ref}`);
        return { found: ref === "v2" ? "2".repeat(40) : "1".repeat(40) };
      },
      releases: async () => ({ found: { tags: [], complete: true } }),
      file: async (project, commit, path) => {
        asked.push(`file ${project}:${path}@${commit.slice(0, 4)}`);
        const tag = commit.startsWith("2") ? "27" : "26";
        return { found: `build-image:\n  image: docker:${tag}\n  script: docker build -t registry.example.com/app:$CI_COMMIT_REF_SLUG .\n` };
      },
      template: async () => ({ unread: "no templates here" }),
      remote: async () => ({ unread: "no remote hosts allowed" }),
    };
    const ci = (ref: string) => `include:\n  - project: ops/ci-templates\n    ref: ${ref}\n    file: /build.yml\n`;
    const input = { base: new MemorySource({ ".gitlab-ci.yml": ci("v1") }), head: new MemorySource({ ".gitlab-ci.yml": ci("v2") }), settings, includeSource: templates };
    const isolated = await pool.analyze(input);
    expect(asked).toContain("file ops/ci-templates:build.yml@2222");
    expect(isolated.includesRead).toEqual([{ kind: "project", target: "ops/ci-templates: /build.yml", before: "v1 (111111111111)", after: "v2 (222222222222)" }]);
    const images = isolated.contexts[0].after.jobs.filter((j) => j.name === "build-image").map((j) => j.image?.raw);
    expect(images).toEqual(["docker:27"]);
    expect(isolated.includesRead).toEqual((await analyze(input)).includesRead);
  });

  it("stops an analysis past its time budget, and the next one runs", async () => {
    pool = new AnalysisPool(1, { ...DEFAULT_ANALYSIS_BUDGETS, timeMs: 1000 }, WORKER);
    const stuck = pool.analyze({ base: hanging, head: hanging, settings });
    const next = pool.analyze({ base: new MemorySource({ ".gitlab-ci.yml": "a:\n  script: x\n" }), head: new MemorySource({ ".gitlab-ci.yml": "a:\n  script: y\n" }), settings });
    await expect(stuck).rejects.toThrow(new AnalysisBudgetExceeded("time", "1 s"));
    expect((await next).head.diagnostics).toEqual([]);
  });

  it("stops an analysis past its heap budget, and the next one runs", async () => {
    pool = new AnalysisPool(1, { ...DEFAULT_ANALYSIS_BUDGETS, heapMb: 48, parseCacheBytes: 1024 }, WORKER);
    // 24 includes of just under 1 MiB each (within GitLab's file and include limits): far more
    // parsed nodes than 48 MiB of heap hold.
    const big: Record<string, string> = { ".gitlab-ci.yml": `include:\n${Array.from({ length: 24 }, (_, i) => `  - local: ci/${i}.yml\n`).join("")}` };
    for (let i = 0; i < 24; i++) {
      let text = "";
      for (let j = 0; text.length < 1000 * 1024; j++) text += `job-${i}-${j}:\n  script: [a, b, c]\n  variables: {X: "${j}"}\n`;
      big[`ci/${i}.yml`] = text;
    }
    const hog = pool.analyze({ base: new MemorySource({}), head: new MemorySource(big), settings });
    await expect(hog).rejects.toThrow(new AnalysisBudgetExceeded("memory", "48 MiB of heap"));
    const next = await pool.analyze({ base: new MemorySource({ ".gitlab-ci.yml": "a:\n  script: x\n" }), head: new MemorySource({ ".gitlab-ci.yml": "a:\n  script: y\n" }), settings });
    expect(next.contexts.length).toBeGreaterThan(0);
  }, 60_000);

  it("fails with the read's own error when a revision cannot be read", async () => {
    pool = new AnalysisPool(1, DEFAULT_ANALYSIS_BUDGETS, WORKER);
    const apiDown = Object.assign(new Error("GitHub answered 502"), { status: 502 });
    const failing: FileSource = { label: "failing", read: () => Promise.reject(apiDown), list: () => Promise.reject(apiDown) };
    await expect(pool.analyze({ base: failing, head: failing, settings })).rejects.toBe(apiDown);
  });
});
