import { createHash, timingSafeEqual } from "node:crypto";

/**
 * GitLab sends the webhook's secret token verbatim in `X-Gitlab-Token` (no HMAC). Compare
 * it in constant time: both sides are hashed first, so the comparison is of equal-length
 * digests and says nothing about the secret's length either.
 */
export function isValidGitLabToken(received: string | string[] | undefined, secret: string): boolean {
  if (typeof received !== "string" || received === "" || secret === "") return false;
  return timingSafeEqual(digest(received), digest(secret));
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
