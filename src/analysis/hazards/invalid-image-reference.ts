import { parseImageRef, refusedReference } from "../../containers/image-ref.js";
import type { Pos } from "../../core/pos.js";
import type { ResolvedText } from "../../gitlab-ci/pipeline.js";
import { jobsOf } from "../images.js";
import type { AnalysedJob } from "../model.js";
import type { Finding, HazardCheck } from "./check.js";

/**
 * Image references Docker refuses (distribution's reference grammar, "Docker image reference":
 * a tag is `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, a repository path is lower case, components
 * joined by `.`, `_`, `__` or dashes). A build, tag or push with one fails with "invalid
 * reference format", so nothing is pushed; a job image with one cannot be pulled. A ref name
 * put into a tag is the usual cause: `release/1.x` from `${{ github.ref_name }}` or
 * `$CI_COMMIT_REF_NAME`. One finding per context and reference, quoting the text it came from.
 */
export const invalidImageReference: HazardCheck = {
  kind: "invalid-image-reference",
  severity: "error",
  scope: "revision",
  check(revision) {
    const findings: Finding[] = [];
    const parse = (ref: ResolvedText) => (revision.imageRefs ? revision.imageRefs.parse(ref) : parseImageRef(ref));
    for (const { context, pipeline } of revision.runs) {
      for (const job of jobsOf(pipeline)) {
        const uncertainJob = job.certainty === "uncertain";
        const found = (ref: ResolvedText, what: string, written: string | undefined, pos: Pos, uncertain: boolean) => {
          const refused = refusedReference(ref, parse);
          if (refused === undefined) return;
          const from = written !== undefined && written.trim() !== ref.text ? ` It comes from \`${written.trim()}\`.` : "";
          findings.push({
            key: `${job.name}\0${what}\0${ref.text}\0${written ?? ""}`,
            message: `\`${ref.text}\` is not an image reference Docker accepts (${refused}): ${what} in \`${job.name}\` fails.${from}`,
            contexts: [context.name],
            images: [ref.text],
            jobs: [job.name],
            source: pos,
            ...(uncertain ? { possible: true as const } : {}),
          });
        };
        for (const b of job.builds) {
          found(b.image, b.push ? "the push" : "the build", b.written ?? scriptLineAt(job, b.pos), b.pos, uncertainJob || b.certainty === "uncertain");
        }
        if (job.image) found(job.image.ref, "pulling the job's image", job.image.raw, job.image.pos, uncertainJob);
        for (const s of job.services) found(s.ref, "pulling a service's image", s.raw, s.pos, uncertainJob);
      }
    }
    return findings;
  },
};

/** The script line a build was found on, as written. */
function scriptLineAt(job: AnalysedJob, pos: Pos): string | undefined {
  return [...job.beforeScript, ...job.script].find((l) => l.pos.file === pos.file && l.pos.line === pos.line)?.text;
}
