import { BoundedCache, stringBytes } from "../core/bounded-cache.js";

/**
 * File texts keyed by git blob SHA. A blob SHA names content, so an entry never goes stale:
 * an include unchanged between base and head, or between two pushes, is fetched once —
 * also when base and head ask for it at the same moment. The interface is one async verb
 * so a shared (Redis) cache can replace the in-memory one.
 */
export interface BlobCache {
  /** The text of blob `blobSha`: from the cache, from a fetch already running, or from `fetch`. */
  getOrFetch(blobSha: string, fetch: () => Promise<string>): Promise<string>;
}

/** In memory, least recently used first out, bounded by the bytes the texts hold. */
export class LruBlobCache implements BlobCache {
  private readonly entries: BoundedCache<string, string>;
  private readonly inFlight = new Map<string, Promise<string>>();

  /** 64 MiB: a few thousand CI files and recipes, a small share of a bot's memory. */
  constructor(maxBytes = 64 * 1024 * 1024) {
    this.entries = new BoundedCache({ maxBytes, sizeOf: (text, sha) => stringBytes(text) + stringBytes(sha) });
  }

  getOrFetch(blobSha: string, fetch: () => Promise<string>): Promise<string> {
    const text = this.entries.get(blobSha);
    if (text !== undefined) return Promise.resolve(text);
    let pending = this.inFlight.get(blobSha);
    if (!pending) {
      pending = fetch()
        .then((fetched) => {
          this.entries.set(blobSha, fetched);
          return fetched;
        })
        .finally(() => this.inFlight.delete(blobSha));
      this.inFlight.set(blobSha, pending);
    }
    return pending;
  }
}

/** What a platform says a path holds at a commit: its blob id, and its text when the same answer gives it. */
export interface FoundBlob {
  oid: string;
  text?: string;
}

/**
 * The file at `path` of a commit, through the cache: what the path holds there (its blob id,
 * or "" for no such file) under `pathKey` — a commit never changes, so this never goes stale
 * either — and its text under the blob id. `find` asks the platform (many paths per request,
 * its text too when it can); `fetchText` reads a text `find` did not give (binary, too large).
 * Undefined when the commit has no such file.
 */
export async function readAtCommit(
  cache: BlobCache,
  pathKey: string,
  find: () => Promise<FoundBlob | undefined>,
  fetchText: (oid: string) => Promise<string>,
): Promise<{ oid: string; text: string } | undefined> {
  const oid = await cache.getOrFetch(pathKey, async () => {
    const found = await find();
    if (!found) return "";
    const { text } = found;
    if (text !== undefined) await cache.getOrFetch(found.oid, async () => text);
    return found.oid;
  });
  if (oid === "") return undefined;
  return { oid, text: await cache.getOrFetch(oid, () => fetchText(oid)) };
}
