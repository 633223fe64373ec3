/**
 * The hidden marker that lets the bot find its own sticky comment again (GitHub issue
 * comments and GitLab MR notes alike keep HTML comments verbatim and hide them). The key
 * separates several reports in one MR (e.g. one per CI dialect); replies to commands get
 * their own marker so they are never mistaken for the sticky comment.
 */

const MARKER_NAMESPACE = "ci-explain";

export const DEFAULT_MARKER_KEY = "main";

/** Keys are ours, but keep them to a safe alphabet so the marker stays one HTML comment. */
function cleanKey(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, "-") || DEFAULT_MARKER_KEY;
}

/** The text inside `<!-- … -->`. */
export function commentMarkerText(key: string = DEFAULT_MARKER_KEY): string {
  return `${MARKER_NAMESPACE}:comment key=${cleanKey(key)}`;
}

export function commentMarker(key: string = DEFAULT_MARKER_KEY): string {
  return `<!-- ${commentMarkerText(key)} -->`;
}

export const REPLY_MARKER_TEXT = `${MARKER_NAMESPACE}:reply`;
export const REPLY_MARKER = `<!-- ${REPLY_MARKER_TEXT} -->`;

/** Whether a comment body is the sticky report with this key. */
export function hasCommentMarker(body: string | null | undefined, key: string = DEFAULT_MARKER_KEY): boolean {
  return !!body && body.includes(commentMarker(key));
}

/** Whether the bot wrote this body (sticky comment or reply), so it never answers itself. */
export function isOwnReport(body: string | null | undefined): boolean {
  return !!body && body.includes(`<!-- ${MARKER_NAMESPACE}:`);
}

/** The newest comment carrying the marker, from a platform's list of comments (oldest first). */
export function findMarkedComment<T extends { body?: string | null }>(comments: T[], key: string = DEFAULT_MARKER_KEY): T | undefined {
  for (let i = comments.length - 1; i >= 0; i--) if (hasCommentMarker(comments[i].body, key)) return comments[i];
  return undefined;
}
