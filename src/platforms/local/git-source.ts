import { normalizePath, type FileSource } from "../../core/file-source.js";
import { GitBlobReader } from "./git-blob-reader.js";
import { git, gitAnswer, UnknownRevisionError } from "./git-command.js";

/**
 * Resolve a revision name to a commit SHA; throws an UnknownRevisionError when it names no
 * commit, a GitError when git fails. With a reader, a name its process can take is asked there
 * (the same lookup as `rev-parse`, no new process).
 */
export async function resolveRevision(repo: string, rev: string, reader?: GitBlobReader): Promise<string> {
  const sha = await findRevision(repo, rev, reader);
  if (sha === undefined) throw new UnknownRevisionError(`no such revision "${rev}" in ${repo}`);
  return sha;
}

/** The commit `rev` names, undefined when it names none; a GitError when git fails. */
export async function findRevision(repo: string, rev: string, reader?: GitBlobReader): Promise<string | undefined> {
  // A reader whose process failed to start leaves the question to `rev-parse`.
  if (reader && GitBlobReader.canAsk(rev)) return reader.commit(rev).catch(() => revParse(repo, rev));
  return revParse(repo, rev);
}

function revParse(repo: string, rev: string): Promise<string | undefined> {
  return gitAnswer(repo, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
}

/**
 * One commit of a local git repository, read with `git ls-tree` and `git cat-file`:
 * no checkout is needed, and blob SHAs come for free for caching.
 */
export class GitSource implements FileSource {
  private tree?: Promise<Map<string, string>>;

  private constructor(
    private readonly repo: string,
    readonly sha: string,
    readonly label: string,
    private readonly reader: GitBlobReader,
  ) {}

  /** `reader` lets two revisions of one repository share one `git cat-file --batch` process. */
  static async open(repo: string, rev: string, reader = new GitBlobReader(repo)): Promise<GitSource> {
    const sha = await resolveRevision(repo, rev, reader);
    const source = new GitSource(repo, sha, `${rev} (${sha.slice(0, 8)})`, reader);
    // Every opened revision is read: its tree listing starts now, beside the other revision's
    // work (a failure is reported to the first read, which awaits the same promise).
    source.blobs().catch(() => undefined);
    return source;
  }

  /** path → blob SHA for every file of the commit, read once. */
  private blobs(): Promise<Map<string, string>> {
    this.tree ??= git(this.repo, ["ls-tree", "-r", "-z", "--full-tree", this.sha]).then((out) => {
      const map = new Map<string, string>();
      for (const entry of out.split("\0")) {
        // "<mode> blob <sha>\t<path>"
        const tab = entry.indexOf("\t");
        if (tab < 0) continue;
        const [, type, sha] = entry.slice(0, tab).split(" ");
        if (type === "blob" && sha) map.set(entry.slice(tab + 1), sha);
      }
      return map;
    });
    return this.tree;
  }

  async read(path: string): Promise<string | undefined> {
    const blob = (await this.blobs()).get(normalizePath(path));
    if (!blob) return undefined;
    return this.reader.read(blob);
  }

  prefetch(paths: readonly string[]): void {
    this.blobs().then(
      (blobs) => {
        for (const path of paths) {
          const blob = blobs.get(normalizePath(path));
          // The reader remembers the answer for `read`; a failure is reported there, not here.
          if (blob) this.reader.read(blob).catch(() => undefined);
        }
      },
      () => undefined,
    );
  }

  async list(dir: string): Promise<string[]> {
    const prefix = normalizePath(dir).replace(/\/$/, "");
    return [...(await this.blobs()).keys()]
      .filter((p) => prefix === "" || p.startsWith(`${prefix}/`))
      .sort();
  }

  async blobId(path: string): Promise<string | undefined> {
    return (await this.blobs()).get(normalizePath(path));
  }
}
