import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { normalizePath, type FileSource } from "../../core/file-source.js";

/** A plain directory (a working tree, an unpacked example): reads files as they are on disk. */
export class DirSource implements FileSource {
  constructor(
    private readonly root: string,
    readonly label = root,
  ) {}

  async read(path: string): Promise<string | undefined> {
    const full = join(this.root, normalizePath(path));
    try {
      if (!(await stat(full)).isFile()) return undefined;
      return await readFile(full, "utf8");
    } catch {
      return undefined;
    }
  }

  async list(dir: string): Promise<string[]> {
    const start = join(this.root, normalizePath(dir));
    const out: string[] = [];
    const walk = async (d: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name === ".git" || e.name === "node_modules") continue;
        const full = join(d, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile()) out.push(relative(this.root, full).split(sep).join("/"));
      }
    };
    await walk(start);
    return out.sort();
  }
}
