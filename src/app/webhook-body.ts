import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The largest webhook body either platform sends: GitHub caps payloads at 25 MB ("About webhook
 * events and payloads": a larger one is not delivered at all), and GitLab refuses to send
 * hooks whose JSON is over 25 MB. Anything bigger is not a real delivery.
 */
export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;

/**
 * A webhook's body as text, or undefined past `maxBytes`: refused from its Content-Length
 * before a byte is read, or as soon as a chunked body passes the cap, so an unsigned POST of
 * any size costs at most `maxBytes` of memory. The request is left unread after a refusal.
 */
export async function readWebhookBody(req: IncomingMessage, maxBytes = MAX_WEBHOOK_BODY_BYTES): Promise<string | undefined> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Answer 413 and close the connection: the rest of an oversized body is never read (Node
 * discards what arrives on a socket that is closing).
 */
export function refuseOversizedBody(res: ServerResponse): true {
  res.writeHead(413, { "content-type": "application/json", connection: "close" }).end(JSON.stringify({ error: "body too large" }));
  return true;
}
