import type { ImageBuild } from "../containers/model.js";
import type { Decision, JobRunning } from "../gitlab-ci/pipeline.js";
import { namesThatMayDiffer, nonPredefinedNames } from "../gitlab-ci/simulate/job-variables.js";
import { jobsOf } from "./images.js";
import type { AnalysedJob, AnalysedPipeline, JobChange, JobField } from "./model.js";
import { describeAllowFailure } from "../gitlab-ci/allow-failure.js";

/** What a comparison of one context finds: changes a user sees, and rule changes with the same outcome. */
export interface JobComparison {
  changes: JobChange[];
  redecided: JobChange[];
}

/**
 * Jobs added, removed and changed between two simulations of one context. A job is changed only
 * when something a user sees differs (`OUTCOME_FIELDS`); a job that runs exactly as before but is
 * decided by another rule (QEMU's `"qemu-project"` that became `$QEMU_CI_UPSTREAM`) is listed in
 * `redecided`, a detail that is not counted as a change. A pipeline that is not created has no
 * jobs, so losing the pipeline shows every job as removed. `names`: pass one to every comparison
 * of an analysis, so that its job names are ranked once, not per context.
 */
export function compareJobs(before: AnalysedPipeline, after: AnalysedPipeline, names: JobNames = new JobNames()): JobComparison {
  const bj = jobsOf(before);
  const aj = jobsOf(after);
  // Both revisions list most jobs in one order: pair the common head and tail by position, and
  // look up by name only what lies between (a lookup per job was a large part of the comparison).
  // Only when no name is listed twice (a GitHub job's `name:` may be): the lookup by name then
  // pairs the last job of each name, as it always has.
  let head = 0;
  let tail = 0;
  if (names.unique(bj) && names.unique(aj)) {
    const shorter = Math.min(bj.length, aj.length);
    while (head < shorter && bj[head].name === aj[head].name) head++;
    while (tail < shorter - head && bj[bj.length - 1 - tail].name === aj[aj.length - 1 - tail].name) tail++;
  }
  const b = new Map<string, AnalysedJob>();
  for (let i = head; i < bj.length - tail; i++) b.set(bj[i].name, bj[i]);
  const a = new Map<string, AnalysedJob>();
  for (let i = head; i < aj.length - tail; i++) a.set(aj[i].name, aj[i]);

  const changes: JobChange[] = [];
  const redecided: JobChange[] = [];
  // A job that only may be there, on either side, is only possibly added or removed.
  const creationUncertain = before.creation === "uncertain" || after.creation === "uncertain";
  let mayStay: Set<string> | undefined;
  const removedMaybe = (job: AnalysedJob) =>
    creationUncertain || job.presence === "uncertain" || (mayStay ??= new Set(after.excluded.filter((e) => e.presence === "uncertain").map((e) => e.name))).has(job.name);
  for (const [name, job] of b) {
    if (!a.has(name)) changes.push({ job: name, kind: "removed", fields: [], before: job, ...(removedMaybe(job) ? { uncertain: true as const } : {}) });
  }
  const compare = (old: AnalysedJob, job: AnalysedJob) => {
    // One object on both sides (a shared job result with the same builds): nothing differs.
    if (old === job) return;
    const fields = differingFields(old, job);
    if (fields.length === 0) return;
    const change: JobChange = { job: job.name, kind: "changed", fields, before: old, after: job };
    (fields.some((f) => OUTCOME_FIELDS.has(f.field)) ? changes : redecided).push(change);
  };
  for (let i = 0; i < head; i++) compare(bj[i], aj[i]);
  for (const [name, job] of a) {
    const old = b.get(name);
    if (old) compare(old, job);
    else changes.push({ job: name, kind: "added", fields: [], after: job, ...(creationUncertain || job.presence === "uncertain" ? { uncertain: true as const } : {}) });
  }
  for (let k = tail; k > 0; k--) compare(bj[bj.length - k], aj[aj.length - k]);
  return { changes: names.sort(changes), redecided: names.sort(redecided) };
}

/**
 * What a user sees of a job: whether and when it runs, whether it may fail, its stage, image,
 * what it pushes, what it waits for (`needs`, the pipeline graph) and the values of its
 * variables. Which rule decided it is how, not what: with every one of these the same, another
 * deciding rule is a detail.
 */
const OUTCOME_FIELDS: ReadonlySet<JobField> = new Set<JobField>(["when", "allowFailure", "stage", "image", "needs", "builds", "variables", "presence"]);

/**
 * The job names of an analysis: their order, and which job lists are known to name each job once.
 *
 * Changes are listed in `localeCompare` order of their job names. Most jobs of a big configuration
 * change in every context when a top-level variable their images read does, so sorting each
 * context's changes with `localeCompare` compared every name many times over; the names of an
 * analysis are ranked once instead (names that compare equal share a rank, and the sort is
 * stable, so the order is the one `localeCompare` gives).
 */
export class JobNames {
  private rank = new Map<string, number>();
  /** Recent job lists found to name each job once: most pipelines of a revision list the same names. */
  private readonly uniqueLists: AnalysedJob[][] = [];

  /** Whether no two jobs of `jobs` have one name. */
  unique(jobs: AnalysedJob[]): boolean {
    for (const known of this.uniqueLists) if (sameNames(known, jobs)) return true;
    const seen = new Set<string>();
    for (const j of jobs) seen.add(j.name);
    if (seen.size !== jobs.length) return false;
    if (this.uniqueLists.length >= RECENT_LISTS) this.uniqueLists.shift();
    this.uniqueLists.push(jobs);
    return true;
  }

  sort(changes: JobChange[]): JobChange[] {
    if (changes.length < 2) return changes;
    let missing = false;
    for (const c of changes) if (!this.rank.has(c.job)) missing = true;
    if (missing) this.rerank(changes);
    const ranks = new Float64Array(changes.length);
    for (let i = 0; i < changes.length; i++) ranks[i] = this.rank.get(changes[i].job) ?? 0;
    const index = Array.from(changes, (_c, i) => i);
    index.sort((x, y) => ranks[x] - ranks[y] || x - y);
    return index.map((i) => changes[i]);
  }

  private rerank(changes: JobChange[]): void {
    const names = new Set(this.rank.keys());
    for (const c of changes) names.add(c.job);
    const sorted = [...names].sort((x, y) => x.localeCompare(y));
    const rank = new Map<string, number>();
    let r = 0;
    sorted.forEach((name, i) => {
      if (i > 0 && sorted[i - 1].localeCompare(name) !== 0) r++;
      rank.set(name, r);
    });
    this.rank = rank;
  }
}

/** Job lists remembered as naming each job once: base and head. */
const RECENT_LISTS = 4;

function sameNames(x: AnalysedJob[], y: AnalysedJob[]): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i].name !== y[i].name) return false;
  return true;
}

interface FieldRenderer {
  field: JobField;
  render: (job: AnalysedJob) => string;
  /** True when the two jobs' inputs to `render` are the same, so it would say the same twice. */
  same: (a: AnalysedJob, b: AnalysedJob) => boolean;
}

/** `shown`, then each other way the job may run (`mayRunAs`) that reads differently: `on_success or manual`. */
function withOtherWays(j: AnalysedJob, describe: (r: JobRunning) => string, shown: string): string {
  if (!j.mayRunAs) return shown;
  const ways = new Set([shown]);
  for (const other of j.mayRunAs) ways.add(describe(other));
  return [...ways].join(" or ");
}

const RENDERERS: FieldRenderer[] = [
  {
    field: "when",
    render: (j) => withOtherWays(j, (r) => r.when, j.when === "delayed" && j.startIn ? `delayed (${j.startIn})` : j.when),
    same: (a, b) => a.when === b.when && a.startIn === b.startIn && a.mayRunAs === b.mayRunAs,
  },
  {
    field: "allowFailure",
    render: (j) => withOtherWays(j, describeAllowFailure, describeAllowFailure(j)),
    same: (a, b) => a.allowFailure === b.allowFailure && String(a.allowFailureExitCodes) === String(b.allowFailureExitCodes) && a.mayRunAs === b.mayRunAs,
  },
  { field: "stage", render: (j) => j.stage, same: (a, b) => a.stage === b.stage },
  { field: "image", render: (j) => j.image?.ref.text ?? "(none)", same: (a, b) => a.image === b.image },
  {
    field: "needs",
    render: (j) => (j.needs === undefined ? "(stage order)" : j.needs.length === 0 ? "[]" : j.needs.join(", ")),
    same: (a, b) => a.needs === b.needs || (a.needs !== undefined && b.needs !== undefined && a.needs.length === b.needs.length && a.needs.every((n, i) => n === b.needs?.[i])),
  },
  { field: "decidedBy", render: (j) => describeDecision(j.decidedBy), same: (a, b) => a.decidedBy === b.decidedBy },
  // A job that surely ran and now only may (or the other way round) has changed, even when it runs alike.
  { field: "presence", render: (j) => (j.presence === "uncertain" ? "may not run" : "runs"), same: (a, b) => a.presence === b.presence },
  { field: "builds", render: (j) => describeBuilds(j.builds), same: (a, b) => a.builds === b.builds || (a.builds.length === 0 && b.builds.length === 0) },
];

/**
 * Variables count only when one the job had before now has another value: a variable that is
 * merely added (a new top-level variable reaches every job) shows through its effects, in the
 * image, the builds and the rule outcome. A changed value matters on its own, e.g. an image tag
 * passed to an external template (`FDO_DISTRIBUTION_TAG`) the analysis cannot read.
 */
function differingFields(before: AnalysedJob, after: AnalysedJob): JobChange["fields"] {
  const fields: JobChange["fields"] = [];
  for (const { field, render, same } of RENDERERS) {
    // Most jobs differ in nothing: compare what a field is made of before rendering it.
    if (same(before, after)) continue;
    const x = render(before);
    const y = render(after);
    if (x !== y) fields.push({ field, before: x, after: y });
  }
  const vars = changedVariableValues(before, after);
  if (vars) fields.push({ field: "variables", before: vars.before, after: vars.after });
  return fields;
}

/**
 * The deciding rule in words, without its line or index: inserting a rule above shifts both,
 * yet the job is decided the same way, and that is not a change a maintainer needs to see.
 */
export function describeDecision(d: Decision): string {
  switch (d.kind) {
    case "rules":
    case "workflow": {
      if (!d.rule) return "no rule matched";
      const cond = d.rule.if === undefined ? "(no if:)" : `if: ${d.rule.if}`;
      return d.rule.when ? `${cond} → ${d.rule.when}` : cond;
    }
    case "only-except":
      return d.explanation ?? "only/except";
    case "default":
      return "no rules (default)";
  }
}

function describeBuilds(builds: ImageBuild[]): string {
  if (builds.length === 0) return "(none)";
  return builds
    .map((b) => `${b.push ? "push" : "build"} ${b.image.text}${b.dockerfile ? ` from ${b.dockerfile.text}` : ""}`)
    .sort()
    .join("; ");
}

function changedVariableValues(before: AnalysedJob, after: AnalysedJob): { before: string; after: string } | undefined {
  // The same job result on both sides (SimulationShare): nothing to compare, and enumerating
  // would build every variable of a job that only reads a few.
  if (before.variables === after.variables) return undefined;
  const x: string[] = [];
  const y: string[] = [];
  // Only the names whose values may differ: reading the others would resolve them for nothing.
  const names = namesThatMayDiffer(before.variables, after.variables) ?? nonPredefinedNames(after.variables);
  for (const name of names.sort()) {
    const vb = before.variables[name];
    const va = after.variables[name];
    if (!vb || vb.origin === "predefined" || va.origin === "predefined") continue;
    if (vb.value.text === va.value.text) continue;
    x.push(`${name}=${vb.value.text}`);
    y.push(`${name}=${va.value.text}`);
  }
  // One `NAME=value` per line: values hold spaces (`CONFIGURE_ARGS=--a --b`), so a space between
  // two variables would read as part of the first value.
  return x.length > 0 ? { before: x.join("\n"), after: y.join("\n") } : undefined;
}
