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

/** In memory, least recently used first out, bounded by total characters held. */
export class LruBlobCache implements BlobCache {
  private readonly entries = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private size = 0;

  /** 32 M characters: a few thousand CI files and recipes, a small share of a bot's memory. */
  constructor(private readonly maxChars = 32 * 1024 * 1024) {}

  getOrFetch(blobSha: string, fetch: () => Promise<string>): Promise<string> {
    const text = this.entries.get(blobSha);
    if (text !== undefined) {
      this.entries.delete(blobSha);
      this.entries.set(blobSha, text);
      return Promise.resolve(text);
    }
    let pending = this.inFlight.get(blobSha);
    if (!pending) {
      pending = fetch()
        .then((fetched) => {
          this.store(blobSha, fetched);
          return fetched;
        })
        .finally(() => this.inFlight.delete(blobSha));
      this.inFlight.set(blobSha, pending);
    }
    return pending;
  }

  private store(blobSha: string, text: string): void {
    if (text.length > this.maxChars || this.entries.has(blobSha)) return;
    this.entries.set(blobSha, text);
    this.size += text.length;
    for (const [key, value] of this.entries) {
      if (this.size <= this.maxChars) break;
      this.entries.delete(key);
      this.size -= value.length;
    }
  }
}
