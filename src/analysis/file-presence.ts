import { normalizePath, type FileSource } from "../core/file-source.js";

/**
 * Whether a file exists, without fetching its text where the source can say so from its
 * listing of blob ids (a GitHub tree); else by reading it.
 */
export async function fileExists(source: FileSource, path: string): Promise<boolean> {
  if ((await source.blobId?.(path)) !== undefined) return true;
  return (await source.read(path)) !== undefined;
}

/**
 * Which files exist in one revision, learnt by asking about each path the analysis needs
 * (a recipe a build names, a changed recipe) instead of listing the whole tree: on the
 * GitHub and GitLab API sources a full listing pages through every file of the repository.
 */
export class FilePresence {
  private readonly known = new Map<string, Promise<boolean>>();
  private readonly answered = new Map<string, boolean>();

  constructor(private readonly source: FileSource) {}

  exists(path: string): Promise<boolean> {
    const p = normalizePath(path);
    let found = this.known.get(p);
    if (!found) {
      found = fileExists(this.source, p).then((exists) => {
        this.answered.set(p, exists);
        return exists;
      });
      this.known.set(p, found);
    }
    return found;
  }

  /**
   * A set for a synchronous scan: it answers the paths already checked and notes the others
   * in `asked` (answering "absent" for now), so the caller can check them and scan again.
   */
  view(asked: Set<string>): ReadonlySet<string> {
    return new AskingSet(this.answered, asked);
  }
}

class AskingSet extends Set<string> {
  constructor(
    private readonly answered: ReadonlyMap<string, boolean>,
    private readonly asked: Set<string>,
  ) {
    super();
  }

  override has(path: string): boolean {
    const exists = this.answered.get(normalizePath(path));
    if (exists === undefined) this.asked.add(path);
    return exists === true;
  }
}
