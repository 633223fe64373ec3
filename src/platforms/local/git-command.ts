import { execFile, type ExecFileException } from "node:child_process";

const MAX_BUFFER = 64 * 1024 * 1024;

/** A git command that failed, with git's own message (its standard error) for the user. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly exitCode?: number | string,
  ) {
    super(`git ${args.join(" ")}: ${stderr.trim() || `exited with code ${exitCode ?? "?"}`}`);
  }
}

/** A revision that names no commit of the repository. */
export class UnknownRevisionError extends Error {}

/** What `git -C repo args…` prints; throws a GitError when git fails. */
export function git(repo: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", ["-C", repo, ...args], { maxBuffer: MAX_BUFFER, encoding: "utf8" }, (err: ExecFileException | null, stdout, stderr) => {
      // A number is git's exit status; a string, why git could not be started (ENOENT: not installed).
      if (err) reject(new GitError(args, typeof err.code === "number" ? stderr : err.message, err.code ?? undefined));
      else resolve(stdout);
    });
  });
}

/**
 * The same for a question git answers "no" to with exit status 1 (`rev-parse --verify --quiet`
 * of a name that is no commit, `merge-base` without a common ancestor, `symbolic-ref --quiet`
 * of a ref that is not symbolic): undefined. git stops with 128 when it cannot work at all (a
 * missing object, a repository it refuses): that is a GitError.
 */
export async function gitAnswer(repo: string, args: readonly string[]): Promise<string | undefined> {
  try {
    return (await git(repo, args)).trim();
  } catch (err) {
    if (err instanceof GitError && err.exitCode === 1) return undefined;
    throw err;
  }
}
