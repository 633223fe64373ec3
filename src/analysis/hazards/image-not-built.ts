import { ImageRefs, jobsOf, registryImageOf } from "../images.js";
import type { AnalysedJob, AnalysedPipeline } from "../model.js";
import type { Finding, HazardCheck } from "./check.js";
import { listNames, sortedNames } from "./watched.js";
import { sameImage } from "../../containers/image-ref.js";
import type { ResolvedImage, ResolvedText } from "../../gitlab-ci/pipeline.js";

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
    const table = new References(revision.imageRefs ?? new ImageRefs());
    const built = revision.runs.map(({ pipeline }) => buildsOf(pipeline, table));
    // Which runs surely push each reference, so that a missing image is looked up once, not once per other context.
    const pushedBy = new Map<number, number[]>();
    built.forEach((b, i) => {
      for (const normalized of b.certainPushes) {
        const by = pushedBy.get(normalized);
        if (by) by.push(i);
        else pushedBy.set(normalized, [i]);
      }
    });
    const publishing = new Array<boolean>(built.length);
    revision.runs.forEach(({ context, pipeline }, r) => {
      const jobs = jobsOf(pipeline);
      if (jobs.length === 0) return;
      const prefix = registryImageOf(pipeline);
      if (!prefix) return;
      const use = usesOf(jobs, prefix, built[r], table, pushedBy);
      if (use.users.length === 0) return;
      const images = sortedNames(use.missing);
      const users = distinct(sortedNames(use.users));
      const isPossible = use.isPossible;
      // The other contexts that push each image; named only for the images they do push: `staging`
      // pushes `debian:latest`, not `debian:staging-8-0` that no analysed pipeline publishes.
      publishing.fill(false);
      const publishedSet = new Set<string>();
      for (const [image, by] of use.pushed) {
        for (const i of by) {
          if (revision.runs[i]?.context.name === context.name) continue;
          publishing[i] = true;
          publishedSet.add(image);
        }
      }
      const published = publishedSet.size === 0 ? [] : images.filter((image) => publishedSet.has(image));
      const publishedBy: string[] = [];
      revision.runs.forEach((run, i) => {
        if (publishing[i]) publishedBy.push(run.context.name);
      });
      const pushers = `${listNames(publishedBy, 4)} push${publishedBy.length === 1 ? "es" : ""}`;
      const lastPushed = `in whatever ${publishedBy.length === 1 ? "that pipeline" : "they"} pushed last`;
      findings.push({
        key: isPossible ? `possible\0${context.name}` : context.name,
        possible: isPossible ? true : undefined,
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
        publishedBy: publishedBy.length > 0 ? publishedBy : undefined,
        source: use.state[table.idOfText(images[0])]?.pos,
      });
    });
    return findings;
  },
};

/**
 * The fully known references of one revision, numbered. A job's image is looked up by the object
 * (pipelines share image objects, and an object is found faster than a text), each text is
 * parsed once and each normalised form numbered once: per pipeline, what is known of a
 * reference is then an array slot, not a map entry.
 */
class References {
  private readonly byImage = new Map<ResolvedImage, number>();
  private readonly byText = new Map<string, number>();
  private readonly byNormalized = new Map<string, number>();
  /** Per reference id: its text and the first resolved text met (what a comparison reads is the same for all). */
  readonly texts: string[] = [];
  readonly refs: ResolvedText[] = [];
  private readonly normalizedIds: Array<number | undefined> = [];
  private readonly registries = new Map<string, Array<boolean | undefined>>();

  constructor(readonly parses: ImageRefs) {}

  /** The id of an image's reference; -1 when it has an unknown part (such an image is never called missing). */
  ofImage(image: ResolvedImage): number {
    let id = this.byImage.get(image);
    if (id === undefined) {
      id = image.ref.known ? this.ofText(image.ref) : -1;
      this.byImage.set(image, id);
    }
    return id;
  }

  idOfText(text: string): number {
    return this.byText.get(text) ?? -1;
  }

  /** The number of a reference's normalised form; -1 when its parse has an unknown part. */
  normalizedOf(id: number): number {
    let n = this.normalizedIds[id];
    if (n === undefined) {
      const parts = this.parses.parse(this.refs[id]);
      this.normalizedIds[id] = n = parts.known ? this.normalizedId(parts.normalized) : -1;
    }
    return n;
  }

  /** The number of a normalised reference. */
  normalizedId(normalized: string): number {
    let id = this.byNormalized.get(normalized);
    if (id === undefined) this.byNormalized.set(normalized, (id = this.byNormalized.size));
    return id;
  }

  /** Whether a reference is in the project's registry (`prefix` itself, or below it). */
  isIn(prefix: string, id: number): boolean {
    let ours = this.registries.get(prefix);
    if (!ours) this.registries.set(prefix, (ours = []));
    let is = ours[id];
    if (is === undefined) {
      const text = this.texts[id];
      ours[id] = is = text === prefix || (text.startsWith(prefix) && (text[prefix.length] === "/" || text[prefix.length] === ":"));
    }
    return is;
  }

  private ofText(ref: ResolvedText): number {
    let id = this.byText.get(ref.text);
    if (id === undefined) {
      this.byText.set(ref.text, (id = this.texts.length));
      this.texts.push(ref.text);
      this.refs.push(ref);
    }
    return id;
  }
}

/** What a pipeline builds: to tell whether a build may produce an image, and what it surely publishes. */
interface Builds {
  /** Per normalised reference (by its number): whether a fully known build makes it. */
  known: Uint8Array;
  /** Builds with an unknown part: each may be any image that `sameImage` does not rule out. */
  holed: ResolvedText[];
  all: ResolvedText[];
  /**
   * The normalised references the pipeline surely pushes (fully known, by a build and job that
   * surely run): only those are said to publish an image; a guess is not named.
   */
  certainPushes: Set<number>;
}

function buildsOf(pipeline: AnalysedPipeline, table: References): Builds {
  const known: number[] = [];
  const out: Builds = { known: new Uint8Array(0), holed: [], all: [], certainPushes: new Set() };
  for (const job of jobsOf(pipeline)) {
    for (const build of job.builds) {
      const parts = table.parses.parse(build.image);
      out.all.push(build.image);
      if (!parts.known) {
        out.holed.push(build.image);
        continue;
      }
      const normalized = table.normalizedId(parts.normalized);
      known.push(normalized);
      if (build.push && build.certainty !== "uncertain" && job.certainty !== "uncertain") out.certainPushes.add(normalized);
    }
  }
  // Numbers given later are of references this pipeline does not build (read as 0).
  out.known = new Uint8Array(known.reduce((max, n) => Math.max(max, n + 1), 0));
  for (const n of known) out.known[n] = 1;
  return out;
}

/** How a pipeline's jobs use the images of the project's registry that no build may produce. */
interface Uses {
  /** Per reference id: the image that first uses it when it is missing, null when it is not, undefined when unused. */
  state: Array<ResolvedImage | null | undefined>;
  /** The missing references, in the order they are first used. */
  missing: string[];
  /** The missing references some run surely pushes, with those runs. */
  pushed: Map<string, number[]>;
  /** The jobs that run in a missing image, in job order (a name once per job). */
  users: string[];
  /** Whether every one of those jobs only may run. */
  isPossible: boolean;
}

/**
 * The images of the project's registry (`prefix`) that jobs run in and no build may produce.
 * Each distinct reference is decided once per pipeline, then each job only looks its images up.
 */
function usesOf(jobs: AnalysedJob[], prefix: string, builds: Builds, table: References, pushedBy: ReadonlyMap<number, number[]>): Uses {
  const use: Uses = { state: new Array(table.texts.length), missing: [], pushed: new Map(), users: [], isPossible: true };
  const isMissing = (image: ResolvedImage): boolean => {
    const id = table.ofImage(image);
    if (id < 0) return false;
    const state = use.state[id];
    if (state !== undefined) return state !== null;
    let missed = false;
    if (table.isIn(prefix, id)) {
      const normalized = table.normalizedOf(id);
      missed = !mayBeBuilt(builds, table.refs[id], normalized);
      const by = missed && normalized >= 0 ? pushedBy.get(normalized) : undefined;
      if (by) use.pushed.set(table.texts[id], by);
    }
    use.state[id] = missed ? image : null;
    if (missed) use.missing.push(table.texts[id]);
    return missed;
  };
  for (const job of jobs) {
    // Every image of the job is looked at (not only up to the first missing one): where each is first used is kept.
    let uses = job.image !== undefined && isMissing(job.image);
    for (const service of job.services) if (isMissing(service)) uses = true;
    if (!uses) continue;
    use.users.push(job.name);
    if (job.certainty !== "uncertain") use.isPossible = false;
  }
  return use;
}

/**
 * `builds.some((b) => sameImage(b, ref) !== false)`, without comparing every job's image with
 * every build (thousands × thousands in a big pipeline): two fully known references are the same
 * image exactly when their normalised forms are equal (`sameImage`), so known builds are looked
 * up by that form (`normalized`: its number, -1 when the reference has an unknown part), and
 * only builds with an unknown part are compared one by one.
 */
function mayBeBuilt(builds: Builds, ref: ResolvedText, normalized: number): boolean {
  if (normalized < 0) return builds.all.some((b) => sameImage(b, ref) !== false);
  return builds.known[normalized] === 1 || builds.holed.some((b) => sameImage(b, ref) !== false);
}

/** A sorted list without repeats (two jobs of one name are one user, as a set of names has it). */
function distinct(sorted: string[]): string[] {
  let k = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[k - 1]) sorted[k++] = sorted[i] as string;
  sorted.length = k;
  return sorted;
}
