import { normalizePath, type FileSource } from "../../core/file-source.js";
import type { BlobCache } from "./blob-cache.js";
import type { GitHubApi } from "./github-api.js";
import { contentsSchema, gitBlobSchema, gitTreeSchema } from "./schema.js";

export interface GitHubSourceOptions {
  api: GitHubApi;
  owner: string;
  repo: string;
  /** The commit to read. For a fork PR this is the head SHA, read from the BASE repository. */
  sha: string;
  cache: BlobCache;
  label?: string;
}

/**
 * One commit of a GitHub repository as a FileSource.
 * One recursive tree call gives every path with its blob SHA; file texts come from the
 * blobs API and are cached by blob SHA, so unchanged files cost nothing the second time.
 */
export class GitHubSource implements FileSource {
  readonly label: string;
  private tree?: Promise<Tree>;

  constructor(private readonly options: GitHubSourceOptions) {
    this.label = options.label ?? options.sha.slice(0, 8);
  }

  get sha(): string {
    return this.options.sha;
  }

  async read(path: string): Promise<string | undefined> {
    const p = normalizePath(path);
    const tree = await this.loadTree();
    const blob = tree.blobs.get(p);
    if (blob) return this.readBlob(blob);
    // A truncated tree does not list every file: ask for this one path.
    return tree.truncated ? this.readByContents(p) : undefined;
  }

  async list(dir: string): Promise<string[]> {
    const prefix = normalizePath(dir).replace(/\/$/, "");
    const tree = await this.loadTree();
    if (tree.truncated) return this.listByContents(prefix);
    return [...tree.blobs.keys()].filter((p) => prefix === "" || p.startsWith(`${prefix}/`)).sort();
  }

  async blobId(path: string): Promise<string | undefined> {
    return (await this.loadTree()).blobs.get(normalizePath(path));
  }

  /** True when GitHub returned the commit's whole tree in one listing (not truncated). */
  async isListedWhole(): Promise<boolean> {
    return !(await this.loadTree()).truncated;
  }

  private loadTree(): Promise<Tree> {
    if (!this.tree) {
      const tree = this.fetchTree();
      this.tree = tree;
      // A failed fetch must not poison later reads of the same source.
      tree.catch(() => {
        if (this.tree === tree) this.tree = undefined;
      });
    }
    return this.tree;
  }

  private async fetchTree(): Promise<Tree> {
    const { api, owner, repo, sha } = this.options;
    const response = await api.rest.git.getTree({ owner, repo, tree_sha: sha, recursive: "1" });
    const tree = gitTreeSchema.parse(response.data);
    const blobs = new Map<string, string>();
    for (const entry of tree.tree) if (entry.type === "blob") blobs.set(entry.path, entry.sha);
    // GitHub truncates recursive trees past 100,000 entries or 7 MB.
    return { blobs, truncated: tree.truncated };
  }

  private readBlob(blobSha: string): Promise<string> {
    return this.options.cache.getOrFetch(blobSha, () => this.fetchBlob(blobSha));
  }

  private async fetchBlob(blobSha: string): Promise<string> {
    const { api, owner, repo } = this.options;
    const response = await api.rest.git.getBlob({ owner, repo, file_sha: blobSha });
    const blob = gitBlobSchema.parse(response.data);
    return decode(blob.content, blob.encoding);
  }

  private async readByContents(path: string): Promise<string | undefined> {
    const { api, owner, repo, sha } = this.options;
    const response = await notFoundAsUndefined(api.rest.repos.getContent({ owner, repo, path, ref: sha }));
    if (!response) return undefined;
    const content = contentsSchema.parse(response.data);
    if (Array.isArray(content) || content.type !== "file") return undefined;
    return this.readBlob(content.sha);
  }

  private async listByContents(dir: string): Promise<string[]> {
    const { api, owner, repo, sha } = this.options;
    const response = await notFoundAsUndefined(api.rest.repos.getContent({ owner, repo, path: dir, ref: sha }));
    if (!response) return [];
    const content = contentsSchema.parse(response.data);
    if (!Array.isArray(content)) return content.type === "file" ? [content.path] : [];
    const nested = await Promise.all(
      content.map((entry) => (entry.type === "dir" ? this.listByContents(entry.path) : Promise.resolve(entry.type === "file" ? [entry.path] : []))),
    );
    return nested.flat().sort();
  }
}

interface Tree {
  /** path → blob SHA */
  blobs: Map<string, string>;
  truncated: boolean;
}

function decode(content: string, encoding: string): string {
  return encoding === "base64" ? Buffer.from(content, "base64").toString("utf8") : content;
}

/** The contents API answers 404 for a path that does not exist at that commit. */
async function notFoundAsUndefined<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (err) {
    if (typeof err === "object" && err !== null && "status" in err && err.status === 404) return undefined;
    throw err;
  }
}
