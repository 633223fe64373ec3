/**
 * A tiny document model every report is built in, then rendered twice: as markdown
 * (comment, check, `/ci-explain` replies) and as plain terminal text. Building blocks
 * instead of strings keeps escaping in one place (every `string` span is untrusted text)
 * and lets the size budget drop whole blocks, so a table or code block is never cut.
 */

/** Inline content. A bare string is untrusted text: the renderer escapes it. */
export type Span =
  | string
  | { kind: "code"; text: string }
  | { kind: "strong"; content: Span[] }
  | { kind: "em"; content: Span[] }
  | { kind: "link"; content: Span[]; url: string }
  /** Text the report itself wrote and knows to be safe (emoji, arrows, separators). */
  | { kind: "trusted"; text: string }
  /** A line break inside a table cell or list item. */
  | { kind: "break" };

export type Inline = Span[];

export type Block =
  | { kind: "heading"; level: 2 | 3 | 4; content: Inline }
  | { kind: "paragraph"; content: Inline }
  | { kind: "list"; items: Inline[] }
  | { kind: "table"; header: Inline[]; rows: Inline[][] }
  | { kind: "details"; summary: Inline; blocks: Block[] }
  | { kind: "code"; lang: string; text: string }
  /** Mermaid diagram; terminals show nothing for it (the same facts are in a table). */
  | { kind: "diagram"; text: string }
  /** An HTML comment (the hidden marker); never shown. */
  | { kind: "hidden"; text: string }
  | { kind: "rule" };

export const code = (text: string): Span => ({ kind: "code", text });
export const strong = (...content: Span[]): Span => ({ kind: "strong", content });
export const em = (...content: Span[]): Span => ({ kind: "em", content });
export const link = (url: string, ...content: Span[]): Span => ({ kind: "link", url, content });
export const trusted = (text: string): Span => ({ kind: "trusted", text });
export const lineBreak: Span = { kind: "break" };

export const heading = (level: 2 | 3 | 4, ...content: Span[]): Block => ({ kind: "heading", level, content });
export const paragraph = (...content: Span[]): Block => ({ kind: "paragraph", content });
export const list = (items: Inline[]): Block => ({ kind: "list", items });
export const table = (header: Inline[], rows: Inline[][]): Block => ({ kind: "table", header, rows });
export const details = (summary: Inline, blocks: Block[]): Block => ({ kind: "details", summary, blocks });
