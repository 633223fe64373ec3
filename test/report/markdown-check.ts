/** Structural checks on rendered markdown, the way a GFM parser would see it. */

/** Cells of a table line: split on `|` not escaped by a backslash. */
export function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/);
}

/** Every table (consecutive `|` lines outside code fences), as lists of lines. */
export function tables(markdown: string): string[][] {
  const out: string[][] = [];
  let current: string[] | undefined;
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const f = /^(`{3,})/.exec(line);
    if (f && (!fence || (line.trim() === f[1] && f[1].length >= fence.length))) {
      fence = fence ? undefined : f[1];
      continue;
    }
    if (!fence && line.startsWith("|")) (current ??= []).push(line);
    else if (current) {
      out.push(current);
      current = undefined;
    }
  }
  if (current) out.push(current);
  return out;
}

/** True when every code fence that opens also closes. */
export function fencesBalanced(markdown: string): boolean {
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const f = /^(`{3,})/.exec(line);
    if (!f) continue;
    if (!fence) fence = f[1];
    else if (line.trim() === f[1] && f[1].length >= fence.length) fence = undefined;
  }
  return fence === undefined;
}

/** Each table has a header, a delimiter row, and the same number of cells in every row. */
export function tablesIntact(markdown: string): boolean {
  return tables(markdown).every((t) => t.length >= 2 && /^\|( --- \|)+$/.test(t[1]) && t.every((row) => cells(row).length === cells(t[0]).length));
}
