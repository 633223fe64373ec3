/**
 * Counters a caller may pass to the simulation to see how much work it did (the benchmark
 * reports rule evaluations per second). Optional and per call, never global: two analyses
 * running at once in the bot keep their own counts.
 */
export interface SimulateStats {
  /** `rules:` entries evaluated (job rules and workflow rules), across every context simulated. */
  ruleEvaluations: number;
  /** Pipelines simulated. */
  pipelines: number;
}

export function newSimulateStats(): SimulateStats {
  return { ruleEvaluations: 0, pipelines: 0 };
}
