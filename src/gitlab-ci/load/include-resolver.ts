import type { IncludeSource, Lookup, ReleaseList, ReleaseTag } from "../../core/include-source.js";
import { parseSemver, type SemVer } from "../../github-actions/images/semver.js";

/**
 * The include source as one analysis uses it: every question asked once (base, head and each
 * context that re-loads for `include:rules` ask the same ones), so one analysis sees one answer
 * per ref — a branch that moves in the middle cannot give the base and the head different files.
 * Files at a commit are also cached across analyses by the edge (what a path holds at a commit never changes).
 */
export class IncludeResolver {
  private readonly answers = new Map<string, Promise<Lookup<unknown>>>();

  constructor(readonly source: IncludeSource) {}

  commit(project: string, ref: string | undefined): Promise<Lookup<string>> {
    // A full commit SHA names itself: no question to ask (the file read says if it exists).
    if (ref !== undefined && FULL_SHA.test(ref)) return Promise.resolve({ found: ref.toLowerCase() });
    return this.once(`c\0${project}\0${ref ?? ""}`, () => this.source.commit(project, ref));
  }

  file(project: string, commit: string, path: string): Promise<Lookup<string>> {
    return this.once(`f\0${project}\0${commit}\0${path}`, () => this.source.file(project, commit, path));
  }

  template(name: string): Promise<Lookup<string>> {
    return this.once(`t\0${name}`, () => this.source.template(name));
  }

  remote(url: string): Promise<Lookup<string>> {
    return this.once(`r\0${url}`, () => this.source.remote(url));
  }

  /**
   * A component version as GitLab resolves it (ci/components, "Component versions"), highest
   * priority first: a commit SHA, a tag, a branch (the platform's ref lookup does these three,
   * a tag before a branch of the same name), `~latest` (the highest released semantic version,
   * pre-releases excluded) and a partial version `1` or `1.2` (the highest release with that
   * major, or major.minor, again without pre-releases). Releases are the project's releases.
   */
  async componentVersion(project: string, version: string): Promise<Lookup<{ commit: string; version: string }>> {
    const partial = version === LATEST || PARTIAL.test(version);
    let unmatched: Lookup<never> | undefined;
    if (partial) {
      const releases = await this.releases(project);
      if ("unread" in releases) return releases;
      const chosen = "found" in releases ? highestRelease(releases.found.tags, version) : undefined;
      if (chosen) {
        const commit = chosen.commit ? { found: chosen.commit } : await this.commit(project, chosen.tag);
        return "found" in commit ? { found: { commit: commit.found, version: chosen.tag } } : commit;
      }
      // Only the newest releases were read: the version asked for may be an older one.
      if ("found" in releases && !releases.found.complete) {
        unmatched = { unread: `no release matching ${version} among the ${releases.found.tags.length} newest of ${project}; older ones were not read` };
      }
      // `~latest` without a release is not found; `1` may still be a tag or branch of that name.
      if (version === LATEST) return unmatched ?? { missing: `${project} has no released semantic version` };
    }
    const commit = await this.commit(project, version);
    if ("found" in commit) return { found: { commit: commit.found, version } };
    return "missing" in commit && unmatched ? unmatched : commit;
  }

  private releases(project: string): Promise<Lookup<ReleaseList>> {
    return this.once(`l\0${project}`, () => this.source.releases(project));
  }

  private once<T>(key: string, ask: () => Promise<Lookup<T>>): Promise<Lookup<T>> {
    let answer = this.answers.get(key) as Promise<Lookup<T>> | undefined;
    if (!answer) {
      // A failure of the edge itself is an unread include, not a crash of the analysis.
      answer = ask().catch((err: unknown) => ({ unread: err instanceof Error ? err.message : String(err) }));
      this.answers.set(key, answer);
    }
    return answer;
  }
}

const FULL_SHA = /^[0-9a-fA-F]{40}$/;
const LATEST = "~latest";
const PARTIAL = /^\d+(\.\d+)?$/;

/** The highest release whose tag is a semantic version matching `wanted` (`~latest`, `1`, `1.2`); no pre-release. */
export function highestRelease(releases: readonly ReleaseTag[], wanted: string): ReleaseTag | undefined {
  const parts = wanted === LATEST ? [] : wanted.split(".").map(Number);
  let best: { release: ReleaseTag; version: SemVer } | undefined;
  for (const release of releases) {
    // Catalog versions are plain `1.2.3` (no `v`): GitLab refuses to publish other tags.
    const version = /^\d/.test(release.tag) ? parseSemver(release.tag) : undefined;
    if (!version || version.prerelease.length > 0) continue;
    if (parts.length > 0 && version.major !== parts[0]) continue;
    if (parts.length > 1 && version.minor !== parts[1]) continue;
    if (!best || compareVersions(version, best.version) > 0) best = { release, version };
  }
  return best?.release;
}

function compareVersions(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
