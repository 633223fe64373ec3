import type { Redis } from "ioredis";
import { LruBlobCache, type BlobCache } from "../../platforms/blob-cache.js";
import { KEY_PREFIX } from "./connection.js";

/**
 * The blob cache shared by every replica: a bounded in-memory LRU in front (same process,
 * no round trip), Redis behind it (a file one replica fetched is not fetched again by
 * another). A blob SHA names content, so entries never go stale; they expire only to
 * bound what Redis holds. Files over `maxRedisChars` stay local: Redis is for many small
 * CI files, not the odd huge one.
 */
export class RedisBlobCache implements BlobCache {
  constructor(
    private readonly redis: Redis,
    private readonly local: BlobCache = new LruBlobCache(16 * 1024 * 1024),
    private readonly ttlSeconds = 7 * 24 * 3600,
    private readonly maxRedisChars = 512 * 1024,
  ) {}

  getOrFetch(blobSha: string, fetch: () => Promise<string>): Promise<string> {
    return this.local.getOrFetch(blobSha, async () => {
      const key = `${KEY_PREFIX}:blob:${blobSha}`;
      const shared = await this.redis.get(key).catch(() => null);
      if (shared !== null) return shared;
      const text = await fetch();
      // A Redis hiccup must not fail a review: the cache is an optimisation.
      if (text.length <= this.maxRedisChars) await this.redis.set(key, text, "EX", this.ttlSeconds).catch(() => undefined);
      return text;
    });
  }
}
