import { normalizePath, type FileSource } from "../core/file-source.js";

/**
 * Base and head of one change, sharing what the change does not touch. The platform's diff
 * names every path the change adds, edits, deletes or renames (both names of a rename), so
 * any other path has the same content at head as at base: head reads it from the base
 * source, and base reads are remembered, so an unchanged CI file costs one request, not two.
 *
 * Only safe when the diff describes exactly these two commits: `changed()` answers
 * undefined until it is known (and for a diff that may be cut short), and head then reads
 * for itself.
 */
export function shareUnchanged(
  base: FileSource,
  head: FileSource,
  changed: () => ReadonlySet<string> | undefined,
): { base: FileSource; head: FileSource } {
  const shared = new RememberedSource(base);
  return { base: shared, head: new UnchangedOverlay(head, shared, changed) };
}

/** Reads and listings remembered per path (a failure is not remembered, so it is tried again). */
class RememberedSource implements FileSource {
  private readonly reads = new Map<string, Promise<string | undefined>>();
  private readonly lists = new Map<string, Promise<string[]>>();

  constructor(private readonly source: FileSource) {}

  get label(): string {
    return this.source.label;
  }

  read(path: string): Promise<string | undefined> {
    return remember(this.reads, normalizePath(path), (p) => this.source.read(p));
  }

  list(dir: string): Promise<string[]> {
    return remember(this.lists, normalizePath(dir), (d) => this.source.list(d));
  }

  async blobId(path: string): Promise<string | undefined> {
    return this.source.blobId?.(path);
  }

  prefetch(paths: readonly string[]): void {
    this.source.prefetch?.(paths.filter((p) => !this.reads.has(normalizePath(p))));
  }
}

class UnchangedOverlay implements FileSource {
  constructor(
    private readonly head: FileSource,
    private readonly base: FileSource,
    private readonly changed: () => ReadonlySet<string> | undefined,
  ) {}

  get label(): string {
    return this.head.label;
  }

  read(path: string): Promise<string | undefined> {
    return this.unchanged(path) ? this.base.read(path) : this.head.read(path);
  }

  list(dir: string): Promise<string[]> {
    const prefix = normalizePath(dir).replace(/\/$/, "");
    const changed = this.changed();
    // A folder none of whose paths changed lists the same at both commits.
    const same = changed !== undefined && ![...changed].some((p) => prefix === "" || p.startsWith(`${prefix}/`));
    return same ? this.base.list(dir) : this.head.list(dir);
  }

  async blobId(path: string): Promise<string | undefined> {
    return this.unchanged(path) ? this.base.blobId?.(path) : this.head.blobId?.(path);
  }

  prefetch(paths: readonly string[]): void {
    this.base.prefetch?.(paths.filter((p) => this.unchanged(p)));
    this.head.prefetch?.(paths.filter((p) => !this.unchanged(p)));
  }

  private unchanged(path: string): boolean {
    const changed = this.changed();
    return changed !== undefined && !changed.has(normalizePath(path));
  }
}

function remember<T>(memo: Map<string, Promise<T>>, key: string, load: (key: string) => Promise<T>): Promise<T> {
  let pending = memo.get(key);
  if (!pending) {
    pending = load(key);
    memo.set(key, pending);
    const settled = pending;
    settled.catch(() => {
      if (memo.get(key) === settled) memo.delete(key);
    });
  }
  return pending;
}
