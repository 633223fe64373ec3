/** A place in a repository file: 1-based line and column. */
export interface Pos {
  file: string;
  line: number;
  col?: number;
}

/** A value that remembers where it was written (after merges: the place that won). */
export interface Located<T> {
  value: T;
  pos: Pos;
}

export function formatPos(pos: Pos | undefined): string {
  if (!pos) return "";
  return pos.col ? `${pos.file}:${pos.line}:${pos.col}` : `${pos.file}:${pos.line}`;
}
