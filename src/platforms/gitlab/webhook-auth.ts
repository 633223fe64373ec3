import { matchesSecret } from "../secret-token.js";

/** GitLab sends the webhook's secret token verbatim in `X-Gitlab-Token` (no HMAC). */
export function isValidGitLabToken(received: string | string[] | undefined, secret: string): boolean {
  return matchesSecret(received, secret);
}
