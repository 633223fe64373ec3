import { Unknown } from "./expr/value.js";

/**
 * `strategy.matrix` expansion exactly as "Running variations of jobs in a workflow"
 * (docs.github.com) describes it:
 * 1. every combination of the dimensions, the first key varying slowest;
 * 2. `exclude` removes combinations it partly matches (all of its keys equal);
 * 3. then each `include` entry is added to every ORIGINAL combination whose original
 *    dimension values it does not overwrite (values added by earlier includes may be
 *    overwritten); an entry that fits no original combination becomes a new one. New
 *    combinations are never extended by later include entries.
 * GitHub caps a matrix at 256 jobs per workflow run.
 */
export const MATRIX_JOB_LIMIT = 256;

export type MatrixValue = unknown;
export type Combination = Record<string, MatrixValue>;

export interface MatrixExpansion {
  combinations: Combination[];
  /** Set when the matrix (or a dimension) comes from an expression that cannot be known. */
  unknown?: string[];
  errors: string[];
  /** The matrix makes more than MATRIX_JOB_LIMIT jobs: GitHub fails the job, none of its combinations runs. */
  exceeded?: true;
}

/**
 * Combinations worked out one by one at most: a matrix of more (before `exclude`) whose size
 * `exclude` might still bring under the limit is left unknown rather than built.
 */
const MAX_COMBINATIONS_BUILT = 65_536;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

/** Include/exclude values compare as YAML wrote them: `14` and `'14'` differ. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "string" && typeof b === "string") return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * `matrix` is the plain value after `${{ }}` substitution; any part that could not be
 * known is an `Unknown`.
 */
export function expandMatrix(matrix: unknown): MatrixExpansion {
  if (matrix instanceof Unknown) return { combinations: [], unknown: [...matrix.reasons], errors: [] };
  if (!isRecord(matrix)) return { combinations: [], errors: ["strategy.matrix must be a mapping"] };
  const errors: string[] = [];
  const dims: Array<[string, unknown[]]> = [];
  let include: unknown[] = [];
  let exclude: unknown[] = [];
  const unknowns: string[] = [];
  for (const [key, value] of Object.entries(matrix)) {
    if (value instanceof Unknown) {
      unknowns.push(...value.reasons);
      continue;
    }
    if (key === "include" || key === "exclude") {
      if (!Array.isArray(value)) {
        errors.push(`strategy.matrix.${key} must be a list of mappings`);
        continue;
      }
      if (key === "include") include = value;
      else exclude = value;
      continue;
    }
    if (!Array.isArray(value)) {
      errors.push(`strategy.matrix.${key} must be a list`);
      continue;
    }
    if (value.length === 0) {
      errors.push(`strategy.matrix.${key} is an empty list`);
      continue;
    }
    dims.push([key, value]);
  }
  if (unknowns.length) return { combinations: [], unknown: unknowns, errors };

  // The size from the counts first: ten keys of ten values are 10^10 combinations, never built.
  // `exclude` removes at most what each of its entries matches; if the rest is still over the
  // limit, GitHub's answer is certain. `include` only adds.
  let product = dims.length ? 1 : 0;
  for (const [, values] of dims) product *= values.length;
  if (product > MATRIX_JOB_LIMIT) {
    let excludedAtMost = 0;
    for (const ex of exclude) excludedAtMost += isRecord(ex) ? matchedAtMost(ex, dims, product) : 0;
    if (product - excludedAtMost > MATRIX_JOB_LIMIT) return { combinations: [], errors, exceeded: true };
    if (product > MAX_COMBINATIONS_BUILT) {
      return { combinations: [], unknown: [`${product.toLocaleString("en")} combinations before exclude, too many to work out`], errors };
    }
  }

  // 1. The cartesian product. No dimensions at all gives no base combination (only includes).
  let base: Combination[] = dims.length ? [{}] : [];
  for (const [key, values] of dims) {
    const next: Combination[] = [];
    for (const c of base) for (const v of values) next.push({ ...c, [key]: v });
    base = next;
  }

  // 2. Exclusions: a partial match is enough.
  const dimKeys = new Set(dims.map(([k]) => k));
  for (const ex of exclude) {
    if (!isRecord(ex)) {
      errors.push("each strategy.matrix.exclude entry must be a mapping");
      continue;
    }
    for (const k of Object.keys(ex)) {
      if (!dimKeys.has(k)) errors.push(`strategy.matrix.exclude: '${k}' is not a matrix key`);
    }
    base = base.filter((c) => !Object.entries(ex).every(([k, v]) => k in c && deepEqual(c[k], v)));
  }

  // 3. Inclusions.
  const extra: Combination[] = [];
  for (const inc of include) {
    if (!isRecord(inc)) {
      errors.push("each strategy.matrix.include entry must be a mapping");
      continue;
    }
    let added = false;
    for (let i = 0; i < base.length; i++) {
      const c = base[i];
      const fits = Object.entries(inc).every(([k, v]) => !dimKeys.has(k) || deepEqual(c[k], v));
      if (fits) {
        base[i] = { ...c, ...inc };
        added = true;
      }
    }
    if (!added) extra.push({ ...inc });
  }
  const combinations = [...base, ...extra];
  if (combinations.length > MATRIX_JOB_LIMIT) return { combinations: [], errors, exceeded: true };
  return { combinations, errors };
}

/** How many of the `product` combinations one `exclude` entry can match: its keys' matching values, times every other dimension. */
function matchedAtMost(ex: Record<string, unknown>, dims: Array<[string, unknown[]]>, product: number): number {
  let matched = product;
  for (const [key, values] of dims) {
    if (!(key in ex)) continue;
    matched = (matched / values.length) * values.filter((v) => deepEqual(v, ex[key])).length;
  }
  return matched;
}

/**
 * GitHub's own error for a matrix over the limit, as a run shows it: "Error when evaluating
 * 'strategy' for job '<id>'. <file> (Line: <n>, Col: <n>): Strategy expansion exceeded 256
 * results for job '<id>'".
 */
export function matrixLimitMessage(jobId: string, file: string, line: number, col: number | undefined): string {
  return `Error when evaluating 'strategy' for job '${jobId}'. ${file} (Line: ${line}, Col: ${col ?? 1}): Strategy expansion exceeded ${MATRIX_JOB_LIMIT} results for job '${jobId}'`;
}

/** The text GitHub shows for one matrix value in a job name. */
function valueText(v: MatrixValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/**
 * The job name GitHub shows for a matrix job without a `name:`: `build (ubuntu-latest, 20)`,
 * the combination's values in order (include-added values too).
 */
export function matrixJobName(base: string, combo: Combination): string {
  const values = Object.values(combo).map(valueText);
  return values.length ? `${base} (${values.join(", ")})` : base;
}
