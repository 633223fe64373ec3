import { normalizeImageRef } from "../../containers/image-ref.js";
import type { Pos } from "../../core/pos.js";
import { jobsOf } from "../images.js";
import type { AnalysedPipeline, BranchContext } from "../model.js";
import type { Finding, HazardCheck } from "./check.js";
import { listNames } from "./watched.js";

/**
 * What a pipeline builds from: the project and the commit of a branch, tag or MR source.
 * Two contexts with different content can run at the same time; pushing one image reference,
 * the later push wins and the other pipeline's jobs run in the wrong image (the QEMU bug).
 * An MR pipeline builds its source branch, so it does not collide with that branch's push.
 */
function contentIdentity(c: BranchContext): string {
  const ref = c.ref;
  if (ref.kind === "mr") return `${ref.sourceProject ?? c.project.path}\0branch\0${ref.source}`;
  return `${c.project.path}\0${ref.kind}\0${ref.name}`;
}

/** Known pushed references → first push position. Unknown references never collide for certain. */
function knownPushes(pipeline: AnalysedPipeline): Map<string, { pos: Pos; jobs: string[] }> {
  const out = new Map<string, { pos: Pos; jobs: string[] }>();
  for (const job of jobsOf(pipeline)) {
    for (const b of job.builds) {
      if (!b.push || !b.image.known) continue;
      // Normalised, so `reg/x` and `reg/x:latest` are one reference, as Docker reads them.
      const ref = normalizeImageRef(b.image.text);
      const entry = out.get(ref) ?? { pos: b.pos, jobs: [] };
      if (!entry.jobs.includes(job.name)) entry.jobs.push(job.name);
      out.set(ref, entry);
    }
  }
  return out;
}

export const imageTagCollision: HazardCheck = {
  kind: "image-tag-collision",
  severity: "error",
  scope: "revision",
  check(revision) {
    const runs = revision.runs.map((r) => ({ ...r, pushes: knownPushes(r.pipeline) }));
    const findings: Finding[] = [];
    for (let i = 0; i < runs.length; i++) {
      for (let j = i + 1; j < runs.length; j++) {
        const a = runs[i];
        const b = runs[j];
        if (contentIdentity(a.context) === contentIdentity(b.context)) continue;
        const shared = [...a.pushes.keys()].filter((ref) => b.pushes.has(ref)).sort();
        if (shared.length === 0) continue;
        const jobs = [...new Set(shared.flatMap((ref) => [...a.pushes.get(ref)!.jobs, ...b.pushes.get(ref)!.jobs]))].sort();
        const names = [a.context.name, b.context.name];
        findings.push({
          key: names.slice().sort().join("\0"),
          message:
            `\`${a.context.name}\` and \`${b.context.name}\` push the same image reference` +
            `${shared.length > 1 ? `s (${shared.length})` : ""}: ${listNames(shared, 2)}. ` +
            `When both pipelines run at once, the later push overwrites the other's image and ` +
            `its jobs run in a container built from the other branch.`,
          contexts: names,
          images: shared,
          jobs,
          source: b.pushes.get(shared[0])!.pos,
        });
      }
    }
    return findings;
  },
};
