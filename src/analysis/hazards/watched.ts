import type { BranchContext } from "../model.js";

/**
 * Branches whose loss of jobs a maintainer must hear about: the default branch, the MR's target,
 * configured contexts, and the branches the CI's own rules single out (staging, stable-X.Y).
 * Forks, tags and MR pipelines are excluded: changing what they run is usually the point.
 */
export function isWatched(context: BranchContext): boolean {
  switch (context.origin.kind) {
    case "default-branch":
    case "mr-target":
    case "configured":
    case "command":
    case "rule-literal":
    case "rule-regex":
    // A scheduled, manual or release run the workflows ask for: losing it is as silent as losing a branch's.
    case "event":
      return true;
    default:
      return false;
  }
}

/** `a`, `a and b`, `a, b and 3 more` — short lists for messages. */
export function listNames(names: string[], max = 3): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``);
  if (names.length > max) return `${shown.join(", ")} and ${names.length - max} more`;
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/**
 * `[...names].sort()`, remembered for the few lists last sorted: in a big configuration every
 * context names the same thousands of jobs (and pairs of contexts the same pushed references) in
 * the same order, and sorting them again for each pipeline showed in profiles. The answer is kept
 * with the exact list it sorts (compared name by name: lists of one revision share their
 * strings, so equal lists compare fast and different ones differ early); a fresh array is
 * returned, so callers may change it.
 */
export function sortedNames(names: Iterable<string>): string[] {
  const list = [...names];
  if (list.length < SORT_MEMO_MIN) return list.sort();
  let sorted: string[] | undefined;
  for (let k = recentSorts.length - 1; k >= 0 && sorted === undefined; k--) {
    const seen = recentSorts[k];
    if (!sameList(seen.list, list)) continue;
    recentSorts.splice(k, 1);
    sorted = seen.sorted;
  }
  sorted ??= list.slice().sort();
  if (recentSorts.length >= SORT_MEMO_LIMIT) recentSorts.shift();
  recentSorts.push({ list, sorted });
  return sorted.slice();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The lists last sorted, most recent last. */
const recentSorts: Array<{ list: string[]; sorted: string[] }> = [];
const SORT_MEMO_LIMIT = 8;
/** Short lists sort faster than they are looked up. */
const SORT_MEMO_MIN = 64;
