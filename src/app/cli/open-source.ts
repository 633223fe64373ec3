import { realpath, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { FileSource } from "../../core/file-source.js";
import { DirSource, findRevision, git, gitAnswer, GitBlobReader, GitError, GitSource, UnknownRevisionError } from "../../platforms/local/index.js";
import { UsageError } from "./command.js";

/**
 * How every CLI command reads a repository, so that `jobs`, `simulate` and `analyze` agree:
 * `--repo DIR` (default: the current directory) and `--rev REV` (default `HEAD`, the committed
 * state). `--rev WORKTREE` reads the files as they are on disk, committed or not. A directory
 * that is not the top of a git repository is always read from disk (then `--rev` other than
 * WORKTREE is a usage error).
 */
export const WORKTREE = "WORKTREE";

export interface OpenedSource {
  source: FileSource;
  /** The commit read, when a git revision was read. */
  sha?: string;
}

export interface Repository {
  dir: string;
  /** Whether `dir` is the top of a git work tree (git paths are relative to it). */
  isGit: boolean;
  /** One `git cat-file --batch` process for every revision read from this repository. */
  reader?: GitBlobReader;
}

export async function openRepository(cwd: string, repoArg: string | undefined): Promise<Repository> {
  const asked = resolve(cwd, repoArg ?? ".");
  let isDir = false;
  try {
    isDir = (await stat(asked)).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`--repo ${asked}: no such directory`);
  const top = await topOfWorkTree(asked);
  // Run from a subfolder of a checkout (no --repo), a command reads the whole repository, as git
  // does. A --repo DIR inside a checkout but not its top is read from disk, as a folder.
  const dir = top !== undefined && repoArg === undefined ? top : asked;
  const isGit = top !== undefined && (await realpath(top)) === (await realpath(dir));
  return { dir, isGit, reader: isGit ? new GitBlobReader(dir) : undefined };
}

/** The files at `rev` (default HEAD), or on disk for `WORKTREE` and for a directory outside git. */
export async function openRevision(repo: Repository, rev: string | undefined): Promise<OpenedSource> {
  if (rev === WORKTREE || (!repo.isGit && rev === undefined)) return { source: new DirSource(repo.dir) };
  if (!repo.isGit) throw new UsageError(`--rev ${rev} needs a git repository, and ${repo.dir} is not the top of one`);
  try {
    const source = await GitSource.open(repo.dir, rev ?? "HEAD", repo.reader);
    return { source, sha: source.sha };
  } catch (err) {
    // A revision git does not know is wrong usage; git failing is reported as git's message.
    throw err instanceof UnknownRevisionError ? new UsageError(err.message) : err;
  }
}

/** The top of the git work tree `dir` is in; undefined outside any (a plain directory, read from disk). */
async function topOfWorkTree(dir: string): Promise<string | undefined> {
  try {
    return (await git(dir, ["rev-parse", "--show-toplevel"])).trim();
  } catch (err) {
    if (err instanceof GitError && /not a git repository/i.test(err.stderr)) return undefined;
    throw err;
  }
}

/** What git knows about the project, read once: used when neither flags nor settings say. */
export interface RepositoryFacts {
  /** origin/HEAD's branch (set by `git clone`), else `main` or `master` when present. */
  defaultBranch?: string;
  /** `namespace/name` from the origin remote's URL (ssh or https). */
  project?: string;
}

export async function repositoryFacts(repo: Repository, wanted: { defaultBranch?: boolean; project?: boolean } = {}): Promise<RepositoryFacts> {
  if (!repo.isGit) return {};
  // A fact the caller already has (a flag gave it) costs no git process.
  const [defaultBranch, project] = await Promise.all([
    wanted.defaultBranch === false ? undefined : defaultBranchOf(repo),
    wanted.project === false ? undefined : originProject(repo.dir),
  ]);
  return { ...(defaultBranch ? { defaultBranch } : {}), ...(project ? { project } : {}) };
}

/** Local branches and origin's, without the `origin/` prefix. */
export async function knownBranches(repo: Repository): Promise<string[]> {
  if (!repo.isGit) return [];
  const out = await git(repo.dir, ["for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes/origin"]);
  const names = out.split("\n").map((n) => n.replace(/^origin\//, "")).filter((n) => n && n !== "HEAD" && n !== "origin");
  return [...new Set(names)].sort();
}

/** `rev` when it names a commit in the repository. */
export async function resolvableRev(repo: Repository, rev: string): Promise<string | undefined> {
  if (!rev || !repo.isGit) return undefined;
  return (await commitOf(repo, rev)) ? rev : undefined;
}

/** The commit `rev` names, asked of the repository's running reader when it has one (no new git process). */
function commitOf(repo: Repository, rev: string): Promise<string | undefined> {
  return findRevision(repo.dir, rev, repo.reader);
}

/** Undefined when the two commits have no common ancestor. */
export async function mergeBase(repo: Repository, a: string, b: string): Promise<string | undefined> {
  return gitAnswer(repo.dir, ["merge-base", a, b]);
}

async function originProject(dir: string): Promise<string | undefined> {
  // The remote's URL with `insteadOf` applied; just "origin" when there is no such remote.
  const url = (await git(dir, ["ls-remote", "--get-url", "origin"])).trim();
  const path = url.match(/^(?:[a-z+]+:\/\/[^/]+\/|[^@/]+@[^:]+:)(.+?)(?:\.git)?\/?$/)?.[1];
  return path && path.includes("/") ? path : undefined;
}

async function defaultBranchOf(repo: Repository): Promise<string | undefined> {
  // Asked at once (the answers are wanted in this order): `main` and `master` cost no process with a reader.
  const [head, main, master] = await Promise.all([
    gitAnswer(repo.dir, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"]),
    commitOf(repo, "main"),
    commitOf(repo, "master"),
  ]);
  if (head) return head.replace(/^origin\//, "");
  return main ? "main" : master ? "master" : undefined;
}
