/**
 * The benchmark: load, simulate and analyze generated configurations of 100, 1,000 and 10,000
 * jobs, and the bundled example, then print a table and write the numbers as JSON.
 *
 *   npm run bench                      # all sizes and the example
 *   npm run bench -- --size 10000      # one size (e.g. under --cpu-prof)
 *   npm run bench -- --out results.json --runs 5
 *
 * Wall times are medians of several runs (three from 1,000 jobs up, so the whole bench stays
 * under two minutes on a 2-core machine). Memory is the peak RSS sampled while a phase runs and
 * the heap after a forced GC (run node with --expose-gc, as the npm script does).
 */
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { analyze, type AnalyzeInput } from "../src/analysis/analyze.js";
import { MemorySource } from "../src/core/memory-source.js";
import type { FileSource } from "../src/core/file-source.js";
import type { PipelineContext } from "../src/gitlab-ci/context.js";
import { GITLAB_COM } from "../src/gitlab-ci/context.js";
import { loadConfig } from "../src/gitlab-ci/load/load-config.js";
import { simulateConfig } from "../src/gitlab-ci/simulate/simulate-config.js";
import { newSimulateStats, type SimulateStats } from "../src/gitlab-ci/simulate/stats.js";
import { DirSource } from "../src/platforms/local/dir-source.js";
import { BENCH_PROJECT, generateRepo } from "./generate.js";
import { benchContexts, benchSettings } from "./settings.js";

interface PhaseResult {
  /** Median wall time, milliseconds. */
  ms: number;
  runs: number;
  /** Peak RSS seen while the phase ran, MiB. */
  peakRssMiB: number;
  /** Heap used after a forced GC once the phase finished (result still alive), MiB. */
  heapAfterGcMiB: number;
  ruleEvaluations?: number;
  ruleEvaluationsPerSecond?: number;
}

interface CaseResult {
  name: string;
  jobs: number;
  files: number;
  bytes: number;
  load: PhaseResult;
  simulate: PhaseResult;
  analyze: PhaseResult;
  diagnostics: number;
}

const MiB = 1024 * 1024;
const here = dirname(fileURLToPath(import.meta.url));

function oneContext(): PipelineContext {
  return {
    ref: { kind: "branch", name: "staging-8.0" },
    source: "push",
    project: { path: BENCH_PROJECT, defaultBranch: "main" },
    server: { url: GITLAB_COM.url, registry: GITLAB_COM.registry },
    variables: {},
  };
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/** Runs `fn` `runs` times; returns the median time, the peak RSS and the heap after GC. */
async function measure<T>(runs: number, fn: () => Promise<T>, count?: (result: T) => number): Promise<PhaseResult> {
  const times: number[] = [];
  let peak = 0;
  let heap = 0;
  let evaluations: number | undefined;
  for (let i = 0; i < runs; i++) {
    gc();
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const start = performance.now();
    const result = await fn();
    times.push(performance.now() - start);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (count) evaluations = count(result);
    gc();
    heap = Math.max(heap, process.memoryUsage().heapUsed);
    void result;
  }
  const ms = median(times);
  return {
    ms: round(ms),
    runs,
    peakRssMiB: round(peak / MiB),
    heapAfterGcMiB: round(heap / MiB),
    ...(evaluations !== undefined ? { ruleEvaluations: evaluations, ruleEvaluationsPerSecond: Math.round(evaluations / (ms / 1000)) } : {}),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * One case. Every run gets fresh sources (no parse cache carried from an earlier run): the
 * numbers are for one `analyze` call, as a bot answering one merge request does.
 */
async function benchCase(
  name: string,
  jobs: number,
  makeSources: () => { base: FileSource; head: FileSource },
  runs: number,
): Promise<CaseResult> {
  const probe = makeSources();
  const probeLoad = await loadConfig(probe.base, { project: BENCH_PROJECT });
  const paths = await probe.base.list("");
  let bytes = 0;
  for (const p of paths) bytes += (await probe.base.read(p))?.length ?? 0;

  const load = await measure(runs, () => loadConfig(makeSources().base, { project: BENCH_PROJECT }));
  const simulate = await measure(
    runs,
    async () => {
      const stats = newSimulateStats();
      const { base } = makeSources();
      await simulateConfig(probeLoad, oneContext(), base, { stats });
      return stats;
    },
    (stats: SimulateStats) => stats.ruleEvaluations,
  );
  const analysis = await measure(
    runs,
    async () => {
      const stats = newSimulateStats();
      const sources = makeSources();
      const input: AnalyzeInput = { ...sources, settings: benchSettings(), stats };
      const result = await analyze(input);
      if (result.contexts.length !== 10) throw new Error(`expected 10 contexts, got ${result.contexts.length}`);
      return stats;
    },
    (stats: SimulateStats) => stats.ruleEvaluations,
  );
  return { name, jobs: probeLoad.config.jobs.length, files: paths.length, bytes, load, simulate, analyze: analysis, diagnostics: probeLoad.diagnostics.length };
}

function table(results: CaseResult[]): string {
  const head = ["case", "jobs", "files", "load ms", "simulate ms", "analyze ms", "peak RSS MiB", "heap MiB", "rule evals/s"];
  const rows = results.map((r) => [
    r.name,
    String(r.jobs),
    String(r.files),
    r.load.ms.toFixed(1),
    r.simulate.ms.toFixed(1),
    r.analyze.ms.toFixed(1),
    Math.max(r.load.peakRssMiB, r.simulate.peakRssMiB, r.analyze.peakRssMiB).toFixed(0),
    r.analyze.heapAfterGcMiB.toFixed(0),
    (r.analyze.ruleEvaluationsPerSecond ?? 0).toLocaleString("en"),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Fewer runs for the big sizes, so the bench stays under two minutes on two cores. */
function runsFor(jobs: number, override: number | undefined): number {
  if (override) return override;
  return jobs >= 1000 ? 3 : 5;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: "string", multiple: true },
      runs: { type: "string" },
      out: { type: "string", default: "bench-results.json" },
      "no-example": { type: "boolean", default: false },
      seed: { type: "string", default: "42" },
    },
  });
  const sizes = (values.size ?? ["100", "1000", "10000"]).flatMap((s) => s.split(",")).map(Number);
  const runs = values.runs ? Number(values.runs) : undefined;
  const seed = Number(values.seed);
  const results: CaseResult[] = [];
  const started = performance.now();

  for (const size of sizes) {
    const repo = generateRepo(size, seed);
    const makeSources = () => ({ base: new MemorySource(repo.base, "base"), head: new MemorySource(repo.head, "head") });
    results.push(await benchCase(`generated ${size}`, size, makeSources, runsFor(size, runs)));
    process.stderr.write(`  generated ${size}: done\n`);
  }
  if (!values["no-example"] && !values.size) {
    const example = resolve(here, "..", "..", "examples", "staging-containers");
    const makeSources = () => ({ base: new DirSource(join(example, "base"), "base"), head: new DirSource(join(example, "head"), "head") });
    results.push(await benchCase("example staging-containers", 0, makeSources, runs ?? 9));
  }

  const byName = new Map(results.map((r) => [r.jobs, r]));
  const big = byName.get(10000);
  const mid = byName.get(1000);
  const linearity = big && mid ? round(big.analyze.ms / mid.analyze.ms) : undefined;

  console.log(table(results));
  if (linearity !== undefined) console.log(`\nanalyze time ratio 10,000 ÷ 1,000 jobs: ${linearity} (linear ≈ 10)`);
  console.log(`bench took ${(performance.now() - started) / 1000 < 1 ? "<1" : Math.round((performance.now() - started) / 1000)} s`);

  const out = resolve(process.cwd(), values.out);
  const report = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: (await import("node:os")).cpus().length,
    contexts: benchContexts().length,
    seed,
    results,
    ...(linearity !== undefined ? { linearity10kOver1k: linearity } : {}),
  };
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${values.out}`);
}

await main();
