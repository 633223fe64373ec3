import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Does a secret sent verbatim (GitLab's `X-Gitlab-Token`, a bearer token) equal ours? Compared
 * in constant time: both sides are hashed first, so the comparison is of equal-length digests
 * and says nothing about the secret's length either. An empty secret matches nothing.
 */
export function matchesSecret(received: string | string[] | undefined, secret: string): boolean {
  if (typeof received !== "string" || received === "" || secret === "") return false;
  return timingSafeEqual(digest(received), digest(secret));
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
