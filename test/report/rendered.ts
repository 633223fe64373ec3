/**
 * A comment as GitHub's markdown rules read it (CommonMark + GFM, the parser the preview uses),
 * so tests assert what a reader sees — its first lines, its tables' columns, its folded
 * sections — rather than the markdown's spelling.
 */
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";

export function toHtml(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

/** Text of an HTML fragment: tags dropped, entities read, blanks collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<br\s*\/?>\n?/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+/g, " ")
    .trim();
}

/** The lines of the first paragraph, as shown: the comment's headline. */
export function headlineLines(markdown: string): string[] {
  const first = /<p>([\s\S]*?)<\/p>/.exec(toHtml(markdown))?.[1] ?? "";
  return first.split(/<br\s*\/?>/).map(textOf);
}

/** How many columns each table has (its header cells). */
export function tableWidths(markdown: string): number[] {
  return [...toHtml(markdown).matchAll(/<thead>([\s\S]*?)<\/thead>/g)].map((m) => (m[1].match(/<th[\s>]/g) ?? []).length);
}

/** The header cells' texts of every table. */
export function tableHeaders(markdown: string): string[][] {
  return [...toHtml(markdown).matchAll(/<thead>([\s\S]*?)<\/thead>/g)].map((m) => [...m[1].matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((c) => textOf(c[1])));
}

/** Every table's body rows, each a list of cell texts. */
export function tableRows(markdown: string): string[][][] {
  return [...toHtml(markdown).matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].map((m) =>
    [...m[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1]))),
  );
}

/** The text of every folded section's summary line, in order. */
export function summaries(markdown: string): string[] {
  return [...toHtml(markdown).matchAll(/<summary>([\s\S]*?)<\/summary>/g)].map((m) => textOf(m[1]));
}

/** The text of every heading, in order. */
export function headings(markdown: string): string[] {
  return [...toHtml(markdown).matchAll(/<h[1-6]>([\s\S]*?)<\/h[1-6]>/g)].map((m) => textOf(m[1]));
}

/** Where a text first appears in what a reader sees, or -1. */
export function positionOf(markdown: string, text: string): number {
  return textOf(toHtml(markdown)).indexOf(text);
}
