import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { normalizePath, type FileSource } from "../../core/file-source.js";

/**
 * A plain directory (a working tree, an unpacked example): reads files as they are on disk,
 * and only inside it. A path that leads out of the root — `include: local: '../../etc/passwd'`,
 * or a symlink to a file elsewhere — reads as no such file, as it would from git, where a
 * repository holds nothing outside itself. A file that is absent reads as undefined; any other
 * failure (no permission, an I/O error) is thrown, so it is reported instead of looking absent.
 */
export class DirSource implements FileSource {
  private realRoot: Promise<string> | undefined;

  constructor(
    private readonly root: string,
    readonly label = root,
  ) {}

  async read(path: string): Promise<string | undefined> {
    const full = await this.inside(normalizePath(path));
    if (full === undefined) return undefined;
    try {
      if (!(await stat(full)).isFile()) return undefined;
      return await readFile(full, "utf8");
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw err;
    }
  }

  async list(dir: string): Promise<string[]> {
    const start = await this.inside(normalizePath(dir));
    if (start === undefined) return [];
    const out: string[] = [];
    const root = await this.rootPath();
    const walk = async (d: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(d, { withFileTypes: true });
      } catch (err) {
        if (isAbsent(err)) return;
        throw err;
      }
      for (const e of entries) {
        if (e.name === ".git" || e.name === "node_modules") continue;
        const full = join(d, e.name);
        // Symlinks are neither: a link is not followed, so a listing never leaves the root.
        if (e.isDirectory()) await walk(full);
        else if (e.isFile()) out.push(relative(root, full).split(sep).join("/"));
      }
    };
    await walk(start);
    return out.sort();
  }

  /** The real path of `path` when it is inside the root, else undefined (absent paths stay as written, inside). */
  private async inside(path: string): Promise<string | undefined> {
    const root = await this.rootPath();
    const full = resolve(root, path);
    if (!within(root, full)) return undefined;
    try {
      const real = await realpath(full);
      return within(root, real) ? real : undefined;
    } catch (err) {
      if (isAbsent(err)) return full;
      throw err;
    }
  }

  private rootPath(): Promise<string> {
    this.realRoot ??= realpath(this.root);
    return this.realRoot;
  }
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** No such file, or a path through something that is not a directory: the file is not there. */
function isAbsent(err: unknown): boolean {
  const code = typeof err === "object" && err !== null && "code" in err ? err.code : undefined;
  return code === "ENOENT" || code === "ENOTDIR";
}
