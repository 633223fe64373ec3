/**
 * Job results shared between simulations. An analysis simulates base and head in the same ten
 * contexts, and most jobs are the same in both: a job whose definition is structurally equal (same
 * text, same file and line) in a pipeline whose job-independent inputs are equal (context,
 * predefined, top-level and workflow variables, `workflow:rules` present, the file list for
 * `exists:`) gets exactly the same result, so it is computed once and the result object is reused.
 * That also lets the comparison skip a job whose two sides are the same object.
 *
 * One share per analysis: keys hold whole definitions, so a long-lived share would only grow.
 */
export class SimulationShare<T> {
  private readonly pipelines = new Map<string, Map<string, T>>();
  private readonly jobKeys = new WeakMap<object, string>();

  /** The results of one pipeline's jobs, keyed by what the jobs do not decide themselves. */
  pipeline(inputs: unknown): Map<string, T> {
    const key = JSON.stringify(inputs);
    let jobs = this.pipelines.get(key);
    if (!jobs) this.pipelines.set(key, (jobs = new Map()));
    return jobs;
  }

  /** A job definition's structural key (computed once per loaded definition). */
  jobKey(job: object): string {
    let key = this.jobKeys.get(job);
    if (key === undefined) this.jobKeys.set(job, (key = JSON.stringify(job)));
    return key;
  }
}
