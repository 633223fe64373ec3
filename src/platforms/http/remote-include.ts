import { lookup as dnsLookup } from "node:dns/promises";
import { request } from "node:https";
import { BlockList, isIP } from "node:net";
import type { Lookup } from "../../core/include-source.js";
import { DEFAULT_LOAD_LIMITS } from "../../gitlab-ci/load/limits.js";

export interface RemoteIncludeOptions {
  /** Host names (exact, case-insensitive) whose files may be fetched: `includes: remote_hosts`. */
  allowedHosts: readonly string[];
  /** Largest body read; past it the include is unread (GitLab's per-file YAML limit). */
  maxBytes: number;
  /** Whole fetch, redirects included. */
  timeoutMs: number;
  /** Resolves a host name to its addresses (tests give their own). */
  resolve?: (host: string) => Promise<string[]>;
}

/** A remote include is fetched in at most this long (GitLab gives the whole include expansion 30 s). */
export const REMOTE_INCLUDE_TIMEOUT_MS = 10_000;

/** The reader every surface uses: the project's allowlist, GitLab's per-file size, the time limit. */
export function remoteIncludeReader(allowedHosts: readonly string[]): (url: string) => Promise<Lookup<string>> {
  return (url) =>
    allowedHosts.length === 0
      ? Promise.resolve({ unread: "remote includes are read only from hosts listed in `includes: remote_hosts` of the base revision's .ci-explain.yml" })
      : fetchRemoteInclude(url, { allowedHosts, maxBytes: DEFAULT_LOAD_LIMITS.maxFileBytes, timeoutMs: REMOTE_INCLUDE_TIMEOUT_MS });
}

/** Redirects followed, each checked like the first request. */
const MAX_REDIRECTS = 3;

/**
 * Addresses a remote include must never reach: the bot runs next to things the internet must not
 * see. Loopback, private (RFC 1918, IPv6 unique-local), link-local (cloud metadata lives there),
 * carrier-grade NAT, "this network", multicast and the IPv4-mapped forms of all of these.
 */
const BLOCKED = (() => {
  const list = new BlockList();
  for (const [net, prefix] of [
    ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16],
    ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 3],
  ] as const) {
    list.addSubnet(net, prefix, "ipv4");
  }
  for (const [net, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96]] as const) {
    list.addSubnet(net, prefix, "ipv6");
  }
  return list;
})();

/** Whether an address is one a remote include may not reach (see BLOCKED). */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? BLOCKED.check(mapped[1], "ipv4") : BLOCKED.check(address, "ipv6");
}

/**
 * Fetch a remote include only when it is safe and allowed: https, a host on the allowlist, every
 * address the name resolves to public (resolved first, then the connection pinned to a checked
 * address, so a second DNS answer cannot point elsewhere), each redirect checked the same way,
 * within a size and a time limit. Anything else is unread, saying why — never an error of the
 * user's configuration, since GitLab itself may well read it.
 */
export async function fetchRemoteInclude(url: string, options: RemoteIncludeOptions): Promise<Lookup<string>> {
  const deadline = Date.now() + options.timeoutMs;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const target = await checkTarget(current, options);
    if ("unread" in target) return target;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { unread: `fetching ${url} took longer than ${options.timeoutMs} ms` };
    const reply = await get(target.url, target.address, remaining, options.maxBytes);
    if ("unread" in reply) return reply;
    if (reply.status >= 300 && reply.status < 400 && reply.location) {
      current = new URL(reply.location, target.url).toString();
      continue;
    }
    if (reply.status !== 200) return { unread: `${current} answered HTTP ${reply.status}` };
    return { found: reply.body };
  }
  return { unread: `${url} redirects more than ${MAX_REDIRECTS} times` };
}

async function checkTarget(text: string, options: RemoteIncludeOptions): Promise<{ url: URL; address: string } | { unread: string }> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { unread: `${text} is not a URL` };
  }
  if (url.protocol !== "https:") return { unread: `${text} is not https; only https remote includes are read` };
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (!options.allowedHosts.some((h) => h.toLowerCase() === host)) {
    return { unread: `${host} is not in \`includes: remote_hosts\` of .ci-explain.yml` };
  }
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await (options.resolve ?? resolveAll)(host);
  } catch (err) {
    return { unread: `${host} could not be resolved: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (addresses.length === 0) return { unread: `${host} has no address` };
  const blocked = addresses.find(isBlockedAddress);
  if (blocked) return { unread: `${host} resolves to ${blocked}, a loopback, private or link-local address` };
  return { url, address: addresses[0] };
}

async function resolveAll(host: string): Promise<string[]> {
  return (await dnsLookup(host, { all: true })).map((a) => a.address);
}

type Reply = { status: number; location?: string; body: string } | { unread: string };

function get(url: URL, address: string, timeoutMs: number, maxBytes: number): Promise<Reply> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "GET",
        headers: { accept: "text/plain, application/x-yaml, */*" },
        // The connection goes to the address that was checked, whatever DNS says now.
        lookup: (_host, _opts, callback) => callback(null, address, isIP(address)),
        timeout: timeoutMs,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const location = typeof res.headers.location === "string" ? res.headers.location : undefined;
        if (status !== 200) {
          res.resume();
          resolve({ status, ...(location ? { location } : {}), body: "" });
          return;
        }
        const declared = Number(res.headers["content-length"] ?? "0");
        if (declared > maxBytes) {
          res.destroy();
          resolve({ unread: `${url} is larger than ${maxBytes} bytes` });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            resolve({ unread: `${url} is larger than ${maxBytes} bytes` });
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (err) => resolve({ unread: `reading ${url} failed: ${err.message}` }));
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (err) => resolve({ unread: `fetching ${url} failed: ${err.message}` }));
    req.end();
  });
}
