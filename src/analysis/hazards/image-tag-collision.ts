import { normalizeImageRef, parseImageRef, sameImage } from "../../containers/image-ref.js";
import type { ResolvedText } from "../../gitlab-ci/pipeline.js";
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

/** One pushed reference of a pipeline, and whether the push surely happens there. */
interface Push {
  image: ResolvedText;
  job: string;
  pos: Pos;
  /** False when the build or its job only may run (`certainty: "uncertain"`). */
  isCertain: boolean;
}

function pushesOf(pipeline: AnalysedPipeline): Push[] {
  const out: Push[] = [];
  for (const job of jobsOf(pipeline)) {
    for (const b of job.builds) {
      if (!b.push) continue;
      out.push({ image: b.image, job: job.name, pos: b.pos, isCertain: b.certainty !== "uncertain" && job.certainty !== "uncertain" });
    }
  }
  return out;
}

/**
 * Two contexts collide for certain only when `sameImage` says `true` (normalised, so `reg/x` and
 * `reg/x:latest` are one reference, as Docker reads them) and both pushes surely run. When a
 * reference has an unknown part that could make the two equal (`sameImage` → "unknown"), or a
 * push only may run, the collision is possible: reported separately, as a notice.
 */
export const imageTagCollision: HazardCheck = {
  kind: "image-tag-collision",
  severity: "error",
  scope: "revision",
  check(revision) {
    const runs = revision.runs.map((r) => ({ ...r, pushes: pushesOf(r.pipeline) }));
    const findings: Finding[] = [];
    for (let i = 0; i < runs.length; i++) {
      for (let j = i + 1; j < runs.length; j++) {
        const a = runs[i];
        const b = runs[j];
        if (contentIdentity(a.context) === contentIdentity(b.context)) continue;
        const definite = new Collisions();
        const possible = new Collisions();
        const candidates = candidatePairs(b.pushes);
        for (const pa of a.pushes) {
          for (const pb of candidates(pa.image)) {
            const same = sameImage(pa.image, pb.image);
            if (same === false) continue;
            if (same === true && pa.isCertain && pb.isCertain) definite.add(normalizeImageRef(pa.image.text), pa, pb);
            else possible.add(same === true ? normalizeImageRef(pa.image.text) : pairText(pa.image.text, pb.image.text), pa, pb);
          }
        }
        const names = [a.context.name, b.context.name];
        const key = names.slice().sort().join("\0");
        if (definite.size > 0) {
          const shared = definite.refs();
          findings.push({
            key,
            message:
              `\`${a.context.name}\` and \`${b.context.name}\` push the same image reference` +
              `${shared.length > 1 ? `s (${shared.length})` : ""}: ${listNames(shared, 2)}. ` +
              `When both pipelines run at once, the later push overwrites the other's image and ` +
              `its jobs run in a container built from the other branch.`,
            contexts: names,
            images: shared,
            jobs: definite.jobs(),
            source: definite.firstPos(),
          });
        }
        if (possible.size > 0) {
          const shared = possible.refs();
          findings.push({
            key: `possible\0${key}`,
            message:
              `\`${a.context.name}\` and \`${b.context.name}\` may push the same image reference` +
              `${shared.length > 1 ? `s (${shared.length})` : ""}: ${listNames(shared, 2)}. ` +
              `Part of a reference is unknown here, or the push only may run; if they are equal and both ` +
              `pipelines run at once, the later push overwrites the other's image.`,
            contexts: names,
            images: shared,
            jobs: possible.jobs(),
            source: possible.firstPos(),
            possible: true,
          });
        }
      }
    }
    return findings;
  },
};

/** `a` when both read the same, else `a ≟ b`. */
function pairText(a: string, b: string): string {
  return a === b ? a : `${a} ≟ ${b}`;
}

class Collisions {
  private readonly byRef = new Map<string, { jobs: Set<string>; pos: Pos }>();
  get size(): number {
    return this.byRef.size;
  }
  add(ref: string, a: Push, b: Push): void {
    const entry = this.byRef.get(ref) ?? { jobs: new Set<string>(), pos: b.pos };
    entry.jobs.add(a.job).add(b.job);
    this.byRef.set(ref, entry);
  }
  refs(): string[] {
    return [...this.byRef.keys()].sort();
  }
  jobs(): string[] {
    return [...new Set([...this.byRef.values()].flatMap((e) => [...e.jobs]))].sort();
  }
  firstPos(): Pos {
    return this.byRef.get(this.refs()[0])!.pos;
  }
}

/**
 * The pushes of `pushes` that may be the same image as a given one, in their order, without
 * comparing every push of one pipeline with every push of another (thousands × thousands in a
 * big pipeline): two fully known references are the same image exactly when their normalised
 * forms are equal (`sameImage`), so those are looked up by that form; pushes with an unknown part
 * stay candidates for every image, and an image with an unknown part is compared with all.
 */
function candidatePairs(pushes: Push[]): (image: ResolvedText) => Push[] {
  const byNormalized = new Map<string, number[]>();
  const holed: number[] = [];
  pushes.forEach((p, i) => {
    const parts = parseImageRef(p.image);
    if (!parts.known) holed.push(i);
    else byNormalized.set(parts.normalized, [...(byNormalized.get(parts.normalized) ?? []), i]);
  });
  return (image) => {
    const parts = parseImageRef(image);
    if (!parts.known) return pushes;
    const indexes = [...(byNormalized.get(parts.normalized) ?? []), ...holed].sort((x, y) => x - y);
    return indexes.map((i) => pushes[i] as Push);
  };
}
