import type { YamlLimits, ParsedYaml } from "../yaml/parse-yaml.js";

/**
 * Parsed files remembered across loads: the head of a merge request shares almost every file
 * with its base, and a context whose `include:rules` force a re-load reads the same files again.
 * A file is parsed once per content: the key is its path (positions name the file) and its git
 * blob id when the source knows it, else its full text (exact: no hash collision can mix two
 * contents). Parsed trees are never changed by the loader, so one tree can serve many loads.
 * Bounded: the oldest entry goes first.
 */
export class ParseCache {
  private readonly entries = new Map<string, ParsedYaml>();

  constructor(private readonly maxEntries = 1000) {}

  get(path: string, identity: FileIdentity, limits: YamlLimits): ParsedYaml | undefined {
    const key = cacheKey(path, identity, limits);
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its age: a file every revision shares stays while one-off files go.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(path: string, identity: FileIdentity, limits: YamlLimits, parsed: ParsedYaml): void {
    const key = cacheKey(path, identity, limits);
    this.entries.set(key, parsed);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** How a file's content is known: its git blob id, or its text. */
export type FileIdentity = { blob: string } | { text: string };

function cacheKey(path: string, identity: FileIdentity, limits: YamlLimits): string {
  const limitsKey = `${limits.maxFileBytes}/${limits.maxNestingDepth}/${limits.maxExpandedNodes}`;
  return "blob" in identity ? `${path}\0${limitsKey}\0b${identity.blob}` : `${path}\0${limitsKey}\0t${identity.text}`;
}
