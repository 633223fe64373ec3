import { normalizePath, type FileSource } from "../../core/file-source.js";
import type { BlobCache } from "../blob-cache.js";
import type { GitHubApi } from "./github-api.js";
import type { GitHubBlobs } from "./github-blobs.js";
import { contentsSchema, gitTreeSchema } from "./schema.js";

/** A file a comparison says changed: its new blob, or that it is gone (`sha` undefined). */
export interface TreeChange {
  path: string;
  sha?: string;
}

export interface GitHubSourceOptions {
  api: GitHubApi;
  owner: string;
  repo: string;
  /** The commit to read. For a fork PR this is the head SHA, read from the BASE repository. */
  sha: string;
  /** The long-lived cache: trees by commit SHA (a commit's tree never changes). */
  cache: BlobCache;
  /** File texts by blob SHA, many per request; shared by the revisions of one review. */
  blobs: GitHubBlobs;
  label?: string;
  /**
   * This commit's tree as `base`'s with `changes` applied — a comparison that names every
   * changed file makes it without a tree request. Used only when `base`'s tree is whole.
   */
  derivedFrom?: { base: GitHubSource; changes: readonly TreeChange[] };
}

/**
 * One commit of a GitHub repository as a FileSource.
 * One recursive tree call gives every path with its blob SHA (cached by commit SHA, so the
 * merge base of the next push costs nothing); file texts come by blob SHA through GitHubBlobs.
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
    // A truncated tree does not list every file: ask for this one path at this commit.
    return tree.truncated ? this.options.blobs.readAt(this.options.sha, p) : undefined;
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

  /** Start reading files the walk will read next (a CI file's includes): their blobs go out in one query. */
  prefetch(paths: readonly string[]): void {
    void this.loadTree()
      .then((tree) => {
        for (const path of paths) {
          const blob = tree.blobs.get(normalizePath(path));
          if (blob) void this.readBlob(blob).catch(() => undefined);
        }
      })
      .catch(() => undefined);
  }

  /** True when GitHub returned the commit's whole tree in one listing (not truncated). */
  async isListedWhole(): Promise<boolean> {
    return !(await this.loadTree()).truncated;
  }

  private loadTree(): Promise<Tree> {
    if (!this.tree) {
      const tree = this.deriveTree() ?? this.cachedTree();
      this.tree = tree;
      // A failed fetch must not poison later reads of the same source.
      tree.catch(() => {
        if (this.tree === tree) this.tree = undefined;
      });
    }
    return this.tree;
  }

  /** `base`'s tree with the changes applied, when `base`'s is whole; undefined without a `derivedFrom`. */
  private deriveTree(): Promise<Tree> | undefined {
    const from = this.options.derivedFrom;
    if (!from) return undefined;
    return from.base.loadTree().then((base) => {
      if (base.truncated) return this.cachedTree();
      const blobs = new Map(base.blobs);
      for (const change of from.changes) {
        if (change.sha === undefined) blobs.delete(change.path);
        else blobs.set(change.path, change.sha);
      }
      return { blobs, truncated: false };
    });
  }

  private async cachedTree(): Promise<Tree> {
    const text = await this.options.cache.getOrFetch(`github-tree:${this.options.sha}`, async () => JSON.stringify(await this.fetchTree()));
    const stored = JSON.parse(text) as StoredTree;
    return { blobs: new Map(stored.entries), truncated: stored.truncated };
  }

  private async fetchTree(): Promise<StoredTree> {
    const { api, owner, repo, sha } = this.options;
    const response = await api.rest.git.getTree({ owner, repo, tree_sha: sha, recursive: "1" });
    const tree = gitTreeSchema.parse(response.data);
    // GitHub truncates recursive trees past 100,000 entries or 7 MB.
    return { entries: tree.tree.filter((e) => e.type === "blob").map((e) => [e.path, e.sha]), truncated: tree.truncated };
  }

  private readBlob(blobSha: string): Promise<string> {
    return this.options.blobs.read(blobSha);
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

/** A tree as the cache keeps it (plain JSON). */
interface StoredTree {
  entries: Array<[string, string]>;
  truncated: boolean;
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
