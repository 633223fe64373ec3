/**
 * A sliding-window limit per key (e.g. one pull request), in memory.
 * The clock is passed in, so the limiter stays pure and tests need no timers.
 * Bounded: the least recently used keys are dropped past `maxKeys`.
 */
export interface CommandRateLimiter {
  /** True when one more command for `key` is allowed at `nowMs` (and counts it). */
  tryAcquire(key: string, nowMs: number): boolean;
}

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  maxKeys?: number;
}

/** 5 commands per 10 minutes per pull request: enough for a person, too few for a loop of bots. */
export const DEFAULT_COMMAND_RATE_LIMIT: RateLimitOptions = { limit: 5, windowMs: 10 * 60 * 1000, maxKeys: 10_000 };

export class SlidingWindowLimiter implements CommandRateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly options: RateLimitOptions = DEFAULT_COMMAND_RATE_LIMIT) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const recent = (this.hits.get(key) ?? []).filter((t) => nowMs - t < this.options.windowMs);
    this.hits.delete(key);
    const allowed = recent.length < this.options.limit;
    if (allowed) recent.push(nowMs);
    this.hits.set(key, recent);
    const maxKeys = this.options.maxKeys ?? DEFAULT_COMMAND_RATE_LIMIT.maxKeys ?? 10_000;
    while (this.hits.size > maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest === undefined) break;
      this.hits.delete(oldest);
    }
    return allowed;
  }
}
