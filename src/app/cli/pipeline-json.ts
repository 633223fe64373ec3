import { refusedReference } from "../../containers/image-ref.js";
import type { ImageBuild } from "../../containers/model.js";
import { diagnosticJson, type Diagnostic } from "../../core/diagnostic.js";
import { formatPos } from "../../core/pos.js";
import type { Decision, Pipeline, PipelineJob, UnknownInput } from "../../gitlab-ci/pipeline.js";
import { nonPredefinedTexts } from "../../gitlab-ci/simulate/job-variables.js";

/*
 * A simulated pipeline as JSON (`simulate --format json`, and each side of `analyze --format
 * json`), each job with the images it builds and pushes when they were looked for. A module of
 * its own: `analyze` loads it while git starts.
 */

/** A job of a pipeline whose builds were looked for (`analyze`, `simulate`). */
type JobWithBuilds = PipelineJob & { builds?: ImageBuild[] };

function buildJson(b: ImageBuild) {
  return {
    image: b.image.text,
    dockerfile: b.dockerfile?.text ?? null,
    push: b.push,
    tool: b.tool,
    known: b.image.known,
    certainty: b.certainty ?? "certain",
    /** Why Docker refuses the reference (the step fails, nothing is pushed), else null. */
    refused: refusedReference(b.image) ?? null,
    line: formatPos(b.pos),
  };
}

function decidedByJson(d: Decision, fallback: { file: string; line: number }) {
  if (d.rule) return { kind: d.kind, file: d.rule.pos.file, line: d.rule.pos.line, index: d.rule.index, if: d.rule.if ?? null, when: d.rule.when ?? null };
  const pos = d.trace[0]?.pos ?? fallback;
  return { kind: d.kind, file: pos.file, line: pos.line, index: null, if: null, explanation: d.explanation ?? null };
}

/** An unknown input, with the place of an unread include. */
function unknownJson(u: UnknownInput) {
  if (u.kind === "include") return { kind: u.kind, include: u.include, why: u.why, file: u.pos.file, line: u.pos.line };
  return u;
}

function jobJson(job: JobWithBuilds) {
  return {
    name: job.name,
    stage: job.stage,
    when: job.when,
    allowFailure: job.allowFailure,
    ...(job.allowFailureExitCodes ? { allowFailureExitCodes: job.allowFailureExitCodes } : {}),
    ...(job.mayRunAs ? { mayRunAs: job.mayRunAs } : {}),
    ...(job.startIn ? { startIn: job.startIn } : {}),
    image: job.image ? job.image.ref.text : null,
    services: job.services.map((s) => s.ref.text),
    variables: nonPredefinedTexts(job.variables),
    needs: job.needs ?? null,
    source: { file: job.source.file, line: job.source.line },
    decidedBy: decidedByJson(job.decidedBy, job.source),
    certainty: job.certainty,
    presence: job.presence,
    ...(job.unknownInputs ? { unknownInputs: job.unknownInputs.map(unknownJson) } : {}),
    ...(job.trigger ? { trigger: job.trigger } : {}),
    ...(job.builds ? { builds: job.builds.map(buildJson) } : {}),
  };
}

export function pipelineJson(p: Omit<Pipeline, "jobs"> & { jobs: JobWithBuilds[] }) {
  const diag = (d: Diagnostic) => diagnosticJson(d);
  return {
    pipeline: {
      created: p.created,
      creation: p.creation,
      certainty: p.certainty ?? "certain",
      unknownInputs: p.unknownInputs.map(unknownJson),
      assumedUnset: p.assumedUnset,
      ...(p.notCreated ? { notCreated: { reason: p.notCreated.reason, message: p.notCreated.message, file: p.notCreated.pos?.file ?? null, line: p.notCreated.pos?.line ?? null } } : {}),
      ref: p.context.ref,
      source: p.context.source,
      project: p.context.project.pathUnknown === undefined ? p.context.project.path : null,
      workflow: p.workflow ? decidedByJson(p.workflow, { file: "", line: 0 }) : null,
      stages: p.stages,
      variables: nonPredefinedTexts(p.variables),
    },
    jobs: p.jobs.map(jobJson),
    excluded: p.excluded.map((e) => ({
      name: e.name,
      source: { file: e.source.file, line: e.source.line },
      decidedBy: decidedByJson(e.decidedBy, e.source),
      certainty: e.certainty,
      presence: e.presence,
      ...(e.unknownInputs ? { unknownInputs: e.unknownInputs.map(unknownJson) } : {}),
    })),
    errors: p.errors.map(diag),
    warnings: p.warnings.map(diag),
  };
}
