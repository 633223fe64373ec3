import type { Block, Inline, Span } from "./document.js";
import { singleLine } from "./markdown-escape.js";

/**
 * Plain-text rendering of the same documents, for terminals (`simulate --format text`,
 * `analyze --explain`, the demo). Repository text passes through `singleLine`, so a job
 * name cannot carry a terminal escape sequence. Diagrams are left out: their facts are
 * also in a table.
 */

function spanText(span: Span): string {
  if (typeof span === "string") return singleLine(span);
  switch (span.kind) {
    case "trusted":
      return span.text;
    case "break":
      return "\n";
    case "code":
      return singleLine(span.text);
    case "strong":
    case "em":
    case "link":
      return inlineText(span.content);
  }
}

export function inlineText(content: Inline): string {
  return content.map(spanText).join("");
}

const width = (s: string) => Array.from(s).length;
const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));

/** Widest a table column gets before its cells wrap at spaces (long words stay whole). */
const MAX_COLUMN = 56;

function wrap(line: string, max: number): string[] {
  if (width(line) <= max) return [line];
  const out: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    if (current && width(current) + 1 + width(word) > max) {
      out.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) out.push(current);
  return out;
}

function tableText(header: Inline[], rows: Inline[][]): string[] {
  const grid = [header, ...rows].map((r) => header.map((_, i) => inlineText(r[i] ?? []).split("\n").flatMap((l) => wrap(l, MAX_COLUMN))));
  const widths = header.map((_, i) => Math.max(...grid.map((r) => Math.max(...r[i].map(width)))));
  const out: string[] = [];
  grid.forEach((row, rowIndex) => {
    const height = Math.max(...row.map((c) => c.length));
    for (let l = 0; l < height; l++) out.push(row.map((c, i) => pad(c[l] ?? "", widths[i])).join("  ").trimEnd());
    if (rowIndex === 0) out.push(widths.map((w) => "-".repeat(w)).join("  "));
  });
  return out;
}

function blockLines(block: Block): string[] {
  switch (block.kind) {
    case "heading": {
      const text = inlineText(block.content);
      return block.level === 4 ? [text] : [text, (block.level === 2 ? "=" : "-").repeat(Math.min(width(text), 78))];
    }
    case "paragraph":
      return inlineText(block.content).split("\n");
    case "list":
      return block.items.flatMap((item) => inlineText(item).split("\n").map((l, i) => (i === 0 ? `• ${l}` : `  ${l}`)));
    case "table":
      return tableText(block.header, block.rows);
    case "details":
      return [`▸ ${inlineText(block.summary)}`, ...renderTerminal(block.blocks).split("\n").map((l) => (l ? `  ${l}` : l))];
    case "code":
      return block.text.split("\n").map((l) => `    ${singleLine(l)}`);
    case "diagram":
    case "hidden":
      return [];
    case "rule":
      return ["—".repeat(40)];
  }
}

/** Renders blocks as terminal text, one blank line between blocks. */
export function renderTerminal(blocks: Block[]): string {
  return blocks
    .map(blockLines)
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join("\n"))
    .join("\n\n");
}
