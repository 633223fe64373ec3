/**
 * Fitting a report into a platform's size limit by summarising, never by cutting: the
 * caller supplies renderings from most to least detailed, and the first that fits wins.
 * Each rendering is whole markdown, so no table or code block is ever cut in half.
 */
export interface Fitted {
  text: string;
  /** Index of the rendering used (0 = full detail). */
  level: number;
}

export function fitToBudget(renderings: ReadonlyArray<() => string>, maxChars: number): Fitted {
  let last: Fitted = { text: "", level: -1 };
  for (let level = 0; level < renderings.length; level++) {
    last = { text: renderings[level](), level };
    if (last.text.length <= maxChars) return last;
  }
  // The last rendering holds only bounded counts; reaching here means a caller's bug.
  return last;
}
