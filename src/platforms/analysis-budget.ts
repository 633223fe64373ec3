/** Which of an analysis' budgets ran out: its wall-clock time or its heap. */
export type AnalysisBudget = "time" | "memory";

/**
 * An analysis stopped because it ran past its budget (a hostile or simply enormous change):
 * the check or status says so, and the service goes on with the next change.
 */
export class AnalysisBudgetExceeded extends Error {
  override readonly name = "AnalysisBudgetExceeded";
  constructor(
    readonly budget: AnalysisBudget,
    /** The budget as the operator set it, e.g. "120 s" or "1024 MiB of heap". */
    readonly limit: string,
  ) {
    super(`analysis exceeded its budget (${budget}: ${limit})`);
  }
}
