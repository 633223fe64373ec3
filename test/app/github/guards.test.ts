import { describe, expect, it } from "vitest";
import { MemoryDeliveryDedupe } from "../../../src/app/delivery-dedupe.js";
import { KeyedSerializer } from "../../../src/app/serialize-per-key.js";

describe("MemoryDeliveryDedupe", () => {
  it("claims a key once, again after release, and forgets the oldest past its bound", async () => {
    const dedupe = new MemoryDeliveryDedupe(2);
    expect([await dedupe.claim("a"), await dedupe.claim("a")]).toEqual([true, false]);
    await dedupe.release("a");
    expect(await dedupe.claim("a")).toBe(true);
    await dedupe.claim("b");
    await dedupe.claim("c");
    expect([await dedupe.claim("a"), await dedupe.claim("c")]).toEqual([true, false]);
  });
});

describe("KeyedSerializer", () => {
  it("runs tasks for one key one after another, and a failure does not block the next", async () => {
    const serializer = new KeyedSerializer();
    const order: string[] = [];
    const task = (name: string, fail = false) => async () => {
      order.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      serializer.run("pr", task("1", true)),
      serializer.run("pr", task("2")),
      serializer.run("other", task("x")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    expect(order.filter((e) => !e.endsWith("x"))).toEqual(["start 1", "end 1", "start 2", "end 2"]);
    expect(order.indexOf("start x")).toBeLessThan(order.indexOf("end 1"));
  });
});
