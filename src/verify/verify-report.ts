import type { BranchContext } from "../analysis/model.js";
import { CHECK_OUTCOMES, type CheckOutcome, type RunCheck } from "./compare-run.js";

/**
 * `ci-explain verify`'s answer for one project: per ref it checked (the default branch, the
 * branches the analysis would choose, the latest tag), every comparison it could make.
 */
export interface VerifyReport {
  platform: "gitlab" | "github";
  /** `group/project` or `owner/repo`. */
  project: string;
  url?: string;
  refs: VerifiedRef[];
  /** What could not be done for the project as a whole. */
  notes: string[];
}

export interface VerifiedRef {
  name: string;
  kind: "branch" | "tag";
  /** The ref's commit when it was read. */
  sha?: string;
  /** Why this ref: the default branch, a rule that tests it, the latest tag, asked for. */
  why: string;
  checks: RunCheck[];
  /** What could not be read or compared for this ref, in a sentence each. */
  notes: string[];
}

/** A ref to verify and why it was chosen. */
export interface ChosenRef {
  name: string;
  kind: "branch" | "tag";
  why: string;
}

/**
 * The branches among `contexts` (as the analysis chooses them) that really exist in the
 * project: a made-up name for a rule's pattern has no pipelines to compare with.
 */
export function chosenBranches(contexts: readonly BranchContext[], project: string, existing: ReadonlySet<string>): { refs: ChosenRef[]; notes: string[] } {
  const refs: ChosenRef[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const c of contexts) {
    if (c.ref.kind !== "branch" || c.project.path !== project || seen.has(c.ref.name)) continue;
    seen.add(c.ref.name);
    const why = whyChosen(c);
    if (existing.has(c.ref.name)) refs.push({ name: c.ref.name, kind: "branch", why });
    else if (c.origin.kind !== "fork") notes.push(`${c.ref.name} (${why}) is not a branch of ${project}: nothing ran there to compare with`);
  }
  return { refs, notes };
}

function whyChosen(c: BranchContext): string {
  switch (c.origin.kind) {
    case "default-branch":
      return "the default branch";
    case "rule-literal":
      return `tested at ${c.origin.pos.file}:${c.origin.pos.line}`;
    case "rule-regex":
      return `matches ${c.origin.pattern} (${c.origin.pos.file}:${c.origin.pos.line})`;
    case "configured":
      return "a context of .ci-explain.yml";
    default:
      return "chosen by the analysis";
  }
}

/** Job comparisons over the whole report, by outcome. */
export function verifyTotals(report: VerifyReport): Record<CheckOutcome, number> {
  const totals = Object.fromEntries(CHECK_OUTCOMES.map((o) => [o, 0])) as Record<CheckOutcome, number>;
  for (const ref of report.refs) {
    for (const check of ref.checks) {
      for (const o of CHECK_OUTCOMES) totals[o] += check.counts[o];
    }
  }
  return totals;
}

/** Whether some certain prediction was wrong: `verify` then exits non-zero. */
export function hasWrongPrediction(report: VerifyReport): boolean {
  return report.refs.some((r) => r.checks.some((c) => c.pipeline.outcome === "differed" || c.counts.differed > 0));
}
