/**
 * Job results shared between simulations. An analysis simulates base and head in the same ten
 * contexts, and most jobs are the same in both: a job whose definition is structurally equal (same
 * text, same file and line) in a pipeline whose job-independent inputs are equal (context,
 * predefined, top-level and workflow variables, `workflow:rules` present, the file list for
 * `exists:`) gets exactly the same result, so it is computed once and the result object is reused.
 * That also lets the comparison skip a job whose two sides are the same object.
 *
 * One share per analysis (structural keys hold whole definitions). The results of the pipelines
 * used longest ago are dropped beyond `maxResults`: an analysis reuses a result between the two
 * revisions of one context, simulated one after the other, and a big configuration's results for
 * every context would otherwise stay alive until the analysis ends.
 */
export class SimulationShare<T> {
  private readonly pipelines = new Map<string, SharedJobs<T>>();
  private readonly jobKeys = new WeakMap<object, string>();

  constructor(private readonly maxResults = 20_000) {}

  /**
   * The results of one pipeline's jobs, keyed by what the jobs do not decide themselves;
   * `config` holds the job definitions, in the order the results are asked for.
   */
  pipeline(inputs: unknown, config: { readonly jobs: readonly object[] }): SharedJobs<T> {
    const key = exactKey(inputs);
    let jobs = this.pipelines.get(key);
    if (jobs) this.pipelines.delete(key);
    else jobs = new SharedJobs((job) => this.jobKey(job));
    // The most recently used last; the oldest are dropped first.
    let kept = 0;
    for (const other of this.pipelines.values()) kept += other.size;
    for (const [oldKey, old] of this.pipelines) {
      if (kept <= this.maxResults) break;
      this.pipelines.delete(oldKey);
      kept -= old.size;
    }
    this.pipelines.set(key, jobs);
    jobs.usedBy(config);
    return jobs;
  }

  /** A job definition's structural key (computed once per loaded definition). */
  private jobKey(job: object): string {
    let key = this.jobKeys.get(job);
    if (key === undefined) this.jobKeys.set(job, (key = JSON.stringify(job)));
    return key;
  }
}

/**
 * The job results of pipelines with equal inputs, by configuration and position (the same
 * definition object is the same definition). The structural key, one `JSON.stringify` of the
 * whole definition, is computed only once a second configuration (another revision, or a
 * context's re-load) simulates with these inputs: only then can an equal definition be another
 * object.
 */
export class SharedJobs<T> {
  private readonly byConfig = new Map<object, { jobs: readonly object[]; results: Array<T | undefined> }>();
  private byStructure: Map<string, T> | undefined;
  private count = 0;
  /** The last configuration asked about and its entry: a pipeline asks about one, job after job. */
  private lastConfig: object | undefined;
  private lastEntry: { jobs: readonly object[]; results: Array<T | undefined> } | undefined;

  constructor(private readonly structuralKey: (job: object) => string) {}

  /** How many results are kept. */
  get size(): number {
    return this.count;
  }

  usedBy(config: { readonly jobs: readonly object[] }): void {
    if (this.byConfig.has(config)) return;
    this.byConfig.set(config, { jobs: config.jobs, results: [] });
    this.lastConfig = undefined;
    if (this.byConfig.size === 2) {
      const byStructure = (this.byStructure = new Map());
      for (const { jobs, results } of this.byConfig.values()) {
        results.forEach((result, i) => {
          const job = jobs[i];
          if (result !== undefined && job) byStructure.set(this.structuralKey(job), result);
        });
      }
    }
  }

  private entryOf(config: object): { jobs: readonly object[]; results: Array<T | undefined> } | undefined {
    if (config !== this.lastConfig) {
      this.lastConfig = config;
      this.lastEntry = this.byConfig.get(config);
    }
    return this.lastEntry;
  }

  /** The result for the `index`th job of `config` (which `usedBy` has seen). */
  get(config: object, index: number): T | undefined {
    const mine = this.entryOf(config);
    const hit = mine?.results[index];
    if (hit !== undefined || !this.byStructure) return hit;
    const job = mine?.jobs[index];
    return job ? this.byStructure.get(this.structuralKey(job)) : undefined;
  }

  set(config: object, index: number, result: T): void {
    const mine = this.entryOf(config);
    if (!mine) return;
    if (mine.results[index] === undefined) this.count++;
    mine.results[index] = result;
    const job = mine.jobs[index];
    if (this.byStructure && job) this.byStructure.set(this.structuralKey(job), result);
  }
}

/**
 * `JSON.stringify` leaves out a property whose value is `undefined`, so `{ X: undefined }` (a
 * variable the context unsets) and `{}` (a context that says nothing of it) would be one key, and
 * two pipelines that differ by an unset variable would share their jobs' results. An `undefined`
 * is written as an object with a key no input has (variable names are letters, digits and `_`).
 */
export function exactKey(inputs: unknown): string {
  return JSON.stringify(inputs, (_key, value: unknown) => (value === undefined ? UNDEFINED : value));
}

const UNDEFINED = { "\u0000undefined": true };
