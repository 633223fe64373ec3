import type { Pos } from "../../core/pos.js";

/**
 * Maps a 1-based column inside an `if:` expression to the file, given where the YAML value
 * starts. `valueOffset` is how far the expression text starts after that position: 1 for a
 * quoted scalar whose Pos is the opening quote, 0 for a plain scalar.
 *
 * Exact for single-line plain and quoted scalars without escapes. For an escaped quoted
 * scalar or a multi-line (folded/block) one, the result stays on the value's first line and
 * may be off by the escapes or line breaks before the column.
 */
export function exprPos(valuePos: Pos, col: number, valueOffset = 0): Pos {
  if (valuePos.col === undefined) return { file: valuePos.file, line: valuePos.line };
  return { file: valuePos.file, line: valuePos.line, col: valuePos.col + valueOffset + col - 1 };
}
