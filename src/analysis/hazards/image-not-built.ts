import { imagesUsedBy, jobsOf, registryImageOf } from "../images.js";
import type { AnalysedPipeline } from "../model.js";
import type { Finding, HazardCheck } from "./check.js";
import { listNames, sortedNames } from "./watched.js";
import type { Pos } from "../../core/pos.js";
import { parseImageRef, sameImage, type ImageRefParts } from "../../containers/image-ref.js";
import type { ResolvedText } from "../../gitlab-ci/pipeline.js";

/**
 * A job runs in an image of the project's own registry (`$CI_REGISTRY_IMAGE/...`) that no job of
 * the same pipeline builds: it gets whatever some other pipeline last pushed under that tag, or
 * fails to pull. Each build is compared with `sameImage`: a build that is that image (`true`) and
 * surely runs settles it; one that might be it (an unknown part, or a build or job that only may
 * run) means nothing is claimed for that image. A job that only may run makes the finding possible
 * (a notice). The finding names the other analysed contexts whose pipelines push that very
 * reference: the job runs in whatever the last of them pushed — QEMU's stable-branch job that
 * silently ran in a development-branch container.
 */
export const imageNotBuilt: HazardCheck = {
  kind: "image-not-built",
  severity: "warning",
  scope: "revision",
  check(revision) {
    const findings: Finding[] = [];
    const publishers = revision.runs.map(({ context, pipeline }) => ({ name: context.name, pushes: certainPushes(pipeline) }));
    // Which publishers push each reference, so that a missing image is looked up once, not once per other context.
    const pushedBy = new Map<string, number[]>();
    publishers.forEach((p, i) => {
      for (const normalized of p.pushes) {
        const by = pushedBy.get(normalized);
        if (by) by.push(i);
        else pushedBy.set(normalized, [i]);
      }
    });
    for (const { context, pipeline } of revision.runs) {
      const jobs = jobsOf(pipeline);
      if (jobs.length === 0) continue;
      const prefix = registryImageOf(pipeline);
      if (!prefix) continue;
      const inRegistry = [`${prefix}/`, `${prefix}:`];
      // Some build may produce the image: surely (true and certain), or perhaps (anything else but false).
      const mayBeBuilt = buildLookup(jobs.flatMap((j) => j.builds.map((b) => b.image)));
      // Each distinct reference is looked at once: null when a build may produce it, else where it
      // is first used and its normalised form. Then the jobs that use a missing one, and whether one
      // of them surely runs.
      const seen = new Map<string, { pos: Pos; normalized: string } | null>();
      const userSet = new Set<string>();
      let isPossible = true;
      for (const job of jobs) {
        for (const image of imagesUsedBy(job)) {
          const ref = image.ref;
          if (!ref.known || !(ref.text === prefix || inRegistry.some((p) => ref.text.startsWith(p)))) continue;
          let entry = seen.get(ref.text);
          if (entry === undefined) {
            const parts = parseImageRef(ref);
            entry = mayBeBuilt(ref, parts) ? null : { pos: image.pos, normalized: parts.normalized };
            seen.set(ref.text, entry);
          }
          if (entry === null) continue;
          userSet.add(job.name);
          if (job.certainty !== "uncertain") isPossible = false;
        }
      }
      const missing = new Map<string, { pos: Pos; normalized: string }>();
      for (const [text, entry] of seen) if (entry) missing.set(text, entry);
      if (missing.size === 0) continue;
      const images = sortedNames(missing.keys());
      const users = sortedNames(userSet);
      // The other contexts that push each image.
      const pushedElsewhere = images.map((image) => {
        const normalized = missing.get(image)?.normalized;
        return (normalized === undefined ? [] : (pushedBy.get(normalized) ?? [])).filter((i) => publishers[i]?.name !== context.name);
      });
      const publishing = new Set(pushedElsewhere.flat());
      const publishedBy = publishers.filter((_, i) => publishing.has(i)).map((p) => p.name);
      // Name who pushes what only for the images they do push: `staging` pushes `debian:latest`,
      // not `debian:staging-8-0` that no analysed pipeline publishes.
      const published = images.filter((_, k) => (pushedElsewhere[k]?.length ?? 0) > 0);
      const pushers = `${listNames(publishedBy, 4)} push${publishedBy.length === 1 ? "es" : ""}`;
      const lastPushed = `in whatever ${publishedBy.length === 1 ? "that pipeline" : "they"} pushed last`;
      findings.push({
        key: isPossible ? `possible\0${context.name}` : context.name,
        ...(isPossible ? { possible: true as const } : {}),
        message:
          `on \`${context.name}\`, ${users.length === 1 ? "1 job" : `${users.length} jobs`}` +
          `${isPossible ? " that may run would run" : users.length === 1 ? " runs" : " run"} in ` +
          `${listNames(images, 2)}, which no job of this pipeline builds` +
          (published.length === 0
            ? `: they use whatever another pipeline last pushed under that tag, or fail to pull it.`
            : published.length === images.length
              ? `; ${pushers} ${images.length === 1 ? "it" : "them"}: ${users.length === 1 ? "the job runs" : "these jobs run"} ${lastPushed}.`
              : `; ${pushers} ${listNames(published, 2)}: jobs using ${published.length === 1 ? "it" : "them"} run ${lastPushed}; ` +
                `no analysed pipeline pushes the other${images.length - published.length === 1 ? "" : "s"}: ` +
                `jobs using ${images.length - published.length === 1 ? "it" : "them"} get whatever was last pushed under that tag, or fail to pull it.`),
        contexts: [context.name],
        images,
        jobs: users,
        ...(publishedBy.length > 0 ? { publishedBy } : {}),
        source: missing.get(images[0])!.pos,
      });
    }
    return findings;
  },
};

/**
 * The normalised references a pipeline surely pushes (fully known, by a build and job that
 * surely run): only those are said to publish an image; a guess is not named.
 */
function certainPushes(pipeline: AnalysedPipeline): Set<string> {
  const out = new Set<string>();
  for (const job of jobsOf(pipeline)) {
    if (job.certainty === "uncertain") continue;
    for (const build of job.builds) {
      if (!build.push || build.certainty === "uncertain") continue;
      const parts = parseImageRef(build.image);
      if (parts.known) out.add(parts.normalized);
    }
  }
  return out;
}

/**
 * `builds.some((b) => sameImage(b, ref) !== false)`, without comparing every job's image with
 * every build (thousands × thousands in a big pipeline): two fully known references are the same
 * image exactly when their normalised forms are equal (`sameImage`), so known builds are looked
 * up in a set, and only builds with an unknown part are compared one by one. Takes the
 * reference's parse, which the caller has.
 */
function buildLookup(built: ResolvedText[]): (ref: ResolvedText, parts: ImageRefParts) => boolean {
  const known = new Set<string>();
  const holed: ResolvedText[] = [];
  for (const image of built) {
    const parts = parseImageRef(image);
    if (parts.known) known.add(parts.normalized);
    else holed.push(image);
  }
  return (ref, parts) =>
    parts.known ? known.has(parts.normalized) || holed.some((b) => sameImage(b, ref) !== false) : built.some((b) => sameImage(b, ref) !== false);
}
