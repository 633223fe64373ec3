import { normalizePath, type FileSource } from "./file-source.js";

/** A revision held in memory: a map of path → text. Pure; for tests, fixtures and the demo. */
export class MemorySource implements FileSource {
  private readonly files: Map<string, string>;

  constructor(
    files: Record<string, string> | Map<string, string>,
    readonly label = "memory",
  ) {
    const entries = files instanceof Map ? [...files] : Object.entries(files);
    this.files = new Map(entries.map(([p, t]) => [normalizePath(p), t]));
  }

  async read(path: string): Promise<string | undefined> {
    return this.files.get(normalizePath(path));
  }

  async list(dir: string): Promise<string[]> {
    const prefix = normalizePath(dir).replace(/\/$/, "");
    return [...this.files.keys()]
      .filter((p) => prefix === "" || p === prefix || p.startsWith(`${prefix}/`))
      .sort();
  }
}
