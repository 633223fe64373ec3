import { BoundedCache, stringBytes } from "../../core/bounded-cache.js";
import type { YamlLimits, ParsedYaml } from "../yaml/parse-yaml.js";

/**
 * What a parsed file holds per character of its text: its nodes, positions and strings took
 * about 17 bytes per source character on generated CI files (heap measured after GC); 24
 * keeps the estimate on the safe side of a budget.
 */
export const PARSED_BYTES_PER_CHAR = 24;

/**
 * One analysis' default budget: both revisions of the largest configuration the load limits
 * allow stay parsed once each (a re-parse only costs time, never a wrong answer).
 */
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Parsed files remembered across loads: the head of a merge request shares almost every file
 * with its base, and a context whose `include:rules` force a re-load reads the same files again.
 * A file is parsed once per content: the key is its path (positions name the file) and its git
 * blob id when the source knows it, else its full text (exact: no hash collision can mix two
 * contents). Parsed trees are never changed by the loader, so one tree can serve many loads.
 * Bounded by the bytes the parsed trees hold (core/bounded-cache.ts): least recently used out.
 */
export class ParseCache {
  private readonly entries: BoundedCache<string, ParsedYaml & { chars: number }>;

  constructor(maxBytes = DEFAULT_MAX_BYTES) {
    this.entries = new BoundedCache({ maxBytes, sizeOf: (parsed, key) => stringBytes(key) + PARSED_BYTES_PER_CHAR * parsed.chars });
  }

  get(path: string, identity: FileIdentity, limits: YamlLimits): ParsedYaml | undefined {
    return this.entries.get(cacheKey(path, identity, limits));
  }

  /** `chars`: the length of the text parsed, which sets what the parse holds. */
  set(path: string, identity: FileIdentity, limits: YamlLimits, parsed: ParsedYaml, chars: number): void {
    this.entries.set(cacheKey(path, identity, limits), { ...parsed, chars });
  }

  /** Files held. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes held, as estimated. */
  get bytes(): number {
    return this.entries.bytes;
  }
}

/** How a file's content is known: its git blob id, or its text. */
export type FileIdentity = { blob: string } | { text: string };

function cacheKey(path: string, identity: FileIdentity, limits: YamlLimits): string {
  const limitsKey = `${limits.maxFileBytes}/${limits.maxNestingDepth}/${limits.maxExpandedNodes}`;
  return "blob" in identity ? `${path}\0${limitsKey}\0b${identity.blob}` : `${path}\0${limitsKey}\0t${identity.text}`;
}
