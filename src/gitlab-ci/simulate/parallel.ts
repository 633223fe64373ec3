import { error, type Diagnostic } from "../../core/diagnostic.js";
import type { JobDef, ParallelDef } from "../model.js";
import type { VarEntry } from "./variable-entry.js";

/** GitLab's limit on `parallel: N` and on `parallel:matrix` permutations (ci/yaml#parallel). */
export const MAX_PARALLEL = 200;

/** One job GitLab creates from a job definition. */
export interface JobInstance {
  /** `build 2/3`, `test: [debian, amd64]`, or the key itself. */
  name: string;
  baseName: string;
  /** The permutation's variables (origin "matrix"). */
  matrix: VarEntry[];
  /** CI_NODE_INDEX (1-based), only with `parallel`. */
  nodeIndex?: number;
  /** CI_NODE_TOTAL: 1 without `parallel`. */
  nodeTotal: number;
}

/**
 * The permutations of a matrix, in GitLab's order (Normalizer::MatrixStrategy.expand): entry
 * by entry, each the cartesian product of its variables in the order written.
 */
export function matrixPermutations(matrix: Array<Array<{ name: string; values: string[] }>>): Array<Array<[string, string]>> {
  const out: Array<Array<[string, string]>> = [];
  for (const entry of matrix) {
    let perms: Array<Array<[string, string]>> = [[]];
    for (const { name, values } of entry) {
      const next: Array<Array<[string, string]>> = [];
      for (const p of perms) for (const v of values) next.push([...p, [name, v]]);
      perms = next;
      // Stop early: a hostile matrix must not allocate billions of rows before the limit check.
      if (perms.length > MAX_PARALLEL) break;
    }
    out.push(...perms);
    if (out.length > MAX_PARALLEL) break;
  }
  return out;
}

/** `job: [v1, v2]` — the values joined by ", " inside brackets (MatrixStrategy#name). */
export function matrixJobName(baseName: string, permutation: Array<[string, string]>): string {
  return `${baseName}: [${permutation.map(([, v]) => v).join(", ")}]`;
}

/** `job 2/5` (NumberStrategy#name). */
export function numberedJobName(baseName: string, index: number, total: number): string {
  return `${baseName} ${index}/${total}`;
}

export function parallelNames(baseName: string, parallel: ParallelDef): string[] {
  if (parallel.matrix) return matrixPermutations(parallel.matrix).map((p) => matrixJobName(baseName, p));
  const total = parallel.count ?? 1;
  return Array.from({ length: Math.min(total, MAX_PARALLEL) }, (_, i) => numberedJobName(baseName, i + 1, total));
}

export function expandParallel(job: JobDef): { instances: JobInstance[]; errors: Diagnostic[] } {
  const parallel = job.parallel;
  if (!parallel) return { instances: [{ name: job.name, baseName: job.name, matrix: [], nodeTotal: 1 }], errors: [] };
  if (parallel.matrix) {
    const perms = matrixPermutations(parallel.matrix);
    if (perms.length > MAX_PARALLEL) {
      return {
        instances: [],
        errors: [error("matrix-limit", `${job.name}: parallel:matrix generates too many jobs (maximum is ${MAX_PARALLEL})`, parallel.pos)],
      };
    }
    return {
      instances: perms.map((p, i) => ({
        name: matrixJobName(job.name, p),
        baseName: job.name,
        matrix: p.map(([name, value]) => ({ name, raw: value, expand: true, origin: "matrix" as const, pos: parallel.pos })),
        nodeIndex: i + 1,
        nodeTotal: perms.length,
      })),
      errors: [],
    };
  }
  const total = parallel.count ?? 1;
  if (total < 1 || total > MAX_PARALLEL || !Number.isInteger(total)) {
    return { instances: [], errors: [error("invalid-value", `${job.name}: parallel must be a number between 1 and ${MAX_PARALLEL}`, parallel.pos)] };
  }
  return {
    instances: Array.from({ length: total }, (_, i) => ({
      name: numberedJobName(job.name, i + 1, total),
      baseName: job.name,
      matrix: [],
      nodeIndex: i + 1,
      nodeTotal: total,
    })),
    errors: [],
  };
}
