/**
 * The only way the core reads a repository: one revision of it.
 * Implementations live at the edges (local git, a directory, GitHub/GitLab APIs)
 * except the in-memory one, which is pure and used by tests and the demo.
 */
export interface FileSource {
  /** Text of a repository-relative path (no leading slash), or undefined when there is no such file. */
  read(path: string): Promise<string | undefined>;
  /** Every file path below `dir` (repository-relative, recursive, sorted). `""` lists the whole tree. */
  list(dir: string): Promise<string[]>;
  /** A stable identity of the file's content (git blob SHA) when the source knows it cheaply; used for caching. */
  blobId?(path: string): Promise<string | undefined>;
  /**
   * A hint that these paths will probably be read soon (the files a CI file includes). A source
   * that can ask for several at once (one git process) starts them now; `read` still answers.
   */
  prefetch?(paths: readonly string[]): void;
  /** Human label for messages: "HEAD (abc1234)", "examples/demo/base". */
  readonly label: string;
}

/** Normalise a repository path: strip leading "./" and "/", collapse duplicate slashes. */
export function normalizePath(path: string): string {
  let p = path.replace(/\\/g, "/").replace(/\/{2,}/g, "/");
  while (p.startsWith("./")) p = p.slice(2);
  while (p.startsWith("/")) p = p.slice(1);
  return p;
}
