import type { ImageBuild } from "../containers/model.js";
import type { Decision } from "../gitlab-ci/pipeline.js";
import { namesThatMayDiffer, nonPredefinedNames } from "../gitlab-ci/simulate/job-variables.js";
import { jobsOf } from "./images.js";
import type { AnalysedJob, AnalysedPipeline, JobChange, JobField } from "./model.js";

/**
 * Jobs added, removed and changed between two simulations of one context. A pipeline that
 * is not created has no jobs, so losing the pipeline shows every job as removed.
 */
export function compareJobs(before: AnalysedPipeline, after: AnalysedPipeline): JobChange[] {
  const b = new Map(jobsOf(before).map((j) => [j.name, j]));
  const a = new Map(jobsOf(after).map((j) => [j.name, j]));
  const changes: JobChange[] = [];
  for (const [name, job] of b) if (!a.has(name)) changes.push({ job: name, kind: "removed", fields: [], before: job });
  for (const [name, job] of a) {
    const old = b.get(name);
    if (!old) {
      changes.push({ job: name, kind: "added", fields: [], after: job });
      continue;
    }
    // One object on both sides (a shared job result with the same builds): nothing differs.
    const fields = old === job ? [] : differingFields(old, job);
    if (fields.length > 0) changes.push({ job: name, kind: "changed", fields, before: old, after: job });
  }
  return changes.sort((x, y) => x.job.localeCompare(y.job));
}

interface FieldRenderer {
  field: JobField;
  render: (job: AnalysedJob) => string;
  /** True when the two jobs' inputs to `render` are the same, so it would say the same twice. */
  same: (a: AnalysedJob, b: AnalysedJob) => boolean;
}

const RENDERERS: FieldRenderer[] = [
  { field: "when", render: (j) => (j.when === "delayed" && j.startIn ? `delayed (${j.startIn})` : j.when), same: (a, b) => a.when === b.when && a.startIn === b.startIn },
  { field: "allowFailure", render: (j) => String(j.allowFailure), same: (a, b) => a.allowFailure === b.allowFailure },
  { field: "stage", render: (j) => j.stage, same: (a, b) => a.stage === b.stage },
  { field: "image", render: (j) => j.image?.ref.text ?? "(none)", same: (a, b) => a.image === b.image },
  {
    field: "needs",
    render: (j) => (j.needs === undefined ? "(stage order)" : j.needs.length === 0 ? "[]" : j.needs.join(", ")),
    same: (a, b) => a.needs === b.needs || (a.needs !== undefined && b.needs !== undefined && a.needs.length === b.needs.length && a.needs.every((n, i) => n === b.needs?.[i])),
  },
  { field: "decidedBy", render: (j) => describeDecision(j.decidedBy), same: (a, b) => a.decidedBy === b.decidedBy },
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
  if (vars) fields.push({ field: "variables", ...vars });
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
