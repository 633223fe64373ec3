import { normalizePath, type FileSource } from "../../core/file-source.js";
import type { BlobCache } from "../blob-cache.js";
import { httpStatusOf, type GitLabApi } from "./gitlab-api.js";
import type { GitLabBlobs } from "./gitlab-blobs.js";
import { treeEntrySchema } from "./schema.js";

export interface GitLabSourceOptions {
  api: GitLabApi;
  /** Project id (or URL-encoded path). For a fork MR the head commit is read from the TARGET project. */
  project: number | string;
  sha: string;
  /** The long-lived cache: folder listings by commit (a commit's tree never changes). */
  cache: BlobCache;
  /** File texts, many per request, kept across pushes; shared by the revisions of one review. */
  blobs: GitLabBlobs;
  label?: string;
  /** Most tree entries one listing may fetch (pages of 100); beyond it the listing fails loudly. */
  maxTreeEntries?: number;
}

/** 100 pages of the tree API: a large repository, and still a bounded cost. */
export const MAX_TREE_ENTRIES = 10_000;

/**
 * One commit of a GitLab project as a FileSource. Files come through GitLabBlobs (GraphQL,
 * many per request, kept across pushes); a listing asks the tree API for the folder asked
 * only (recursive), so a wildcard include under `ci/` never walks the whole repository, and
 * is kept in the long-lived cache by commit.
 */
export class GitLabSource implements FileSource {
  readonly label: string;
  /** folder ("" = root) → path → blob id, for every listing made. */
  private readonly listings = new Map<string, Promise<Map<string, string>>>();

  constructor(private readonly options: GitLabSourceOptions) {
    this.label = options.label ?? options.sha.slice(0, 8);
  }

  get sha(): string {
    return this.options.sha;
  }

  read(path: string): Promise<string | undefined> {
    return this.options.blobs.read(this.options.sha, normalizePath(path));
  }

  /** Start reading files the walk will read next (a CI file's includes): they go out in one query. */
  prefetch(paths: readonly string[]): void {
    for (const path of paths) void this.read(path).catch(() => undefined);
  }

  async list(dir: string): Promise<string[]> {
    const prefix = normalizePath(dir).replace(/\/$/, "");
    const covering = this.coveringListing(prefix);
    const entries = await (covering ?? this.listing(prefix));
    return [...entries.keys()].filter((p) => prefix === "" || p.startsWith(`${prefix}/`)).sort();
  }

  /** The blob id when a listing or a read already named the file; never asks by itself. */
  async blobId(path: string): Promise<string | undefined> {
    const p = normalizePath(path);
    return (await this.knownBlobId(p)) ?? this.options.blobs.knownBlobId(this.options.sha, p);
  }

  private async knownBlobId(path: string): Promise<string | undefined> {
    for (const [folder, listing] of this.listings) {
      if (folder !== "" && !path.startsWith(`${folder}/`)) continue;
      const id = (await listing.catch(() => undefined))?.get(path);
      if (id) return id;
    }
    return undefined;
  }

  /** A listing already made (or running) of `prefix` or a folder above it. */
  private coveringListing(prefix: string): Promise<Map<string, string>> | undefined {
    for (const [folder, listing] of this.listings) {
      if (folder === "" || folder === prefix || prefix.startsWith(`${folder}/`)) return listing;
    }
    return undefined;
  }

  private listing(prefix: string): Promise<Map<string, string>> {
    const pending = this.fetchTree(prefix);
    this.listings.set(prefix, pending);
    // A failed listing must not poison later ones.
    pending.catch(() => {
      if (this.listings.get(prefix) === pending) this.listings.delete(prefix);
    });
    return pending;
  }

  private async fetchTree(prefix: string): Promise<Map<string, string>> {
    const text = await this.options.cache.getOrFetch(`gitlab-tree:${this.options.sha}:${prefix}`, async () => JSON.stringify([...(await this.listTree(prefix))]));
    return new Map(JSON.parse(text) as Array<[string, string]>);
  }

  private async listTree(prefix: string): Promise<Map<string, string>> {
    const { api, project, sha } = this.options;
    const max = this.options.maxTreeEntries ?? MAX_TREE_ENTRIES;
    let raw: unknown[];
    try {
      raw = await api.tree(project, { ref: sha, path: prefix, maxEntries: max });
    } catch (err) {
      // The tree API answers 404 for a folder that does not exist at that commit.
      if (httpStatusOf(err) === 404) return new Map();
      throw err;
    }
    if (raw.length >= max) {
      throw new Error(`${prefix === "" ? "the repository" : `\`${prefix}/\``} at ${sha.slice(0, 8)} has more than ${max} entries; ci-explain does not list more through the API`);
    }
    const blobs = new Map<string, string>();
    for (const item of raw) {
      const entry = treeEntrySchema.parse(item);
      if (entry.type === "blob") blobs.set(entry.path, entry.id);
    }
    return blobs;
  }

}
