/**
 * What the server's analysis worker adds (app/isolation/analysis-pool.ts), as medians:
 *
 *   npm run build && node dist/bench/worker.js [--runs 7]
 *
 * (the bundled worker, dist/cli/analysis-worker.js, as `serve` runs it)
 *
 * - start-up: a new pool's first analysis of a one-job configuration (the thread starts and
 *   loads the engine) against the same analysis in the process;
 * - warm: the next analyses on the same worker, against the process;
 * - the generated 1,000-job configuration on a warm worker (reads by message, the plain view of
 *   the result and its copy back) against the process.
 */
import { parseArgs } from "node:util";
import { analyze, type AnalyzeInput } from "../src/analysis/analyze.js";
import { AnalysisPool, DEFAULT_ANALYSIS_BUDGETS } from "../src/app/isolation/analysis-pool.js";
import { MemorySource } from "../src/core/memory-source.js";
import { generateRepo } from "./generate.js";
import { benchSettings } from "./settings.js";

const { values } = parseArgs({ options: { runs: { type: "string" } } });
// The worker as the server starts it: the bundled entry beside the bundled CLI.
const WORKER = new URL("../cli/analysis-worker.js", import.meta.url);
const runs = Number(values.runs ?? 7);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
async function time(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await f();
  return performance.now() - start;
}

const tiny = (): AnalyzeInput => ({
  base: new MemorySource({ ".gitlab-ci.yml": "build:\n  script: make\n" }),
  head: new MemorySource({ ".gitlab-ci.yml": "build:\n  script: make all\n" }),
  settings: benchSettings(),
});
const repo = generateRepo(1000);
const big = (): AnalyzeInput => ({ base: new MemorySource(repo.base), head: new MemorySource(repo.head), settings: benchSettings() });

const first: number[] = [];
const warm: number[] = [];
const inProcess: number[] = [];
await analyze(tiny());
for (let i = 0; i < runs; i++) {
  const pool = new AnalysisPool(1, DEFAULT_ANALYSIS_BUDGETS, WORKER);
  first.push(await time(() => pool.analyze(tiny())));
  warm.push(await time(() => pool.analyze(tiny())));
  inProcess.push(await time(() => analyze(tiny())));
  await pool.close();
}
const pool = new AnalysisPool(1, DEFAULT_ANALYSIS_BUDGETS, WORKER);
await pool.analyze(big());
const bigWorker: number[] = [];
const bigProcess: number[] = [];
for (let i = 0; i < Math.min(runs, 3); i++) {
  bigWorker.push(await time(() => pool.analyze(big())));
  bigProcess.push(await time(() => analyze(big())));
}
await pool.close();
const ms = (x: number) => `${x.toFixed(1)} ms`;
console.log(`one-job analysis, first on a new worker: ${ms(median(first))}; warm worker: ${ms(median(warm))}; in the process: ${ms(median(inProcess))}`);
console.log(`worker start-up adds ${ms(median(first) - median(inProcess))} (median of ${runs})`);
console.log(`1,000 jobs: warm worker ${ms(median(bigWorker))}, in the process ${ms(median(bigProcess))}: ×${(median(bigWorker) / median(bigProcess)).toFixed(2)}`);
