import { sameImage, type ImageRefParts } from "../../containers/image-ref.js";
import type { ImageBuild } from "../../containers/model.js";
import type { ResolvedText } from "../../gitlab-ci/pipeline.js";
import type { Pos } from "../../core/pos.js";
import { ImageRefs, jobsOf } from "../images.js";
import type { AnalysedPipeline, BranchContext } from "../model.js";
import type { Finding, HazardCheck, StatedFinding } from "./check.js";
import { listNames, sortedNames } from "./watched.js";

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
  /** The build that pushes: runs that share job results push the very same builds. */
  build: ImageBuild;
  image: ResolvedText;
  /** The parse of `image`, read once per push for every other pipeline it is compared with. */
  parts: ImageRefParts;
  job: string;
  pos: Pos;
  /** False when the build or its job only may run (`certainty: "uncertain"`). */
  isCertain: boolean;
}

function pushesOf(pipeline: AnalysedPipeline, parses: ImageRefs): Push[] {
  const out: Push[] = [];
  for (const job of jobsOf(pipeline)) {
    for (const b of job.builds) {
      if (!b.push) continue;
      const isCertain = b.certainty !== "uncertain" && job.certainty !== "uncertain";
      out.push({ build: b, image: b.image, parts: parses.parse(b.image), job: job.name, pos: b.pos, isCertain });
    }
  }
  return out;
}

/**
 * A run's pushes of one reference text (holes and all) and one certainty, in the order of their
 * first push: every push of a group compares alike with any other push, so a fan-out of
 * thousands of jobs pushing `app:«$TAG»` is compared once, not thousands × thousands times.
 */
interface PushGroup {
  first: Push;
  jobs: string[];
}

function groupPushes(pushes: Push[]): PushGroup[] {
  const groups = new Map<string, PushGroup>();
  for (const push of pushes) {
    const key = `${push.isCertain ? "c" : "u"}${push.image.known ? "k" : "h"}${push.image.text}`;
    const group = groups.get(key);
    if (group) group.jobs.push(push.job);
    else groups.set(key, { first: push, jobs: [push.job] });
  }
  return [...groups.values()];
}

/** Whether two runs push alike: the same builds, by jobs of the same names and certainty. */
function samePushes(a: Push[], b: Push[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    const y = b[k];
    if (x.build !== y.build || x.job !== y.job || x.isCertain !== y.isCertain) return false;
  }
  return true;
}

/** What two runs' pushes have in common: per kind, the references (sorted), the jobs (sorted) and where the first is pushed. */
interface Collided {
  refs: string[];
  jobs: string[];
  pos: Pos;
}

/** Compare every push of `a` with the pushes of another run that may be the same image (`candidates`), a group at a time. */
function collide(a: PushGroup[], candidates: (push: Push) => PushGroup[]): { definite?: Collided; possible?: Collided } {
  const definite = new Collisions();
  const possible = new Collisions();
  for (const ga of a) {
    const pa = ga.first;
    for (const gb of candidates(pa)) {
      const pb = gb.first;
      // Known references are the same image exactly when their normalised forms are equal,
      // as `sameImage` answers them (and `parts` is the parse of that very text).
      const same = pa.parts.known && pb.parts.known ? pa.parts.normalized === pb.parts.normalized : sameImage(pa.image, pb.image);
      if (same === false) continue;
      if (same !== true && commitKeyed(pa.image) && commitKeyed(pb.image)) continue;
      if (same === true && pa.isCertain && pb.isCertain) definite.add(pa.parts.normalized, ga, gb);
      else possible.add(same === true ? pa.parts.normalized : pairText(pa.image.text, pb.image.text), ga, gb);
    }
  }
  return { definite: definite.found(), possible: possible.found() };
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
    const parses = revision.imageRefs ?? new ImageRefs();
    const runs = revision.runs.map((r) => {
      const pushes = pushesOf(r.pipeline, parses);
      return { context: r.context, identity: contentIdentity(r.context), pushes, groups: groupPushes(pushes) };
    });
    // Runs that push alike (contexts sharing job results) collide alike with any other run: each
    // pair of such classes is compared once, however many pairs of contexts it stands for.
    const classOf: number[] = [];
    const representatives: Push[][] = [];
    for (const run of runs) {
      let c = representatives.findIndex((pushes) => samePushes(pushes, run.pushes));
      if (c < 0) c = representatives.push(run.pushes) - 1;
      classOf.push(c);
    }
    const candidates = new Map<number, (push: Push) => PushGroup[]>();
    const compared = new Map<number, ReturnType<typeof collide>>();
    const findings: Finding[] = [];
    for (let i = 0; i < runs.length; i++) {
      for (let j = i + 1; j < runs.length; j++) {
        const a = runs[i];
        const b = runs[j];
        if (a.identity === b.identity) continue;
        const pair = classOf[i] * representatives.length + classOf[j];
        let found = compared.get(pair);
        if (!found) {
          let ofB = candidates.get(classOf[j]);
          if (!ofB) candidates.set(classOf[j], (ofB = candidatePairs(b.groups)));
          compared.set(pair, (found = collide(a.groups, ofB)));
        }
        // One finding per pair, keyed by the pair, so base and head are matched pair by pair;
        // `regroup` then tells them as one hazard per set of references.
        const names = [a.context.name, b.context.name];
        const key = names.slice().sort().join("\0");
        for (const [collided, isPossible] of [
          [found.definite, false],
          [found.possible, true],
        ] as const) {
          if (!collided) continue;
          const images = collided.refs.slice();
          findings.push({
            key: isPossible ? `possible\0${key}` : key,
            possible: isPossible ? true : undefined,
            message: describeCollision({ contexts: names, images, isPossible, status: "introduced", pairs: [names], stillColliding: [] }),
            contexts: names.slice(),
            images,
            jobs: collided.jobs.slice(),
            source: collided.pos,
          });
        }
      }
    }
    return findings;
  },
  regroup(stated) {
    const groups = new Map<string, { status: StatedFinding["status"]; members: Finding[] }>();
    for (const s of stated) {
      const id = [s.status, s.finding.possible ? "possible" : "certain", ...s.finding.images].join("\0");
      const group = groups.get(id) ?? { status: s.status, members: [] };
      group.members.push(s.finding);
      groups.set(id, group);
    }
    const present = stated.filter((s) => s.status !== "fixed").map((s) => s.finding);
    // Pairs come in the order the contexts were analysed; a group names its contexts in that order.
    const order = unionOf(stated.map((s) => s.finding.contexts));
    const inOrder = (names: string[]) => order.filter((c) => names.includes(c));
    return [...groups.entries()].map(([id, { status, members }]) => {
      const first = members[0] as Finding;
      const contexts = inOrder(unionOf(members.map((m) => m.contexts)));
      const isPossible = first.possible === true;
      // For a fixed group: the contexts that still share one of these references in head.
      const images = status === "fixed" ? new Set(first.images) : undefined;
      const stillColliding = images
        ? inOrder(unionOf(present.filter((f) => (f.possible === true) === isPossible && f.images.some((i) => images.has(i))).map((f) => f.contexts)))
        : [];
      return {
        status,
        finding: {
          key: id,
          message: describeCollision({ contexts, images: first.images, isPossible, status, pairs: members.map((m) => m.contexts), stillColliding }),
          contexts,
          images: first.images,
          jobs: unionOf(members.map((m) => m.jobs)).sort(),
          source: first.source,
          ...(isPossible ? { possible: true as const } : {}),
        },
      };
    });
  },
};

/** Every name of the lists, once, in first-seen order (the order the contexts were analysed). */
function unionOf(lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

/** Contexts named in full: a maintainer must see every branch involved, not "and 2 more". */
const ALL_NAMES = 8;

/**
 * The words for one group of contexts that push the same references. A fixed group names who
 * moved away from whom: "`staging-7.2` and `staging-8.0` no longer push the same image
 * references as `main` and `staging`", when `main` and `staging` still collide.
 */
function describeCollision(g: {
  contexts: string[];
  images: string[];
  isPossible: boolean;
  status: StatedFinding["status"];
  pairs: string[][];
  stillColliding: string[];
}): string {
  const refs = `image reference${g.images.length > 1 ? `s (${g.images.length})` : ""}: ${listNames(g.images, 2)}`;
  const verb = g.isPossible ? "may push" : "push";
  if (g.status === "fixed") {
    const moved = g.contexts.filter((c) => !g.stillColliding.includes(c));
    const stayed = g.contexts.filter((c) => g.stillColliding.includes(c));
    const movedApart = moved.length > 1 && g.pairs.some((p) => p.every((c) => moved.includes(c)));
    if (moved.length > 0 && stayed.length > 0) {
      return (
        `${listNames(moved, ALL_NAMES)} no longer ${verb} the same image reference${g.images.length > 1 ? "s" : ""} as ` +
        `${listNames(stayed, ALL_NAMES)}${movedApart ? ", or as each other" : ""}: ${listNames(g.images, 2)}.`
      );
    }
    const all = g.contexts.length > 2 && moved.length === 0 ? " all" : "";
    return `${listNames(g.contexts, ALL_NAMES)} no longer${all} ${verb} the same ${refs}.`;
  }
  const two = g.contexts.length === 2;
  return (
    `${listNames(g.contexts, ALL_NAMES)} ${verb} the same ${refs}. ` +
    (g.isPossible
      ? `Part of a reference is unknown here, or a push only may run; if they are equal and ${two ? "both pipelines run" : "two of these pipelines run"} at once, the later push overwrites the other's image.`
      : `When ${two ? "both pipelines run" : "two of these pipelines run"} at once, the later push overwrites the other's image and its jobs run in a container built from ${two ? "the other" : "another"} branch.`)
  );
}

/**
 * `a` when both read the same, else `a ≟ b` in sorted order: the pair is met from both sides
 * (`a`'s push against `b`'s and `b`'s against `a`'s) and must be listed once.
 */
function pairText(a: string, b: string): string {
  return a === b ? a : [a, b].sort().join(" ≟ ");
}

class Collisions {
  /** Each reference, with where the first other push of it was met. */
  private readonly byRef = new Map<string, Pos>();
  /** The jobs of both runs that push any of them. */
  private readonly jobs = new Set<string>();
  add(ref: string, a: PushGroup, b: PushGroup): void {
    if (!this.byRef.has(ref)) this.byRef.set(ref, b.first.pos);
    for (const job of a.jobs) this.jobs.add(job);
    for (const job of b.jobs) this.jobs.add(job);
  }
  /** What was found, or nothing; the position is that of the first reference in sorted order. */
  found(): Collided | undefined {
    if (this.byRef.size === 0) return undefined;
    const refs = sortedNames(this.byRef.keys());
    const pos = this.byRef.get(refs[0]);
    return pos === undefined ? undefined : { refs, jobs: sortedNames(this.jobs), pos };
  }
}

/**
 * The push groups of `pushes` that may be the same image as a given one, in their order, without
 * comparing every push of one pipeline with every push of another (thousands × thousands in a
 * big pipeline): two fully known references are the same image exactly when their normalised
 * forms are equal (`sameImage`), so those are looked up by that form; pushes with an unknown part
 * stay candidates for every image, and an image with an unknown part is compared with all.
 */
function candidatePairs(pushes: PushGroup[]): (push: Push) => PushGroup[] {
  const byNormalized = new Map<string, number[]>();
  const holed: number[] = [];
  pushes.forEach(({ first: { parts } }, i) => {
    if (!parts.known) holed.push(i);
    else {
      const same = byNormalized.get(parts.normalized);
      if (same) same.push(i);
      else byNormalized.set(parts.normalized, [i]);
    }
  });
  // Every other pipeline asks with the same references: each normalised form is answered once.
  const answers = new Map<string, PushGroup[]>();
  return ({ parts }) => {
    if (!parts.known) return pushes;
    let found = answers.get(parts.normalized);
    if (!found) {
      const indexes = [...(byNormalized.get(parts.normalized) ?? []), ...holed].sort((x, y) => x - y);
      answers.set(parts.normalized, (found = indexes.map((i) => pushes[i] as PushGroup)));
    }
    return found;
  };
}

/**
 * Unknown parts that stand for the pipeline's own commit (GitLab's `CI_COMMIT_SHA` and
 * `CI_COMMIT_SHORT_SHA`, GitHub's `github.sha` and metadata-action's `type=sha`).
 */
const COMMIT_IDENTITY: ReadonlySet<string> = new Set(["CI_COMMIT_SHA", "CI_COMMIT_SHORT_SHA", "github.sha", "commit SHA", "short commit SHA"]);

/**
 * A reference whose only unknown parts are its commit (`app:$CI_COMMIT_SHA`): two such
 * references can be equal only when both pipelines build the same commit, and then they push
 * the same content — no pipeline can get another's image. So they are never a collision, not
 * even a possible one. (A script that redefines CI_COMMIT_SHA is not followed.)
 */
function commitKeyed(ref: ResolvedText): boolean {
  return !ref.known && ref.unknowns.length > 0 && ref.unknowns.every((u) => COMMIT_IDENTITY.has(u));
}
