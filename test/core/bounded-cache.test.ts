import { describe, expect, it } from "vitest";
import { BoundedCache, stringBytes } from "../../src/core/bounded-cache.js";

const textCache = (maxBytes: number) => new BoundedCache<string, string>({ maxBytes, sizeOf: (text) => stringBytes(text) });

describe("BoundedCache: least recently used out, bounded by bytes", () => {
  it("drops the least recently used entries once the bytes held pass the budget", () => {
    const cache = textCache(40);
    cache.set("a", "x".repeat(10)); // 20 bytes
    cache.set("b", "y".repeat(10)); // 40 bytes in all
    expect(cache.get("a")).toBe("x".repeat(10)); // a is now the most recent
    cache.set("c", "z".repeat(5)); // 50 bytes: b, the least recently used, goes
    expect([cache.has("a"), cache.has("b"), cache.has("c")]).toEqual([true, false, true]);
    expect(cache.bytes).toBe(30);
  });

  it("never keeps a value bigger than the whole budget, and keeps what it had", () => {
    const cache = textCache(40);
    cache.set("small", "s");
    cache.set("huge", "h".repeat(21));
    expect(cache.has("huge")).toBe(false);
    expect(cache.get("small")).toBe("s");
  });

  it("counts a replaced value once, and forgets deleted ones", () => {
    const cache = textCache(100);
    cache.set("k", "1234");
    cache.set("k", "12");
    expect(cache.bytes).toBe(4);
    cache.delete("k");
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });

  it("holds a thousand 1 MiB values in no more than its budget", () => {
    const cache = textCache(8 * 1024 * 1024);
    const mib = "m".repeat(512 * 1024); // 1 MiB as estimated
    for (let i = 0; i < 1000; i++) cache.set(`blob-${i}`, mib);
    expect(cache.bytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(cache.size).toBe(8);
    expect(cache.has("blob-999")).toBe(true);
  });
});
