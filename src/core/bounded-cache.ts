/**
 * The one bounded cache of the project: least recently used first out, bounded by an estimate
 * of the BYTES its values hold (never by a count of entries alone, which bounds nothing when
 * one entry can be a megabyte). Every long-lived cache is built from it, with its budget
 * stated where it is made.
 */
export interface BoundedCacheOptions<K, V> {
  /** What the cache may hold, in bytes as `sizeOf` estimates them. */
  maxBytes: number;
  /** The bytes one entry holds: its key and value, as far as the cache keeps them alive. */
  sizeOf(value: V, key: K): number;
}

export class BoundedCache<K, V> {
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private held = 0;

  constructor(private readonly options: BoundedCacheOptions<K, V>) {}

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /**
   * Keep `value`, dropping the least recently used entries until the whole fits. A value bigger
   * than the whole budget is not kept (it would only push everything else out).
   */
  set(key: K, value: V): void {
    this.delete(key);
    const bytes = this.options.sizeOf(value, key);
    if (bytes > this.options.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.held += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.options.maxBytes) break;
      this.entries.delete(oldest);
      this.held -= entry.bytes;
    }
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.held -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes held, as `sizeOf` estimated them. */
  get bytes(): number {
    return this.held;
  }
}

/**
 * What a string costs in memory, at most: V8 keeps a string in one byte per character when it
 * can and two otherwise; two is the safe side of a budget.
 */
export function stringBytes(text: string): number {
  return 2 * text.length;
}
