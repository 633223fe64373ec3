import type { Block, Inline, Span } from "./document.js";
import { codeFence, codeSpan, escapeHtml, escapeHtmlText, escapeMarkdownText, safeUrl } from "./markdown-escape.js";

/** Where inline content lands: escaping differs in table cells and inside HTML `<summary>`. */
type InlinePlace = "text" | "cell" | "html";

function renderSpan(span: Span, place: InlinePlace): string {
  if (typeof span === "string") return place === "html" ? escapeHtmlText(span) : escapeMarkdownText(span);
  switch (span.kind) {
    case "trusted":
      return span.text;
    case "break":
      return place === "text" ? "  \n" : "<br>";
    case "code":
      return place === "html" ? `<code>${escapeHtmlText(span.text)}</code>` : codeSpan(span.text, place === "cell");
    case "strong":
      return place === "html" ? `<b>${renderInline(span.content, place)}</b>` : delimited("**", renderInline(span.content, place));
    case "em":
      return place === "html" ? `<i>${renderInline(span.content, place)}</i>` : delimited("*", renderInline(span.content, place));
    case "link": {
      const url = safeUrl(span.url);
      const label = renderInline(span.content, place);
      if (!url) return label;
      return place === "html" ? `<a href="${escapeHtml(url)}">${label}</a>` : `[${label}](${url})`;
    }
  }
}

/**
 * `*text*` with the spaces at either end outside the delimiters: CommonMark does not close an
 * emphasis after a space (`*from: *` shows its stars), so `from: ` becomes `*from:* `.
 */
function delimited(mark: string, inner: string): string {
  const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner) ?? ["", "", inner, ""];
  return core === "" ? inner : `${lead}${mark}${core}${mark}${trail}`;
}

export function renderInline(content: Inline, place: InlinePlace = "text"): string {
  return content.map((s) => renderSpan(s, place)).join("");
}

function renderTable(header: Inline[], rows: Inline[][]): string {
  const line = (cells: Inline[]) => `| ${cells.map((c) => renderInline(c, "cell") || " ").join(" | ")} |`;
  const width = header.length;
  // Every row gets exactly the header's number of cells, so no row can shift columns.
  const fit = (cells: Inline[]) => Array.from({ length: width }, (_, i) => cells[i] ?? []);
  return [line(header), `|${" --- |".repeat(width)}`, ...rows.map((r) => line(fit(r)))].join("\n");
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case "heading":
      return `${"#".repeat(block.level)} ${renderInline(block.content)}`;
    case "paragraph":
      return renderInline(block.content);
    case "list":
      // Continuation lines of an item are indented so they stay inside it.
      return block.items.map((item) => `- ${renderInline(item).replace(/\n/g, "\n  ")}`).join("\n");
    case "table":
      return renderTable(block.header, block.rows);
    case "details":
      // The blank lines let GitHub and GitLab parse markdown inside the HTML block.
      return [
        `<details><summary>${renderInline(block.summary, "html")}</summary>`,
        "",
        renderMarkdown(block.blocks),
        "",
        "</details>",
      ].join("\n");
    case "code":
      return codeFence(block.text, block.lang);
    case "diagram":
      return codeFence(block.text, "mermaid");
    case "hidden":
      return `<!-- ${block.text.replace(/--/g, "- -")} -->`;
    case "rule":
      return "---";
  }
}

/** Renders blocks as GitHub- and GitLab-flavoured markdown, separated by blank lines. */
export function renderMarkdown(blocks: Block[]): string {
  return blocks.map(renderBlock).join("\n\n");
}
