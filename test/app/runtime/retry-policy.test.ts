import { describe, expect, it } from "vitest";
import { politeFetch } from "../../../src/platforms/http/polite-fetch.js";
import { retryDelayMs, serverRequestedWaitMs, type RetryPolicy } from "../../../src/platforms/http/retry-policy.js";

const POLICY: RetryPolicy = { retries: 3, baseMs: 100, maxWaitMs: 60_000, timeoutMs: 30_000 };
const NOW = Date.parse("2026-11-28T12:00:00Z");

describe("how long the server asked us to wait", () => {
  it.each([
    ["Retry-After in seconds (both platforms)", { "retry-after": "7" }, 7000],
    ["Retry-After as an HTTP date", { "retry-after": new Date(NOW + 3000).toUTCString() }, 3000],
    ["GitLab RateLimit-Reset (epoch seconds)", { "ratelimit-reset": String(NOW / 1000 + 20) }, 20_000],
    ["GitHub x-ratelimit-reset once the quota is spent", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW / 1000 + 60) }, 60_000],
    ["GitHub x-ratelimit-reset with quota left says nothing", { "x-ratelimit-remaining": "10", "x-ratelimit-reset": String(NOW / 1000 + 60) }, undefined],
    ["no header", {}, undefined],
  ])("%s", (_name, headers: Record<string, string>, expected) => {
    expect(serverRequestedWaitMs((name) => headers[name], NOW)).toBe(expected);
  });

  it("backs off exponentially with jitter when the server says nothing, and never past the cap", () => {
    expect([0, 1, 2].map((n) => retryDelayMs(POLICY, n, undefined, () => 0))).toEqual([100, 200, 400]);
    expect(retryDelayMs(POLICY, 2, undefined, () => 0.99)).toBe(796);
    expect(retryDelayMs({ ...POLICY, maxWaitMs: 5000, timeoutMs: 30_000 }, 0, 3_600_000, () => 0)).toBe(5000);
  });
});

describe("politeFetch", () => {
  it("rides out 502s, a 429 with Retry-After and a network error, waiting as asked, and returns the success", async () => {
    const replies: Array<Response | Error> = [
      new Response("bad gateway", { status: 502 }),
      new Response("slow down", { status: 429, headers: { "retry-after": "2" } }),
      new TypeError("fetch failed"),
      new Response("{}", { status: 200 }),
    ];
    const waits: number[] = [];
    const statuses: number[] = [];
    const response = await politeFetch(() => new Request("http://127.0.0.1/x"), {
      policy: POLICY,
      sleep: async (ms) => void waits.push(ms),
      onResponse: (_m, status) => statuses.push(status),
      fetch: async () => {
        const next = replies.shift();
        if (next instanceof Error) throw next;
        return next ?? new Response("", { status: 500 });
      },
    });
    expect(response.status).toBe(200);
    expect(statuses).toEqual([502, 429, 0, 200]);
    expect(waits[1]).toBeGreaterThanOrEqual(2000);
    expect(waits[1]).toBeLessThan(2100);
  });

  it("does not retry a 404, and stops a write when the guard says the job is stale", async () => {
    let calls = 0;
    const fetch404 = async () => (calls++, new Response("", { status: 404 }));
    expect((await politeFetch(() => new Request("http://127.0.0.1/x"), { policy: POLICY, fetch: fetch404 })).status).toBe(404);
    expect(calls).toBe(1);
    const guard = async () => {
      throw new Error("superseded");
    };
    await expect(politeFetch(() => new Request("http://127.0.0.1/x", { method: "POST", body: "{}" }), { policy: POLICY, fetch: fetch404, beforeWrite: guard })).rejects.toThrow("superseded");
    expect(calls).toBe(1);
  });
});
