import { imagesUsedBy, jobsOf, registryImageOf } from "../images.js";
import type { AnalysedPipeline } from "../model.js";
import type { Finding, HazardCheck } from "./check.js";
import { listNames } from "./watched.js";
import type { Pos } from "../../core/pos.js";
import { parseImageRef, sameImage } from "../../containers/image-ref.js";
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
    for (const { context, pipeline } of revision.runs) {
      const jobs = jobsOf(pipeline);
      if (jobs.length === 0) continue;
      const prefix = registryImageOf(pipeline);
      if (!prefix) continue;
      const builds = jobs.flatMap((j) => j.builds.map((b) => ({ image: b.image, isCertain: b.certainty !== "uncertain" && j.certainty !== "uncertain" })));
      // Some build may produce the image: surely (true and certain), or perhaps (anything else but false).
      const mayBeBuilt = buildLookup(builds.map((b) => b.image));
      const missing = new Map<string, { jobs: string[]; pos: Pos; isCertain: boolean }>();
      for (const job of jobs) {
        for (const image of imagesUsedBy(job)) {
          const ref = image.ref;
          if (!ref.known || !(ref.text === prefix || ref.text.startsWith(`${prefix}/`) || ref.text.startsWith(`${prefix}:`))) continue;
          if (mayBeBuilt(ref)) continue;
          const entry = missing.get(ref.text) ?? { jobs: [], pos: image.pos, isCertain: false };
          entry.jobs.push(job.name);
          if (job.certainty !== "uncertain") entry.isCertain = true;
          missing.set(ref.text, entry);
        }
      }
      if (missing.size === 0) continue;
      const images = [...missing.keys()].sort();
      const users = [...new Set([...missing.values()].flatMap((m) => m.jobs))].sort();
      const isPossible = ![...missing.values()].some((m) => m.isCertain);
      const others = publishers.filter((p) => p.name !== context.name);
      const isPushedElsewhere = (image: string) => others.some((p) => p.pushes.has(parseImageRef(image).normalized));
      const wanted = new Set(images.map((i) => parseImageRef(i).normalized));
      const publishedBy = others.filter((p) => [...wanted].some((i) => p.pushes.has(i))).map((p) => p.name);
      // Name who pushes what only for the images they do push: `staging` pushes `debian:latest`,
      // not `debian:staging-8-0` that no analysed pipeline publishes.
      const published = images.filter(isPushedElsewhere);
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
 * up in a set, and only builds with an unknown part are compared one by one. Each distinct
 * reference is answered once.
 */
function buildLookup(built: ResolvedText[]): (ref: ResolvedText) => boolean {
  const known = new Set<string>();
  const holed: ResolvedText[] = [];
  for (const image of built) {
    const parts = parseImageRef(image);
    if (parts.known) known.add(parts.normalized);
    else holed.push(image);
  }
  const answers = new Map<string, boolean>();
  return (ref) => {
    const key = `${ref.known ? "k" : "u"}${ref.unknowns.join(",")}\0${ref.text}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      const parts = parseImageRef(ref);
      answer = parts.known
        ? known.has(parts.normalized) || holed.some((b) => sameImage(b, ref) !== false)
        : built.some((b) => sameImage(b, ref) !== false);
      answers.set(key, answer);
    }
    return answer;
  };
}
