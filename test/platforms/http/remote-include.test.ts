import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchRemoteInclude, isBlockedAddress } from "../../../src/platforms/http/remote-include.js";

/**
 * The remote-include guard. Names resolve through the test's own table (documentation
 * addresses stand for public hosts); nock answers every HTTPS request and no connection leaves
 * the machine.
 */
const DNS: Record<string, string[]> = {
  "ci.example.org": ["203.0.113.10"],
  "mirror.example.org": ["203.0.113.11"],
  "inside.example.org": ["10.1.2.3"],
  "sneaky.example.org": ["203.0.113.12", "127.0.0.1"],
  "metadata.example.org": ["169.254.169.254"],
};
const options = (extra: Partial<Parameters<typeof fetchRemoteInclude>[1]> = {}) => ({
  allowedHosts: ["ci.example.org", "inside.example.org", "sneaky.example.org", "metadata.example.org", "mirror.example.org", "127.0.0.1"],
  maxBytes: 1000,
  timeoutMs: 2000,
  resolve: async (host: string) => DNS[host] ?? [],
  ...extra,
});

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("fetchRemoteInclude", () => {
  it("reads an allowed https host that resolves to a public address", async () => {
    nock("https://ci.example.org").get("/ci/job.yml").reply(200, "job:\n  script: x\n");
    expect(await fetchRemoteInclude("https://ci.example.org/ci/job.yml", options())).toEqual({ found: "job:\n  script: x\n" });
  });

  it.each([
    ["a host not on the allowlist", "https://other.example.org/a.yml", "other.example.org is not in `includes: remote_hosts`"],
    ["plain http", "http://ci.example.org/a.yml", "is not https"],
    ["a name that resolves to a private address", "https://inside.example.org/a.yml", "resolves to 10.1.2.3"],
    ["a name with one loopback address among public ones", "https://sneaky.example.org/a.yml", "resolves to 127.0.0.1"],
    ["a name that resolves to the link-local metadata address", "https://metadata.example.org/a.yml", "resolves to 169.254.169.254"],
    ["a loopback address written in the URL", "https://127.0.0.1/a.yml", "resolves to 127.0.0.1"],
  ])("does not fetch %s, and says why", async (_what, url, why) => {
    const scope = nock(/.*/).get(/.*/).reply(200, "x: 1\n");
    const result = await fetchRemoteInclude(url, options());
    expect(result).toEqual({ unread: expect.stringContaining(why) });
    expect(scope.isDone()).toBe(false);
  });

  it("follows a redirect to another allowed public host", async () => {
    nock("https://ci.example.org").get("/a.yml").reply(302, "", { location: "https://mirror.example.org/b.yml" });
    nock("https://mirror.example.org").get("/b.yml").reply(200, "b: 1\n");
    expect(await fetchRemoteInclude("https://ci.example.org/a.yml", options())).toEqual({ found: "b: 1\n" });
  });

  it.each([
    ["a private address", "https://inside.example.org/x.yml", "resolves to 10.1.2.3"],
    ["a host not on the allowlist", "https://evil.example.net/x.yml", "evil.example.net is not in"],
    ["plain http", "http://ci.example.org/x.yml", "is not https"],
  ])("does not follow a redirect to %s", async (_what, location, why) => {
    nock("https://ci.example.org").get("/a.yml").reply(301, "", { location });
    const after = nock(/.*/).get("/x.yml").reply(200, "x: 1\n");
    expect(await fetchRemoteInclude("https://ci.example.org/a.yml", options())).toEqual({ unread: expect.stringContaining(why) });
    expect(after.isDone()).toBe(false);
  });

  it("stops reading a body larger than the limit, declared or not", async () => {
    nock("https://ci.example.org").get("/declared.yml").reply(200, "a".repeat(2000), { "content-length": "2000" });
    expect(await fetchRemoteInclude("https://ci.example.org/declared.yml", options())).toEqual({ unread: expect.stringContaining("larger than 1000 bytes") });
    nock("https://ci.example.org").get("/streamed.yml").reply(200, () => "b".repeat(5000));
    expect(await fetchRemoteInclude("https://ci.example.org/streamed.yml", options())).toEqual({ unread: expect.stringContaining("larger than 1000 bytes") });
  });

  it("gives up on a server that does not answer in time", async () => {
    nock("https://ci.example.org").get("/slow.yml").delay(500).reply(200, "a: 1\n");
    expect(await fetchRemoteInclude("https://ci.example.org/slow.yml", options({ timeoutMs: 100 }))).toEqual({ unread: expect.stringContaining("100 ms") });
  });

  it("leaves an error answer unread, with its status", async () => {
    nock("https://ci.example.org").get("/gone.yml").reply(404, "no");
    expect(await fetchRemoteInclude("https://ci.example.org/gone.yml", options())).toEqual({ unread: "https://ci.example.org/gone.yml answered HTTP 404" });
  });
});

describe("isBlockedAddress", () => {
  it.each([
    ["127.0.0.1", true], ["10.0.0.1", true], ["172.16.5.4", true], ["172.32.0.1", false], ["192.168.1.1", true],
    ["169.254.169.254", true], ["100.64.0.1", true], ["0.0.0.0", true], ["::1", true], ["::", true],
    ["fd00::1", true], ["fe80::1", true], ["::ffff:127.0.0.1", true], ["::ffff:8.8.8.8", false],
    ["8.8.8.8", false], ["2001:4860:4860::8888", false], ["not-an-address", true],
  ])("%s → %s", (address, blocked) => {
    expect(isBlockedAddress(address)).toBe(blocked);
  });
});
