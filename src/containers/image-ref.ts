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

/**
 * Parse a reference (text or resolved text with holes) into registry, path, tag and digest.
 * Remembered (bounded): the hazard checks ask about the same few hundred references for every
 * job of every pipeline. Callers must not change the answer.
 */
export function parseImageRef(ref: string | ResolvedText): ImageRefParts {
  const key = refKey(ref);
  let parts = parsedRefs.get(key);
  if (!parts) {
    if (parsedRefs.size >= PARSED_REFS_LIMIT) parsedRefs.clear();
    parsedRefs.set(key, (parts = parseImageRefUncached(ref)));
  }
  return parts;
}

const parsedRefs = new Map<string, ImageRefParts>();
const PARSED_REFS_LIMIT = 10000;

/** What a reference's parse reads: its text and whether it has holes (resolvedPattern). */
function refKey(ref: string | ResolvedText): string {
  return typeof ref === "string" ? `s${ref}` : `${ref.known ? "k" : "u"}${ref.text}`;
}

function parseImageRefUncached(ref: string | ResolvedText): ImageRefParts {
  const atoms = typeof ref === "string" ? [...ref] : toAtoms(resolvedPattern(ref));
  const shape = splitShape(atoms);
  const registry = atomsToString(shape.registry ?? [...DOCKER_HUB]);
  const path = atomsToString(shape.path);
  const tag = shape.tag ? atomsToString(shape.tag) : shape.digest ? undefined : "latest";
  const digest = shape.digest ? atomsToString(shape.digest) : undefined;
  const known = !atoms.some(isHole);
  const registryNorm = known ? registry.toLowerCase() : registry;
  const problems: string[] = [];
  if (known) {
    if (!PATH_RE.test(path)) {
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
    const ca = normalizedCandidates(typeof a === "string" ? [...a] : toAtoms(resolvedPattern(a)));
    const cb = normalizedCandidates(typeof b === "string" ? [...b] : toAtoms(resolvedPattern(b)));
    same = ca.some((x) => cb.some((y) => atomPatternsOverlap(x, y))) ? "unknown" : false;
    if (comparedRefs.size >= PARSED_REFS_LIMIT) comparedRefs.clear();
    comparedRefs.set(key, same);
  }
  return same;
}

const comparedRefs = new Map<string, "unknown" | false>();

interface Shape {
  /** undefined = Docker Hub (implicit). */
  registry?: Atom[];
  path: Atom[];
  tag?: Atom[];
  digest?: Atom[];
  certain: boolean;
}

/** Split on the known separators; holes are taken to hold none (reported via `certain`). */
function splitShape(atoms: Atom[]): Shape {
  let rest = atoms;
  let digest: Atom[] | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf("/");
  const lastColon = rest.lastIndexOf(":");
  let tag: Atom[] | undefined;
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  const firstSlash = rest.indexOf("/");
  let registry: Atom[] | undefined;
  let path = rest;
  if (firstSlash >= 0) {
    const first = rest.slice(0, firstSlash);
    if (isRegistryComponent(first)) {
      registry = first;
      path = rest.slice(firstSlash + 1);
    }
  }
  if (registry && ["docker.io", "index.docker.io"].includes(atomsToString(registry).toLowerCase())) registry = undefined;
  if (!registry && !path.includes("/") && !path.some(isHole)) path = [..."library/", ...path];
  // With holes, the split is certain only when known text decides the registry (a known
  // first component before a `/`) and the tag (a known `:` or no hole in the last component).
  const firstComponent = firstSlash >= 0 ? rest.slice(0, firstSlash) : rest;
  const lastComponent = rest.slice(lastSlash + 1);
  const registryDecided = firstSlash >= 0 && !firstComponent.some(isHole);
  const tagDecided = tag !== undefined || digest !== undefined || !lastComponent.some(isHole);
  const certain = !atoms.some(isHole) || (registryDecided && tagDecided);
  return { registry, path, tag, digest, certain };
}

function isRegistryComponent(first: Atom[]): boolean {
  if (first.some(isHole)) return true; // e.g. `$CI_REGISTRY_IMAGE/…`: a registry host in practice; `certain` is false
  const text = first.join("");
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
    if (components.length > 1 && isRegistryComponent(first) && !hubAlias) names = [body];
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
  return atomsToText([...atoms, ...":latest"], ref);
}
