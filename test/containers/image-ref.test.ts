import { describe, expect, it } from "vitest";
import { normalizeImageRef, parseImageRef, sameImage } from "../../src/containers/index.js";
import type { ResolvedText } from "../../src/gitlab-ci/pipeline.js";
import { atomPatternsOverlap, type Atom } from "../../src/containers/text-atoms.js";

/** `«…»` marks an unknown part, as ResolvedText shows it. */
const r = (text: string): ResolvedText => ({ text, known: !text.includes("«"), unknowns: text.includes("«") ? ["test"] : [] });

describe("normalizeImageRef", () => {
  it.each([
    ["debian", "docker.io/library/debian:latest"],
    ["debian:12", "docker.io/library/debian:12"],
    ["library/debian:12", "docker.io/library/debian:12"],
    ["docker.io/debian", "docker.io/library/debian:latest"],
    ["index.docker.io/library/debian:12", "docker.io/library/debian:12"],
    ["gitlab/gitlab-runner:v17", "docker.io/gitlab/gitlab-runner:v17"],
    ["registry.gitlab.com/qemu-project/qemu/qemu/debian11", "registry.gitlab.com/qemu-project/qemu/qemu/debian11:latest"],
    ["localhost:5000/app", "localhost:5000/app:latest"],
    ["localhost/app:1", "localhost/app:1"],
    ["Registry.Example.COM/app:Tag", "registry.example.com/app:Tag"],
    ["quay.io/org/app@sha256:abc", "quay.io/org/app@sha256:abc"],
  ])("%s → %s", (ref, normalized) => {
    expect(normalizeImageRef(ref)).toBe(normalized);
  });
});

describe("parseImageRef", () => {
  it.each([
    ["registry.gitlab.com/qemu-project/qemu/qemu/debian11:staging-8-0", "registry.gitlab.com", "qemu-project/qemu/qemu/debian11", "staging-8-0"],
    ["debian", "docker.io", "library/debian", "latest"],
    ["localhost:5000/a/b:1.0", "localhost:5000", "a/b", "1.0"],
  ])("%s splits into registry, path and tag", (ref, registry, path, tag) => {
    const p = parseImageRef(ref);
    expect([p.registry, p.path, p.tag, p.repository]).toEqual([registry, path, tag, `${registry}/${path}`]);
    expect(p.problems).toEqual([]);
  });

  it.each([
    ["registry.example.com/MyApp:1", "repository name 'MyApp' must be lower case"],
    ["registry.example.com/app:-bad", "invalid tag '-bad'"],
  ])("%s is refused by Docker", (ref, problem) => {
    expect(parseImageRef(ref).problems).toEqual([problem]);
  });

  it.each([
    ["registry.gitlab.com/g/p/qemu/debian11:«$TAG»", "registry.gitlab.com/g/p/qemu/debian11", "«$TAG»", true],
    ["«$CI_REGISTRY_IMAGE»/qemu/debian11:latest", "«$CI_REGISTRY_IMAGE»/qemu/debian11", "latest", false],
    ["registry.example.com/app«$SUFFIX»", "registry.example.com/app«$SUFFIX»", "latest", false],
  ])("with unknown parts, %s: repository %s, tag %s (certain split: %s)", (text, repository, tag, certain) => {
    const p = parseImageRef(r(text));
    expect([p.repository, p.tag, p.known, p.certain]).toEqual([repository, tag, false, certain]);
  });
});

describe("sameImage", () => {
  it.each<[string, string, boolean | "unknown"]>([
    ["debian", "docker.io/library/debian:latest", true],
    ["app", "app:latest", true],
    ["registry.example.com/a:1", "registry.example.com/a:2", false],
    ["registry.example.com/a:1", "registry.example.com/b:1", false],
    // Two contexts both pushing `…:«$TAG»`: the same image if the tags are equal, which we cannot know.
    ["registry.gitlab.com/q/qemu/debian11:«$TAG»", "registry.gitlab.com/q/qemu/debian11:latest", "unknown"],
    ["registry.gitlab.com/q/qemu/debian11:«$TAG»", "registry.gitlab.com/q/qemu/debian11:«$TAG»", "unknown"],
    ["registry.gitlab.com/q/qemu/debian11:«$TAG»", "registry.gitlab.com/q/qemu/fedora:latest", false],
    ["debian:«$V»", "docker.io/library/debian:12", "unknown"],
    ["«$CI_REGISTRY_IMAGE»/qemu/debian11:latest", "registry.gitlab.com/q/qemu/debian11:latest", "unknown"],
    ["«$CI_REGISTRY_IMAGE»/qemu/debian11:latest", "registry.gitlab.com/q/qemu/debian11:staging", false],
    // A hole at the end may or may not hold a tag: with none, `:latest` is implied.
    ["registry.example.com/app«$SUFFIX»", "registry.example.com/app:latest", "unknown"],
    ["registry.example.com/a:«$T»", "registry.example.com/b:«$T»", false],
  ])("%s vs %s → %s", (a, b, expected) => {
    const ra = a.includes("«") ? r(a) : a;
    const rb = b.includes("«") ? r(b) : b;
    expect(sameImage(ra, rb)).toBe(expected);
    expect(sameImage(rb, ra)).toBe(expected);
  });
});

describe("sameImage with holes of a known shape (GitLab's predefined variables reference)", () => {
  const SHA = "0123456789abcdef0123456789abcdef01234567";
  it.each<[string, string, string, boolean | "unknown"]>([
    // A commit SHA is 40 hex digits: never a word, always possibly another SHA.
    ["a commit SHA is not a word", "reg.example.com/q:«$CI_COMMIT_SHA»", "reg.example.com/q:opensbi-cross-build", false],
    ["a commit SHA may be a given SHA", "reg.example.com/q:«$CI_COMMIT_SHA»", `reg.example.com/q:${SHA}`, "unknown"],
    ["a commit SHA is not 8 digits", "reg.example.com/q:«$CI_COMMIT_SHA»", "reg.example.com/q:01234567", false],
    ["the short SHA is eight hex digits", "reg.example.com/q:«$CI_COMMIT_SHORT_SHA»", "reg.example.com/q:0123abcd", "unknown"],
    ["the short SHA is not upper case", "reg.example.com/q:«$CI_COMMIT_SHORT_SHA»", "reg.example.com/q:0123ABCD", false],
    ["a pipeline id is digits", "reg.example.com/q:«$CI_PIPELINE_ID»", "reg.example.com/q:v1", false],
    ["a job id may be a number", "reg.example.com/q:build-«$CI_JOB_ID»", "reg.example.com/q:build-4711", "unknown"],
    ["a slug has no dot", "reg.example.com/q:«$CI_COMMIT_REF_SLUG»", "reg.example.com/q:staging-8.0", false],
    ["a slug may be staging-8-0", "reg.example.com/q:«$CI_COMMIT_REF_SLUG»", "reg.example.com/q:staging-8-0", "unknown"],
    ["a SHA is longer than a pipeline id", "reg.example.com/q:«$CI_COMMIT_SHA»", "reg.example.com/q:«$CI_PIPELINE_ID»", false],
    ["the short SHA and a job id may both be eight digits", "reg.example.com/q:«$CI_COMMIT_SHORT_SHA»", "reg.example.com/q:«$CI_JOB_ID»", "unknown"],
    ["a SHA and a slug with a dash cannot meet", "reg.example.com/q:«$CI_COMMIT_SHA»", "reg.example.com/q:x-«$CI_COMMIT_REF_SLUG»", false],
    ["an untyped hole may be anything", "reg.example.com/q:«$CI_COMMIT_SHA»", "reg.example.com/q:«$TAG»", "unknown"],
    // A value the script may have reassigned is not GitLab's, whatever its name.
    ["a reassigned variable may be anything", "reg.example.com/q:«$CI_COMMIT_SHA, maybe reassigned»", "reg.example.com/q:opensbi-cross-build", "unknown"],
    ["GitHub's commit is hex too", "ghcr.io/a/b:«github.sha»", "ghcr.io/a/b:latest", false],
  ])("%s", (_what, a, b, expected) => {
    expect(sameImage(r(a), b.includes("«") ? r(b) : b)).toBe(expected);
    expect(sameImage(b.includes("«") ? r(b) : b, r(a))).toBe(expected);
  });
});

describe("remembered parses", () => {
  it("a known resolved text parses as its string, a text with holes by itself", () => {
    const text = "registry.example.com/app«$S»:1";
    expect(parseImageRef({ text, known: true, unknowns: [] })).toEqual(parseImageRef(text));
    const holed = parseImageRef(r(text));
    expect([holed.known, holed.repository, holed.tag]).toEqual([false, "registry.example.com/app«$S»", "1"]);
    expect(parseImageRef(text).known).toBe(true);
  });

  it("answers as a cold parse after more references than the memo keeps", () => {
    const refs = ["Debian", "registry.example.com/a/b:«$T»", "localhost:5000/app@sha256:abc"];
    const first = refs.map((ref) => structuredClone(parseImageRef(ref.includes("«") ? r(ref) : ref)));
    for (let i = 0; i < 40000; i++) parseImageRef(`registry.example.com/filler-${i}:1`);
    expect(refs.map((ref) => parseImageRef(ref.includes("«") ? r(ref) : ref))).toEqual(first);
    expect(first.map((p) => [p.normalized, p.known, p.certain, p.problems])).toEqual([
      ["docker.io/library/Debian:latest", true, true, ["repository name 'library/Debian' must be lower case"]],
      ["registry.example.com/a/b:«$T»", false, true, []],
      ["localhost:5000/app@sha256:abc", true, true, []],
    ]);
  });
});

describe("atomPatternsOverlap", () => {
  const hole = (id: string): Atom => ({ hole: id, id });
  const p = (...parts: Array<string | Atom>): Atom[] => parts.flatMap((x): Atom[] => (typeof x === "string" ? [...x] : [x]));
  it.each<[Atom[], Atom[], boolean]>([
    [p("reg/app:", hole("T")), p("reg/app:1"), true],
    [p("reg/app:", hole("T")), p("reg/web:1"), false],
    [p(hole("R"), "/app:1"), p("reg/app:2"), false],
    [p(hole("R"), "/app:1"), p("reg/app:1"), true],
    [p("reg/", hole("A"), ":1"), p("reg/", hole("B"), "x:1"), true],
    [p("a", hole("A"), "b"), p("ab"), true],
    [p("a", hole("A"), "b"), p("a"), false],
    [p("ab"), p("ab"), true],
    [p("ab"), p("abc"), false],
    [p(), p(hole("A")), true],
    [p(), p("a"), false],
  ])("%j and %j overlap: %s", (a, b, overlap) => {
    expect(atomPatternsOverlap(a, b)).toBe(overlap);
    expect(atomPatternsOverlap(b, a)).toBe(overlap);
  });
});
