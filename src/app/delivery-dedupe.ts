/**
 * Remembers which webhook deliveries were handled, so a redelivery (same GitHub
 * `X-GitHub-Delivery` id, or GitLab `Idempotency-Key`) does no second write.
 * Keys combine the delivery id with the head SHA. Async so that a shared store (Redis)
 * can implement it when several replicas serve one app.
 */
export interface DeliveryDedupe {
  /** True the first time `key` is claimed; false when it was already claimed. */
  claim(key: string): Promise<boolean>;
  /** Forget a key whose work failed, so that redelivering the webhook retries it. */
  release(key: string): Promise<void>;
}

/** In memory, bounded: the oldest keys are forgotten first (GitHub redelivers within days, not forever). */
export class MemoryDeliveryDedupe implements DeliveryDedupe {
  private readonly seen = new Set<string>();

  constructor(private readonly maxKeys = 50_000) {}

  async claim(key: string): Promise<boolean> {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    while (this.seen.size > this.maxKeys) {
      const oldest = this.seen.values().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    return true;
  }

  async release(key: string): Promise<void> {
    this.seen.delete(key);
  }
}
