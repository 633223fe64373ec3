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
}

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
  if (combinations.length > MATRIX_JOB_LIMIT) {
    errors.push(`the matrix makes ${combinations.length} jobs; GitHub allows at most ${MATRIX_JOB_LIMIT}`);
  }
  return { combinations, errors };
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
