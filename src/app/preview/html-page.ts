import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";

/**
 * A comment as GitHub shows it: the markdown through a CommonMark + GFM parser (micromark with
 * its GFM extension: tables, strikethrough, autolinks, task lists, the tag filter) into GitHub's
 * own markdown stylesheet (github-markdown-css), in a comment box as wide as GitHub's comment
 * column. GitHub lets the few HTML tags the report writes (`<details>`, `<summary>`, `<b>`,
 * `<br>`, `<code>`) through its sanitizer; so does this page.
 */

/** GitHub's comment column on a pull request, border included. */
export const COMMENT_WIDTH = 728;

const require = createRequire(import.meta.url);

function stylesheet(): string {
  return readFileSync(require.resolve("github-markdown-css/github-markdown-light.css"), "utf8");
}

/**
 * GitHub draws a ```mermaid block as a diagram in a frame the width of the column; this page
 * has no Mermaid, so it shows a box of that width saying so, with the source folded away.
 */
function markMermaid(html: string): string {
  return html.replace(
    /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
    (_all, source: string) =>
      `<div class="mermaid-note">Mermaid diagram: GitHub and GitLab draw it here, fitted to the column.<details><summary>source</summary><pre><code>${source}</code></pre></details></div>`,
  );
}

/**
 * What the page measures once it has laid itself out, written into `#measure` for whoever
 * reads the page back (`--dump-dom`): its height, and every element wider than the column
 * (a table scrolls sideways inside it on GitHub; anything else sticks out). With `#open` in
 * the address, every `<details>` is opened first.
 */
const MEASURE_SCRIPT = `
if (location.hash === "#open") for (const d of document.querySelectorAll("details")) d.open = true;
const body = document.querySelector(".markdown-body");
const limit = body.getBoundingClientRect().right;
const wide = [];
for (const el of body.querySelectorAll("table, pre, p, li, h2, h3, h4, summary, img, div")) {
  const box = el.getBoundingClientRect();
  if (box.width === 0) continue;
  const overflow = Math.max(el.scrollWidth - el.clientWidth, Math.ceil(box.right - limit));
  if (overflow > 1) wide.push({ tag: el.tagName.toLowerCase(), width: Math.ceil(Math.max(el.scrollWidth, box.width)), text: el.textContent.replace(/\\s+/g, " ").trim().slice(0, 80) });
}
const box = document.querySelector(".comment").getBoundingClientRect();
document.getElementById("measure").textContent = JSON.stringify({ height: Math.ceil(box.bottom + 16), column: Math.round(body.clientWidth), wide });
`;

const PAGE_STYLE = `
body { margin: 0; background: #ffffff; }
.comment { width: ${COMMENT_WIDTH}px; box-sizing: border-box; margin: 16px; border: 1px solid #d0d7de; border-radius: 6px; }
.comment-header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d0d7de; border-radius: 6px 6px 0 0;
  font: 14px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #59636e; }
.markdown-body { padding: 16px; }
.mermaid-note { border: 1px dashed #d0d7de; padding: 8px; color: #59636e; font-size: 12px; }
#measure { display: none; }
`;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A whole HTML page showing `markdown` the way a GitHub comment shows it. */
export function previewPage(markdown: string, heading: string): string {
  const body = markMermaid(micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] }));
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(heading)}</title>`,
    `<style>${stylesheet()}</style>`,
    `<style>${PAGE_STYLE}</style>`,
    "</head><body>",
    `<div class="comment"><div class="comment-header">${escapeHtml(heading)}</div>`,
    `<div class="markdown-body">${body}</div></div>`,
    '<pre id="measure"></pre>',
    `<script>${MEASURE_SCRIPT}</script>`,
    "</body></html>",
    "",
  ].join("\n");
}
