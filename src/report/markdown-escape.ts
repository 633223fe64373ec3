/**
 * Escaping for text that comes from the repository (job names, branch names, image
 * references, `if:` texts). Such text must not break a table (`|`, newlines), inject HTML
 * (`<`, `&`), ping people or cross-reference issues (`@user`, `#12`, `!12`), open a code
 * span, start a link or an emoji, or change the page's direction (bidi controls).
 */

/** Longest piece of repository text shown in one place; long names are cut with "…". */
export const MAX_SPAN_CHARS = 300;

const ZERO_WIDTH_SPACE = "\u200b";

/** Cuts text to `max` UTF-16 units (what JS and the platforms' limits count), marking the cut; never splits a surrogate pair. */
export function clip(text: string, max = MAX_SPAN_CHARS): string {
  if (text.length <= max) return text;
  let out = "";
  for (const c of text) {
    if (out.length + c.length > max - 1) break;
    out += c;
  }
  return `${out}…`;
}

/**
 * Fits a one-line headline (`A · B · C, D`) into `max` by dropping whole trailing phrases
 * and marking the drop (`A · B · …`), so a check title or status description never ends in a
 * cut word ("1 fix…"); the full sentence is in the summary it heads. Text without a phrase
 * break that fits is clipped as `clip` does.
 */
export function clipPhrases(text: string, max: number): string {
  if (text.length <= max) return text;
  const breaks = [...text.matchAll(/ · |, /g)].map((m) => (m.index ?? 0) + m[0].length).reverse();
  const fitted = breaks.map((end) => `${text.slice(0, end)}…`).find((candidate) => candidate.length <= max);
  return fitted ?? clip(text, max);
}

/**
 * One line of visible text: newlines and tabs become spaces, control characters and
 * bidirectional overrides go (a "trojan source" name must not reorder the row, and an
 * escape sequence must not reach a terminal).
 */
export function singleLine(text: string): string {
  return text
    .replace(/[\r\n\t\v\f\u2028\u2029]+/g, " ")
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "");
}

/**
 * Breaks what GitHub and GitLab turn into pings, cross-references (which post a "mentioned
 * in" note on the target), emoji and bare links by a zero-width space: `@user`, `@all`,
 * `#12`, `!12` (GitLab MR), `$12` (snippet), `&12` (epic), `:tada:`, `https://…`, `www.…`.
 * The text still reads the same.
 */
function defuseReferences(text: string): string {
  return text
    .replace(/@(?=[\p{L}\p{N}_])/gu, `@${ZERO_WIDTH_SPACE}`)
    .replace(/([#!$&])(?=\d)/g, `$1${ZERO_WIDTH_SPACE}`)
    .replace(/:(?=[a-z0-9_+-]+:)/gi, `:${ZERO_WIDTH_SPACE}`)
    .replace(/\b(https?|ftp)(?=:\/\/)/gi, `$1${ZERO_WIDTH_SPACE}`)
    .replace(/\bwww\./gi, `www${ZERO_WIDTH_SPACE}.`);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Untrusted text for markdown (paragraphs, list items and table cells alike). Markdown
 * punctuation gets a backslash (`\|` also works inside GFM table cells), HTML
 * characters become entities, and a leading `1.`/`-`/`+` cannot start a list.
 */
export function escapeMarkdownText(text: string): string {
  const safe = defuseReferences(singleLine(clip(text)));
  return escapeHtml(safe)
    .replace(/[\\`*_[\]|~#${}]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+=]|\d+[.)])/, (_m, space: string, lead: string) => `${space}${lead.replace(/([-+=.)])$/, "\\$1")}`);
}

/** Untrusted text inside an HTML element such as `<summary>`, where markdown is not parsed. */
export function escapeHtmlText(text: string): string {
  return escapeHtml(defuseReferences(singleLine(clip(text))));
}

/**
 * A code span that shows `text` exactly: the fence is one backtick longer than the longest
 * run inside, padded with spaces when the text starts or ends with a backtick (CommonMark
 * "code spans"). In a table cell a `|` must still be written `\|` (GFM tables).
 */
export function codeSpan(text: string, inTableCell: boolean): string {
  let body = singleLine(clip(text));
  if (body === "") return "*(empty)*";
  if (inTableCell) body = body.replace(/\|/g, "\\|");
  const longest = Math.max(0, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || (body.startsWith(" ") && body.endsWith(" ")) ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** A fenced code block whose fence no line of `text` can close. */
export function codeFence(text: string, lang: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text.replace(/\n+$/, "")}\n${fence}`;
}

/**
 * A link target we are willing to print: http(s) only (no `javascript:`), with the
 * characters that would end a markdown link destination percent-encoded.
 */
export function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  return url.replace(/[\s()<>"'`|\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
