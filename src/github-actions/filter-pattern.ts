import { RE2JS } from "re2js";
import { BoundedCache, stringBytes } from "../core/bounded-cache.js";

/**
 * GitHub's filter patterns for `branches`, `tags` and `paths` (the "filter pattern cheat
 * sheet" of the workflow syntax docs):
 *   `*`  any characters except `/`        `**` any characters, `/` included
 *   `?`  zero or one of the preceding character
 *   `+`  one or more of the preceding character
 *   `[]` one character listed or in a range (ranges only within a-z, A-Z, 0-9)
 *   `!`  at the start: negates the earlier patterns that matched (order matters)
 *   `\`  escapes the next character
 * Patterns are compiled to RE2, so no pattern can make matching slow.
 */
export interface CompiledPattern {
  /** The pattern as written (with its `!`). */
  source: string;
  negative: boolean;
  regex: RE2JS;
}

export type PatternResult = { ok: true; pattern: CompiledPattern } | { ok: false; source: string; message: string };

/**
 * Compiled patterns by their text, for the life of the process (a bot's worker analyses many
 * revisions that repeat them): bounded by bytes, a compiled program estimated at 1 KiB plus 64
 * bytes per character of its pattern, so a revision of thousands of distinct patterns cannot
 * grow it without end.
 */
const cache = new BoundedCache<string, PatternResult>({ maxBytes: 8 * 1024 * 1024, sizeOf: (_result, source) => 1024 + 32 * stringBytes(source) });

export function compilePattern(source: string): PatternResult {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  const result = compileUncached(source);
  cache.set(source, result);
  return result;
}

function compileUncached(source: string): PatternResult {
  const negative = source.startsWith("!");
  const body = negative ? source.slice(1) : source;
  const translated = translate(body);
  if (typeof translated !== "string") return { ok: false, source, message: translated.error };
  return { ok: true, pattern: { source, negative, regex: RE2JS.compile(translated) } };
}

/** RE2 accepts a backslash before ASCII punctuation only; everything else is literal as is. */
function escapeChar(ch: string): string {
  return /^[!-/:-@[-`{-~]$/.test(ch) ? `\\${ch}` : ch;
}

/** Glob → anchored RE2 source, or an error naming the position. */
function translate(glob: string): string | { error: string } {
  // Each emitted atom is kept apart so that `?`/`+` quantify exactly the preceding one.
  const atoms: Array<{ re: string; wildcard: boolean }> = [];
  let i = 0;
  while (i < glob.length) {
    const ch = glob[i];
    if (ch === "*") {
      if (glob[i + 1] === "*") {
        if (glob[i + 2] === "/") {
          // `**/` also matches nothing, so `**/README.md` matches `README.md` at the root.
          atoms.push({ re: "(?:.+/)?", wildcard: true });
          i += 3;
        } else {
          atoms.push({ re: ".*", wildcard: true });
          i += 2;
        }
      } else {
        atoms.push({ re: "[^/]*", wildcard: true });
        i += 1;
      }
    } else if (ch === "?" || ch === "+") {
      const prev = atoms[atoms.length - 1];
      if (!prev) {
        atoms.push({ re: escapeChar(ch), wildcard: false });
      } else if (!prev.wildcard) {
        // A wildcard already matches "zero or more": a quantifier after it adds nothing.
        atoms[atoms.length - 1] = { re: `(?:${prev.re})${ch}`, wildcard: true };
      }
      i += 1;
    } else if (ch === "[") {
      let j = i + 1;
      let cls = "";
      if (glob[j] === "]") return { error: `empty brackets '[]' at position ${i} in '${glob}'` };
      while (j < glob.length && glob[j] !== "]") {
        const c = glob[j];
        if (c === "-" && j > i + 1 && j + 1 < glob.length && glob[j + 1] !== "]") {
          const lo = glob[j - 1];
          const hi = glob[j + 1];
          if (!sameRangeClass(lo, hi) || lo > hi) {
            return { error: `invalid range '${lo}-${hi}' in '${glob}': ranges can only include a-z, A-Z and 0-9` };
          }
          cls += `-${hi}`;
          j += 2;
          continue;
        }
        if (!/[A-Za-z0-9]/.test(c)) {
          return { error: `'${c}' in brackets in '${glob}': brackets can only list a-z, A-Z and 0-9` };
        }
        cls += c;
        j += 1;
      }
      if (glob[j] !== "]") return { error: `missing ']' after '[' at position ${i} in '${glob}'` };
      atoms.push({ re: `[${cls}]`, wildcard: false });
      i = j + 1;
    } else if (ch === "\\") {
      if (i + 1 >= glob.length) return { error: `nothing to escape after '\\' at the end of '${glob}'` };
      atoms.push({ re: escapeChar(glob[i + 1]), wildcard: false });
      i += 2;
    } else {
      atoms.push({ re: escapeChar(ch), wildcard: false });
      i += 1;
    }
  }
  return `^${atoms.map((a) => a.re).join("")}$`;
}

function sameRangeClass(a: string, b: string): boolean {
  const cls = (c: string) => (/[a-z]/.test(c) ? 1 : /[A-Z]/.test(c) ? 2 : /[0-9]/.test(c) ? 3 : 0);
  return cls(a) !== 0 && cls(a) === cls(b);
}

/**
 * Whether `name` is selected by an ordered pattern list: the last pattern that matches
 * decides (a `!pattern` matching later excludes what an earlier one included, and a
 * later positive pattern includes it again). No match: not selected.
 */
export function isSelected(patterns: readonly CompiledPattern[], name: string): { selected: boolean; by?: CompiledPattern } {
  let selected = false;
  let by: CompiledPattern | undefined;
  for (const p of patterns) {
    if (p.regex.testExact(name)) {
      selected = !p.negative;
      by = p;
    }
  }
  return { selected, by };
}

/** Compile a list, collecting errors instead of stopping at the first. */
export function compilePatterns(sources: readonly string[]): { patterns: CompiledPattern[]; errors: string[] } {
  const patterns: CompiledPattern[] = [];
  const errors: string[] = [];
  for (const s of sources) {
    const r = compilePattern(s);
    if (r.ok) patterns.push(r.pattern);
    else errors.push(r.message);
  }
  return { patterns, errors };
}

/** True when the pattern has no wildcard, so it names exactly one ref (after unescaping). */
export function literalOf(pattern: string): string | undefined {
  if (pattern.startsWith("!")) return undefined;
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      if (i + 1 < pattern.length) out += pattern[++i];
      continue;
    }
    if ("*?+[".includes(ch)) return undefined;
    out += ch;
  }
  return out;
}

/**
 * A name the pattern matches, made up when it has wildcards (used to invent a branch
 * such as `release/x` for `release/**`). Undefined for negations.
 */
export function synthesiseName(pattern: string, filler = "x"): string | undefined {
  if (pattern.startsWith("!")) return undefined;
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      if (i + 1 < pattern.length) out += pattern[++i];
    } else if (ch === "*") {
      if (pattern[i + 1] === "*") {
        i += pattern[i + 2] === "/" ? 2 : 1;
        if (pattern[i] === "/") continue; // `**/` may match nothing
      }
      out += filler;
    } else if (ch === "?" || ch === "+") {
      // `?` keeps zero or one, `+` one or more of the preceding character: keep it once.
    } else if (ch === "[") {
      const end = pattern.indexOf("]", i);
      if (end < 0) return undefined;
      out += pattern[i + 1];
      i = end;
    } else {
      out += ch;
    }
  }
  const check = compilePattern(pattern);
  return check.ok && check.pattern.regex.testExact(out) ? out : undefined;
}
