import { refusedReference } from "../../containers/image-ref.js";
import { formatDiagnostic } from "../../core/diagnostic.js";
import { plural } from "../../core/plural.js";
import { formatPos } from "../../core/pos.js";
import type { Decision, Pipeline } from "../../gitlab-ci/pipeline.js";
import { nonPredefinedTexts } from "../../gitlab-ci/simulate/job-variables.js";
import { describeUnknownInput } from "../../gitlab-ci/unknown-input.js";
import { describeAllowFailure } from "../../gitlab-ci/allow-failure.js";
import type { ExplainablePipeline } from "../../report/explain.js";

/** The ref, its pipeline source and the project, e.g. `branch main (push) in acme/app`. */
export function describeRef(p: Pipeline): string {
  const r = p.context.ref;
  const ref = r.kind === "mr" ? `merge request ${r.source} → ${r.target}` : `${r.kind} ${r.name}`;
  const { path, pathUnknown } = p.context.project;
  return `${ref} (${p.context.source}) in ${pathUnknown === undefined ? path : "a project whose path is not known"}`;
}

function formatReads(reads: Record<string, string | null>): string {
  const parts = Object.entries(reads).map(([k, v]) => `${k}=${v === null ? "null" : JSON.stringify(v)}`);
  return parts.length ? ` [saw ${parts.join(", ")}]` : "";
}

function describeDecision(d: Decision): string {
  if (d.rule) {
    // The deciding rule's own row (an uncertain job may be shown decided by an earlier rule).
    const last = d.trace.find((t) => t.index === d.rule?.index) ?? d.trace[d.trace.length - 1];
    const cond = d.rule.if ? `if: ${d.rule.if}` : "no if: (always matches)";
    return `rule ${d.rule.index + 1} at ${formatPos(d.rule.pos)} — ${cond}${last ? formatReads(last.reads) : ""}`;
  }
  return d.explanation ?? d.kind;
}

/** The other rules that may decide, when the deciding one is not sure to. */
function uncertainNote(d: Decision): string {
  const unknown = d.trace.filter((t) => t.result === "unknown" && t.index !== d.rule?.index);
  const own = d.trace.find((t) => t.result === "unknown" && t.index === d.rule?.index);
  const lines = own?.note ? [`      decides only if it matches — ${own.note}\n`] : [];
  for (const t of unknown) {
    const detail = `${t.if ? ` (if: ${t.if})` : ""}${t.note ? ` — ${t.note}` : ""}`;
    lines.push(`      ${own ? "otherwise" : "unless"} rule ${t.index + 1} at ${formatPos(t.pos)} ${own ? "may decide" : "matches"}${detail}\n`);
  }
  return lines.join("");
}

/** `simulate`'s text output: the pipeline, stage by stage, each job with why it is there. */
export function renderPipelineText(p: ExplainablePipeline): string {
  const lines: string[] = [];
  lines.push(`Pipeline for ${describeRef(p)}`);
  if (p.workflow) lines.push(`  workflow: ${describeDecision(p.workflow)}`);
  const maybe = p.creation === "uncertain" ? ` — uncertain: GitLab may ${p.created ? "not " : ""}create it` : "";
  if (!p.created) {
    lines.push(`  NOT CREATED (${p.notCreated?.reason ?? "unknown"}): ${p.notCreated?.message ?? ""}${p.notCreated?.pos ? ` [${formatPos(p.notCreated.pos)}]` : ""}${maybe}`);
  } else {
    lines.push(`  created: ${plural(p.jobs.length, "job")} in ${plural(p.stages.length, "stage")}${maybe}`);
  }
  if (p.certainty === "uncertain") lines.push("  some decisions depend on values not known statically (marked \"uncertain\")");
  if (p.unknownInputs.length) lines.push(`  unknown: ${p.unknownInputs.map(describeUnknownInput).join(" · ")}`);
  if (p.assumedUnset.length) lines.push(`  assumed unset: ${p.assumedUnset.join(", ")} (defined nowhere: GitLab treats them as unset)`);
  if (p.workflow) lines.push(...uncertainNote(p.workflow).split("\n").filter(Boolean));
  const pv = nonPredefinedTexts(p.variables);
  if (Object.keys(pv).length) lines.push(`  variables: ${Object.entries(pv).map(([k, v]) => `${k}=${v}`).join(" · ")}`);
  for (const stage of p.stages) {
    const jobs = p.jobs.filter((j) => j.stage === stage);
    lines.push("", `== ${stage} (${jobs.length})`);
    for (const job of jobs) {
      lines.push(`  ${job.name}${job.presence === "uncertain" ? "  (may not be in the pipeline)" : job.certainty === "uncertain" ? "  (uncertain)" : ""}`);
      const facts = [`when: ${job.when}${job.startIn ? ` (in ${job.startIn})` : ""}`, `allow_failure: ${describeAllowFailure(job)}`];
      if (job.trigger) facts.push(`triggers ${job.trigger.kind} pipeline ${job.trigger.target}`);
      else if (job.image) facts.push(`image: ${job.image.ref.text}`);
      lines.push(`      ${facts.join(" · ")}`);
      lines.push(`      why: ${describeDecision(job.decidedBy)}`);
      const note = uncertainNote(job.decidedBy);
      if (note) lines.push(note.replace(/\n$/, ""));
      if (job.unknownInputs?.length) lines.push(`      depends on: ${job.unknownInputs.map(describeUnknownInput).join(" · ")}`);
      const own = Object.entries(job.variables).filter(([, v]) => v.origin === "job" || v.origin === "rule" || v.origin === "matrix");
      if (own.length) lines.push(`      variables: ${own.map(([k, v]) => `${k}=${v.value.text}${v.origin === "job" ? "" : ` (${v.origin})`}`).join(" · ")}`);
      if (job.needs) lines.push(`      needs: ${job.needs.length ? job.needs.join(", ") : "[] (starts at once)"}`);
      for (const b of job.builds ?? []) {
        const refused = refusedReference(b.image);
        lines.push(
          `      ${b.push ? "pushes" : "builds"}: ${b.image.text}${b.certainty === "uncertain" ? " (uncertain)" : ""}${b.dockerfile ? ` from ${b.dockerfile.text}` : ""}` +
            (refused ? ` — Docker refuses this reference (${refused}): the ${b.push ? "push" : "build"} fails` : ""),
        );
      }
    }
  }
  if (p.excluded.length) {
    lines.push("", `Not added (${p.excluded.length}):`);
    for (const e of p.excluded) lines.push(`  ${e.name}${e.presence === "uncertain" ? " (may be in the pipeline)" : e.certainty === "uncertain" ? " (uncertain)" : ""} — ${describeDecision(e.decidedBy)}`);
  }
  if (p.errors.length || p.warnings.length) {
    lines.push("");
    for (const d of [...p.errors, ...p.warnings]) lines.push(formatDiagnostic(d));
  }
  return `${lines.join("\n")}\n`;
}
