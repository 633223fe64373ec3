import type { Redis } from "ioredis";
import type { DeliveryDedupe } from "../delivery-dedupe.js";
import { KEY_PREFIX } from "./connection.js";

/**
 * Delivery de-duplication shared by every replica: `SET NX` claims a key once, whichever
 * replica the load balancer picked. Keys expire after `ttlSeconds` (GitHub and GitLab
 * redeliver within days, not forever), which also bounds what Redis holds.
 */
export class RedisDeliveryDedupe implements DeliveryDedupe {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = 3 * 24 * 3600,
  ) {}

  async claim(key: string): Promise<boolean> {
    return (await this.redis.set(this.name(key), "1", "EX", this.ttlSeconds, "NX")) === "OK";
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.name(key));
  }

  private name(key: string): string {
    return `${KEY_PREFIX}:delivery:${key}`;
  }
}
