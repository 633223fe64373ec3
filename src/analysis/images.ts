import type { ResolvedImage, ResolvedText } from "../gitlab-ci/pipeline.js";
import { parseImageRef, type ImageRefParts } from "../containers/image-ref.js";
import type { AnalysedJob, AnalysedPipeline, ImageChange } from "./model.js";

/** Jobs of a pipeline that exists (a pipeline that is not created runs nothing). */
export function jobsOf(pipeline: AnalysedPipeline): AnalysedJob[] {
  return pipeline.created ? pipeline.jobs : [];
}

/** Every image a job runs in: its `image:` and its `services:`. */
export function imagesUsedBy(job: AnalysedJob): ResolvedImage[] {
  return job.image ? [job.image, ...job.services] : job.services;
}

/** Full references a pipeline pushes, with the jobs that push each. */
export function pushedRefs(pipeline: AnalysedPipeline): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const job of jobsOf(pipeline)) {
    for (const build of job.builds) {
      if (!build.push) continue;
      const jobs = out.get(build.image.text) ?? [];
      if (!jobs.includes(job.name)) jobs.push(job.name);
      out.set(build.image.text, jobs);
    }
  }
  return out;
}

/**
 * What the image comparisons of one analysis share (pass one to every `compareImages` of it).
 * References: thousands of jobs run in a few thousand references, each parsed once even when an
 * analysis holds more than parseImageRef keeps; a parse depends on the text and on whether the
 * reference has holes. Repository facts: the pipelines of one revision run the same images in
 * most contexts, so a pipeline whose jobs run and build exactly what a recent one's do reuses
 * that one's facts (and their comparison) instead of going through its jobs again.
 */
export class ImageRefs {
  /** Facts of recent pipelines, with what they were made from. */
  readonly recent: Array<{ jobs: AnalysedJob[]; ownPrefix: string | undefined; facts: Map<string, RepoFacts> }> = [];
  /** Comparisons by the facts of both sides. */
  readonly compared = new WeakMap<Map<string, RepoFacts>, WeakMap<Map<string, RepoFacts>, ImageChange[]>>();

  private readonly known = new Map<string, ImageRefParts>();
  private readonly holed = new Map<string, ImageRefParts>();
  /**
   * The same, by the reference object: a job's image is one object in every context that reads
   * the same values, and a lookup by identity does not compare long texts.
   */
  private readonly byRef = new WeakMap<ResolvedText, ImageRefParts>();

  parse(ref: ResolvedText): ImageRefParts {
    let parts = this.byRef.get(ref);
    if (parts) return parts;
    const seen = ref.known ? this.known : this.holed;
    parts = seen.get(ref.text);
    if (!parts) seen.set(ref.text, (parts = parseImageRef(ref)));
    this.byRef.set(ref, parts);
    return parts;
  }
}

interface RepoFacts {
  tags: Set<string>;
  builtBy: Set<string>;
  dockerfiles: Set<string>;
  usedBy: Set<string>;
}

/**
 * What one pipeline does with each image repository it builds: the tags it pushes, the jobs
 * that build it and from which recipe, and the jobs that run inside it. Repositories nobody
 * in the pipeline builds are listed only when the pipeline uses one in `registryPrefix` (the
 * project's own registry), so that "runs in an image nobody here builds" is visible.
 */
function repositoryFacts(pipeline: AnalysedPipeline, registryPrefix: string | undefined, refs: ImageRefs): Map<string, RepoFacts> {
  const jobs = jobsOf(pipeline);
  const ownPrefix = registryPrefix === undefined ? undefined : `${registryPrefix}/`;
  for (const r of refs.recent) if (r.ownPrefix === ownPrefix && sameImageUse(r.jobs, jobs)) return r.facts;
  const facts = factsOf(jobs, ownPrefix, refs);
  if (refs.recent.length >= RECENT_FACTS) refs.recent.shift();
  refs.recent.push({ jobs, ownPrefix, facts });
  return facts;
}

/** Pipelines remembered for their facts: base and head of the last two contexts. */
const RECENT_FACTS = 4;

/** Whether two job lists have the same names, running and building the same objects, in order. */
function sameImageUse(x: AnalysedJob[], y: AnalysedJob[]): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (a === b) continue;
    if (a.name !== b.name || a.image !== b.image || a.builds !== b.builds || a.services.length !== b.services.length) return false;
    for (let k = 0; k < a.services.length; k++) if (a.services[k] !== b.services[k]) return false;
  }
  return true;
}

function factsOf(jobs: AnalysedJob[], ownPrefix: string | undefined, refs: ImageRefs): Map<string, RepoFacts> {
  const facts = new Map<string, RepoFacts>();
  const entry = (repository: string): RepoFacts => {
    let f = facts.get(repository);
    if (!f) {
      f = { tags: new Set(), builtBy: new Set(), dockerfiles: new Set(), usedBy: new Set() };
      facts.set(repository, f);
    }
    return f;
  };
  for (const job of jobs) {
    for (const build of job.builds) {
      const { repository, tag, digest, path } = refs.parse(build.image);
      // `app:release/1.x`: Docker refuses a tag with a `/`, so nothing is pushed under it (the
      // invalid-image-reference hazard says so), and its split would name a repository `1.x`.
      if (path.includes(":")) continue;
      const f = entry(repository);
      f.builtBy.add(job.name);
      if (build.push) f.tags.add(tag ?? digest ?? "latest");
      if (build.dockerfile) f.dockerfiles.add(build.dockerfile.text);
    }
  }
  // Whether a repository is listed, once per repository: thousands of jobs run in a few.
  const listed = new Map<string, RepoFacts | null>();
  const use = (image: ResolvedImage, job: string) => {
    const { repository } = refs.parse(image.ref);
    let f = listed.get(repository);
    if (f === undefined) {
      f = (ownPrefix !== undefined && repository.startsWith(ownPrefix)) || facts.has(repository) ? entry(repository) : null;
      listed.set(repository, f);
    }
    f?.usedBy.add(job);
  };
  // Not through imagesUsedBy: a pipeline has thousands of jobs, and that would be an array each.
  for (const job of jobs) {
    if (job.image) use(job.image, job.name);
    for (const service of job.services) use(service, job.name);
  }
  return facts;
}

/**
 * Per image repository, before and after: tags pushed, builders, recipes and users.
 * Builders, recipes and users come from the after side when the repository is still there.
 */
export function compareImages(
  before: AnalysedPipeline,
  after: AnalysedPipeline,
  registryPrefix: { before?: string; after?: string },
  refs: ImageRefs = new ImageRefs(),
): ImageChange[] {
  const b = repositoryFacts(before, registryPrefix.before, refs);
  const a = repositoryFacts(after, registryPrefix.after, refs);
  let byAfter = refs.compared.get(b);
  const known = byAfter?.get(a);
  // Each context gets its own objects; the sorted lists in them are shared.
  if (known) return known.map((c) => ({ ...c }));
  const changes = imageChanges(b, a);
  if (!byAfter) refs.compared.set(b, (byAfter = new WeakMap()));
  byAfter.set(a, changes);
  return changes.map((c) => ({ ...c }));
}

function imageChanges(b: Map<string, RepoFacts>, a: Map<string, RepoFacts>): ImageChange[] {
  const repositories = [...new Set([...b.keys(), ...a.keys()])].sort();
  return repositories.map((repository) => {
    const fb = b.get(repository);
    const fa = a.get(repository);
    const current = fa ?? fb;
    return {
      repository,
      tagsBefore: sorted(fb?.tags),
      tagsAfter: sorted(fa?.tags),
      builtBy: sorted(current?.builtBy),
      dockerfiles: sorted(current?.dockerfiles),
      usedBy: sorted(fa?.usedBy),
    };
  });
}

/** `$CI_REGISTRY_IMAGE` as the pipeline sees it, when it is known. */
export function registryImageOf(pipeline: AnalysedPipeline): string | undefined {
  const v = pipeline.variables["CI_REGISTRY_IMAGE"]?.value;
  if (v?.known) return v.text;
  const { server, project } = pipeline.context;
  return project.pathUnknown === undefined ? `${server.registry}/${project.path}`.toLowerCase() : undefined;
}

function sorted(set: Set<string> | undefined): string[] {
  return set ? [...set].sort() : [];
}
