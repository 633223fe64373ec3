import type { ResolvedText } from "../gitlab-ci/pipeline.js";
import { resolvedPattern, type ExpandedText } from "./expanded-text.js";
import { atomPatternsOverlap, atomsToString, atomsToText, isHole, splitAtoms, toAtoms, type Atom } from "./text-atoms.js";

/**
 * Image references as Docker reads them (distribution `reference.ParseNormalizedNamed`):
 *   [registry/]path[:tag][@digest]
 * - the first component is a registry only if it has a `.` or `:`, is `localhost`, or has
 *   an upper-case letter; otherwise the image is on Docker Hub (`docker.io`);
 * - a Docker Hub name with one component is an official image: `library/<name>`;
 * - `index.docker.io` is the same registry as `docker.io`;
 * - no tag and no digest means `:latest`;
 * - the repository path must be lower case (Docker refuses it otherwise); the tag is
 *   case-sensitive; registry host names are compared case-insensitively (DNS).
 */
export interface ImageRefParts {
  /** `docker.io`, `registry.gitlab.com`, `localhost:5000` (holes shown as `«…»`). */
  registry: string;
  /** `library/debian`, `qemu-project/qemu/qemu/debian11`. */
  path: string;
  /** `registry/path`: what the analysis calls the image repository. */
  repository: string;
  /** The tag, `latest` when none is written; absent with a digest only. */
  tag?: string;
  digest?: string;
  /** The normalised full reference: `docker.io/library/debian:latest`. */
  normalized: string;
  /** Every part known (no hole). */
  known: boolean;
  /** False when a hole may hide a `/`, `:` or `@` that would split the reference differently. */
  certain: boolean;
  /** Why Docker would refuse the reference, if it would. */
  problems: string[];
}

const DOCKER_HUB = "docker.io";
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const PATH_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** What a build with no tag is listed as (docker/build-push-action without `tags`): no reference to check. */
export const UNTAGGED_BUILD = "(untagged)";

/**
 * Why Docker refuses a reference whose every part is known ("invalid reference format": a build,
 * tag or push with it fails, so nothing is pushed), in words; undefined when Docker accepts it or
 * a part is not known. `parse` is the analysis's cached parser when it has one.
 */
export function refusedReference(ref: ResolvedText, parse: (ref: ResolvedText) => ImageRefParts = parseImageRef): string | undefined {
  if (!ref.known || ref.text === UNTAGGED_BUILD) return undefined;
  const { problems } = parse(ref);
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/**
 * Parse a reference (text or resolved text with holes) into registry, path, tag and digest.
 * Remembered (bounded): the hazard checks and the image comparison ask about the same
 * references for every job of every pipeline. Callers must not change the answer.
 */
export function parseImageRef(ref: string | ResolvedText): ImageRefParts {
  // The parse reads the text and whether it has holes (resolvedPattern); a known text reads
  // as the plain string does, so both share one memo keyed by the text itself.
  const holed = typeof ref !== "string" && !ref.known;
  const text = typeof ref === "string" ? ref : ref.text;
  const memo = holed ? parsedHoled : parsedKnown;
  let parts = memo.get(text);
  if (parts === undefined) {
    parts = parseImageRefUncached(holed ? toAtoms(resolvedPattern(ref)) : text);
    memo.set(text, parts);
  }
  return parts;
}

/**
 * A memo bounded to the `limit` most recently stored keys and at most as many older ones: when
 * it is full, the older half is dropped and what is asked again is kept. (Clearing it all at
 * once recomputed every reference of a pipeline bigger than the limit, again and again.)
 */
class RecentMemo<V> {
  private recent = new Map<string, V>();
  private older = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    const v = this.recent.get(key);
    if (v !== undefined) return v;
    const old = this.older.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }
  set(key: string, value: V): void {
    if (this.recent.size >= this.limit) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(key, value);
  }
}

const MEMO_LIMIT = 16384;
const parsedKnown = new RecentMemo<ImageRefParts>(MEMO_LIMIT);
const parsedHoled = new RecentMemo<ImageRefParts>(MEMO_LIMIT);

/** What a comparison reads of a reference: its text and whether it has holes (as the parse). */
function refKey(ref: string | ResolvedText): string {
  return typeof ref === "string" || ref.known ? `k${typeof ref === "string" ? ref : ref.text}` : `u${ref.text}`;
}

/**
 * `pattern` is the known text itself, or the atoms of a text with holes. Ranges of either are
 * read through `show`/`holeIn`, so a known text is parsed without building atoms.
 */
function parseImageRefUncached(pattern: string | Atom[]): ImageRefParts {
  const shape = splitShape(pattern);
  const registry = shape.registry ? show(pattern, shape.registry) : DOCKER_HUB;
  const path = `${shape.libraryPrefix ? "library/" : ""}${show(pattern, shape.path)}`;
  const tag = shape.tag ? show(pattern, shape.tag) : shape.digest ? undefined : "latest";
  const digest = shape.digest ? show(pattern, shape.digest) : undefined;
  const known = !holeIn(pattern, [0, pattern.length]);
  const registryNorm = known ? registry.toLowerCase() : registry;
  const problems: string[] = [];
  if (known) {
    const colon = path.indexOf(":");
    if (colon >= 0) {
      // `name:release/1.x`: the last `/` comes after the `:`, so Docker reads no tag at all.
      problems.push(`the tag '${path.slice(colon + 1)}${tag !== undefined && shape.tag ? `:${tag}` : ""}' contains '/'`);
    } else if (!PATH_RE.test(path)) {
      problems.push(
        path.toLowerCase() === path ? `invalid repository name '${path}'` : `repository name '${path}' must be lower case`,
      );
    }
    if (tag !== undefined && shape.tag && !TAG_RE.test(tag)) problems.push(`invalid tag '${tag}'`);
  }
  return {
    registry: registryNorm,
    path,
    repository: `${registryNorm}/${path}`,
    tag,
    digest,
    normalized: `${registryNorm}/${path}${tag !== undefined ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`,
    known,
    certain: shape.certain,
    problems,
  };
}

/** The normalised text of a fully known reference: `debian` → `docker.io/library/debian:latest`. */
export function normalizeImageRef(ref: string): string {
  return parseImageRef(ref).normalized;
}

/**
 * Whether two references name the same image (same repository and tag/digest, after
 * normalisation). With unknown parts the answer is "unknown" when some values of the
 * holes would make them equal, and false only when no values could.
 */
export function sameImage(a: string | ResolvedText, b: string | ResolvedText): boolean | "unknown" {
  const pa = parseImageRef(a);
  const pb = parseImageRef(b);
  if (pa.known && pb.known) return pa.normalized === pb.normalized;
  // Like the parse, the answer reads only each text and whether it has holes; the hazard checks
  // compare the same pushed references in every pair of contexts, so it is remembered (bounded).
  const key = `${refKey(a)}\u0001${refKey(b)}`;
  let same = comparedRefs.get(key);
  if (same === undefined) {
    const ca = candidatesOf(a);
    const cb = candidatesOf(b);
    same = ca.some((x) => cb.some((y) => atomPatternsOverlap(x, y))) ? "unknown" : false;
    if (comparedRefs.size >= MEMO_LIMIT) comparedRefs.clear();
    comparedRefs.set(key, same);
  }
  return same;
}

const comparedRefs = new Map<string, "unknown" | false>();

/** A reference's candidates, made once per text and whether it has holes (what they read). */
function candidatesOf(ref: string | ResolvedText): Atom[][] {
  const key = refKey(ref);
  let found = candidateMemo.get(key);
  if (found === undefined) {
    found = normalizedCandidates(typeof ref === "string" ? [...ref] : toAtoms(resolvedPattern(ref)));
    candidateMemo.set(key, found);
  }
  return found;
}

const candidateMemo = new RecentMemo<Atom[][]>(MEMO_LIMIT);

/** A range [from, to) of a pattern. */
type Range = [number, number];

interface Shape {
  /** undefined = Docker Hub (implicit). */
  registry?: Range;
  path: Range;
  /** A Docker Hub name of one component is an official image: `library/` goes before `path`. */
  libraryPrefix: boolean;
  tag?: Range;
  digest?: Range;
  certain: boolean;
}

/** Split on the known separators; holes are taken to hold none (reported via `certain`). */
function splitShape(pattern: string | Atom[]): Shape {
  let end = pattern.length;
  let digest: Range | undefined;
  const at = pattern.indexOf("@");
  if (at >= 0) {
    digest = [at + 1, end];
    end = at;
  }
  const lastSlash = end > 0 ? pattern.lastIndexOf("/", end - 1) : -1;
  const lastColon = end > 0 ? pattern.lastIndexOf(":", end - 1) : -1;
  let tag: Range | undefined;
  if (lastColon > lastSlash) {
    tag = [lastColon + 1, end];
    end = lastColon;
  }
  const found = pattern.indexOf("/");
  const firstSlash = found >= 0 && found < end ? found : -1;
  let registry: Range | undefined;
  let path: Range = [0, end];
  if (firstSlash >= 0 && isRegistryComponent(pattern, [0, firstSlash])) {
    registry = [0, firstSlash];
    path = [firstSlash + 1, end];
  }
  if (registry && isHubAlias(show(pattern, registry))) registry = undefined;
  const pathSlash = pattern.indexOf("/", path[0]);
  const libraryPrefix = !registry && !(pathSlash >= 0 && pathSlash < path[1]) && !holeIn(pattern, path);
  // With holes, the split is certain only when known text decides the registry (a known
  // first component before a `/`) and the tag (a known `:` or no hole in the last component).
  const registryDecided = firstSlash >= 0 && !holeIn(pattern, [0, firstSlash]);
  const tagDecided = tag !== undefined || digest !== undefined || !holeIn(pattern, [lastSlash + 1, end]);
  const certain = !holeIn(pattern, [0, pattern.length]) || (registryDecided && tagDecided);
  return { registry, path, libraryPrefix, tag, digest, certain };
}

/** A range of a pattern as text, holes shown as `«…»`. */
function show(pattern: string | Atom[], [from, to]: Range): string {
  return typeof pattern === "string" ? pattern.slice(from, to) : atomsToString(pattern, from, to);
}

function holeIn(pattern: string | Atom[], [from, to]: Range): boolean {
  if (typeof pattern === "string") return false;
  for (let i = from; i < to; i++) if (isHole(pattern[i])) return true;
  return false;
}

function isHubAlias(registry: string): boolean {
  const lower = registry.toLowerCase();
  return lower === "docker.io" || lower === "index.docker.io";
}

function isRegistryComponent(pattern: string | Atom[], first: Range): boolean {
  if (holeIn(pattern, first)) return true; // e.g. `$CI_REGISTRY_IMAGE/…`: a registry host in practice; `certain` is false
  const text = show(pattern, first);
  return /[.:]/.test(text) || text === "localhost" || text.toLowerCase() !== text;
}

/**
 * Patterns covering every way a reference with holes might normalise: with or without
 * the implicit `docker.io/` and `library/`, with or without the implicit `:latest`.
 * (The holes themselves are wildcards, so they cover the explicit forms.)
 */
function normalizedCandidates(atoms: Atom[]): Atom[][] {
  if (!atoms.some(isHole)) return [[...normalizeImageRef(atoms.join(""))]];
  const at = atoms.indexOf("@");
  const body = at >= 0 ? atoms.slice(0, at) : atoms;
  const digest = at >= 0 ? atoms.slice(at) : [];
  const components = splitAtoms(body, "/");
  const first = components[0];
  const last = components[components.length - 1];
  let names: Atom[][];
  if (!first.some(isHole) && (components.length > 1 || !body.some(isHole))) {
    const text = first.join("").toLowerCase();
    const hubAlias = text === "docker.io" || text === "index.docker.io";
    if (components.length > 1 && isRegistryComponent(first, [0, first.length]) && !hubAlias) names = [body];
    else names = hubNames(components.length > 1 && hubAlias ? components.slice(1) : components);
  } else {
    // Known text does not decide the registry: any of the implicit forms may apply.
    names = [body, [...DOCKER_HUB, "/", ...body], [...DOCKER_HUB, ..."/library/", ...body]];
  }
  return names.flatMap((n) => withTags(n, last, digest));
}

/** Docker Hub names: one component is an official image (`library/`); a hole may hold more. */
function hubNames(pathComponents: Atom[][]): Atom[][] {
  const joined = joinComponents(pathComponents);
  const hub: Atom[] = [...DOCKER_HUB, "/"];
  if (pathComponents.length > 1) return [[...hub, ...joined]];
  if (joined.some(isHole)) return [[...hub, ...joined], [...hub, ..."library/", ...joined]];
  return [[...hub, ..."library/", ...joined]];
}

function joinComponents(components: Atom[][]): Atom[] {
  return components.flatMap((c, i) => (i === 0 ? c : ["/", ...c]));
}

function withTags(name: Atom[], last: Atom[], digest: Atom[]): Atom[][] {
  if (digest.length > 0) return [[...name, ...digest]];
  if (last.includes(":")) return [name];
  if (!last.some(isHole)) return [[...name, ...":latest"]];
  return [name, [...name, ...":latest"]];
}

/** `docker build -t name` stores `name:latest`; a reference whose tag may sit in a hole is left alone. */
export function withImplicitLatest(ref: ExpandedText): ExpandedText {
  const atoms = toAtoms(ref.pieces);
  if (atoms.includes("@")) return ref;
  const components = splitAtoms(atoms, "/");
  const last = components[components.length - 1];
  if (last.includes(":") || last.some(isHole) || atoms.length === 0) return ref;
  // `name:release/1.x` already tries a tag (one Docker refuses): adding `:latest` would hide it.
  if (components.slice(1).some((c) => c.includes(":"))) return ref;
  return atomsToText([...atoms, ...":latest"], ref);
}
