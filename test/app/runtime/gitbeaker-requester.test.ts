import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Gitlab } from "@gitbeaker/rest";
import { describe, expect, it } from "vitest";
import { politeGitbeakerRequester } from "../../../src/platforms/http/gitbeaker-requester.js";

describe("gitbeaker with the polite requester", () => {
  it("waits out a 429 with RateLimit-Reset and a 502, then returns gitbeaker's usual result", async () => {
    const replies = [
      { status: 429, headers: { "ratelimit-reset": String(Math.ceil(Date.now() / 1000)) } },
      { status: 502, headers: {} },
      { status: 200, headers: {} },
    ];
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const reply = replies.shift() ?? { status: 500, headers: {} };
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers }).end(JSON.stringify(reply.status === 200 ? { id: 1, path_with_namespace: "g/p" } : { message: "busy" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const statuses: number[] = [];
    try {
      const api = new Gitlab({
        host: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        token: "t",
        requesterFn: politeGitbeakerRequester({ policy: { retries: 3, baseMs: 10, maxWaitMs: 2000, timeoutMs: 30_000 }, onResponse: (_m, s) => statuses.push(s) }),
      });
      const project = await api.Projects.show("g/p");
      expect(project).toMatchObject({ id: 1, path_with_namespace: "g/p" });
      expect(statuses).toEqual([429, 502, 200]);
      expect(seen).toEqual(Array(3).fill("GET /api/v4/projects/g%2Fp"));
    } finally {
      server.close();
    }
  });
});
