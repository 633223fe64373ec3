/** The blob cache is shared by both platforms; it lives in ../blob-cache.ts. */
export { LruBlobCache, type BlobCache } from "../blob-cache.js";
