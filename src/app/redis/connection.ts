import { Redis } from "ioredis";

/**
 * A Redis connection for REDIS_URL. `maxRetriesPerRequest: null` because BullMQ's blocking
 * worker commands require it; a command then waits for a reconnect instead of failing.
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** Every key this app writes starts with this, so one Redis can serve other tenants too. */
export const KEY_PREFIX = "ci-explain";
