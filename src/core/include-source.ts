/**
 * How the core reads files that live outside the analysed repository: "file F of project P at
 * commit C", "the commit ref R names in P", an instance template, a remote URL. Like FileSource,
 * the core only asks; the edges answer (the GitLab API, a folder of pinned copies, an HTTPS fetch
 * behind an allowlist), and an edge that cannot answer says why instead of guessing.
 */
export type Lookup<T> =
  /** The answer. */
  | { found: T }
  /** The thing surely does not exist (the project is readable, the ref or file is not there). */
  | { missing: string }
  /** It could not be read here (no token, no access, not allowed, the network): unknown, not absent. */
  | { unread: string };

/** A release of a project: its tag and, when the platform says so in the same answer, its commit. */
export interface ReleaseTag {
  tag: string;
  commit?: string;
}

/**
 * A project's releases as read. `complete` is false when only some were read (the newest ones a
 * platform lists, the versions someone pinned): a version not among them may still exist.
 */
export interface ReleaseList {
  tags: ReleaseTag[];
  complete: boolean;
}

export interface IncludeSource {
  /** Where the files come from, for messages: "gitlab.example.com", "pinned copies in ci-pins". */
  readonly label: string;
  /** The instance's host name (`CI_SERVER_FQDN`): a component on another host cannot be read from here. */
  readonly host?: string;
  /**
   * The commit a ref (tag, branch or commit SHA, as GitLab resolves it) names in `project`;
   * without a ref, the project's default branch. Pinned copies answer with the ref itself.
   */
  commit(project: string, ref: string | undefined): Promise<Lookup<string>>;
  /** The project's releases (for component versions `~latest` and `1.2`), in any order. */
  releases(project: string): Promise<Lookup<ReleaseList>>;
  /** The text of `path` in `project` at `commit` (a value `commit` answered, or a full SHA). */
  file(project: string, commit: string, path: string): Promise<Lookup<string>>;
  /** An instance CI template (`include: template: Auto-DevOps.gitlab-ci.yml`). */
  template(name: string): Promise<Lookup<string>>;
  /** A remote include's text; the edge applies the host allowlist and address checks. */
  remote(url: string): Promise<Lookup<string>>;
}


/**
 * Several sources asked in order, each question answered by the first that can (a folder of
 * pinned copies first, then the API): only when none can is the include unread, with every
 * reason. A definite "missing" from one source is the answer.
 */
export function firstReadable(sources: readonly IncludeSource[]): IncludeSource {
  const ask = async <T>(question: (s: IncludeSource) => Promise<Lookup<T>>): Promise<Lookup<T>> => {
    const reasons: string[] = [];
    for (const source of sources) {
      const answer = await question(source);
      if (!("unread" in answer)) return answer;
      reasons.push(answer.unread);
    }
    return { unread: reasons.join("; ") };
  };
  const host = sources.find((s) => s.host !== undefined)?.host;
  return {
    label: sources.map((s) => s.label).join(", then "),
    ...(host !== undefined ? { host } : {}),
    commit: (project, ref) => ask((s) => s.commit(project, ref)),
    releases: (project) => ask((s) => s.releases(project)),
    file: (project, commit, path) => ask((s) => s.file(project, commit, path)),
    template: (name) => ask((s) => s.template(name)),
    remote: (url) => ask((s) => s.remote(url)),
  };
}
