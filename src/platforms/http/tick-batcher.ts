/**
 * Many small reads as few requests: the keys asked for while the event loop runs one turn
 * (base and head loading side by side, the includes of one file) are answered together by
 * `fetchMany`, at most `maxPerCall` keys a call. Each ask gets its own key's answer;
 * a failed call fails the asks it carried.
 */
export class TickBatcher<K, V> {
  private pending = new Map<string, { key: K; waiters: Array<{ resolve(value: V): void; reject(err: unknown): void }> }>();
  private scheduled = false;

  constructor(
    /** Answers for the keys, by `id(key)`; a key left out answers `missing`. */
    private readonly fetchMany: (keys: K[]) => Promise<Map<string, V>>,
    private readonly id: (key: K) => string,
    private readonly missing: V,
    private readonly maxPerCall: number,
  ) {}

  get(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const k = this.id(key);
      const entry = this.pending.get(k) ?? { key, waiters: [] };
      entry.waiters.push({ resolve, reject });
      this.pending.set(k, entry);
      if (!this.scheduled) {
        this.scheduled = true;
        // After every promise callback of this turn has run: the reads they start join in.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const entries = [...this.pending.values()];
    this.pending = new Map();
    for (let i = 0; i < entries.length; i += this.maxPerCall) {
      const chunk = entries.slice(i, i + this.maxPerCall);
      this.fetchMany(chunk.map((e) => e.key)).then(
        (answers) => {
          for (const e of chunk) for (const w of e.waiters) w.resolve(answers.get(this.id(e.key)) ?? this.missing);
        },
        (err: unknown) => {
          for (const e of chunk) for (const w of e.waiters) w.reject(err);
        },
      );
    }
  }
}
