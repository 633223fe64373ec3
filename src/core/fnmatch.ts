import type { FileSource } from "./file-source.js";

/**
 * Ruby's `File.fnmatch?(pattern, path, File::FNM_PATHNAME | File::FNM_DOTMATCH | File::FNM_EXTGLOB)`,
 * which GitLab uses for `rules:changes` and `rules:exists` globs:
 * - `*` and `?` never match `/`; `[a-z]`, `[!x]`/`[^x]` are character classes; `\` escapes;
 * - `**​/` matches zero or more whole directories; `**` not followed by `/` is a plain `*`;
 * - DOTMATCH: a leading `.` needs no explicit match (`*` matches `.hidden`);
 * - EXTGLOB: `{a,b}` braces expand to alternatives (Ruby's meaning of the flag, not ksh extglob);
 * - case-sensitive.
 * Ported from Ruby's dir.c (`fnmatch`, `fnmatch_helper`, `bracket`), which runs in
 * O(pattern × path) per alternative: a hostile pattern cannot hang it.
 */
export function matchesPathGlob(pattern: string, path: string): boolean {
  return compilePathGlob(pattern)(path);
}

/** Compile once, match many paths. */
export function compilePathGlob(pattern: string): (path: string) => boolean {
  const alternatives = expandBraces(pattern).map((p) => [...p]);
  return (path: string) => {
    const s = [...path];
    return alternatives.some((p) => fnmatchPathname(p, s));
  };
}

/** Every file of the source matching the glob, sorted. */
export async function globSourceFiles(source: FileSource, pattern: string): Promise<string[]> {
  const matches = compilePathGlob(pattern);
  return (await source.list("")).filter(matches).sort();
}

/**
 * Brace alternatives cap: `{a,b}{a,b}…` doubles per group. Ruby has no cap; past this
 * many alternatives the rest are dropped (a pattern that large is not a real CI path).
 */
export const MAX_BRACE_ALTERNATIVES = 1024;

/** Ruby's `ruby_brace_expand`: the first top-level `{…,…}` is expanded, then recursively the results. */
export function expandBraces(pattern: string): string[] {
  const out: string[] = [];
  const work = [pattern];
  while (work.length > 0 && out.length < MAX_BRACE_ALTERNATIVES) {
    const p = work.pop() as string;
    const open = findBraceOpen(p);
    if (open < 0) {
      out.push(p);
      continue;
    }
    const close = findBraceClose(p, open);
    if (close < 0) {
      out.push(p);
      continue;
    }
    const head = p.slice(0, open);
    const tail = p.slice(close + 1);
    const parts = splitTopLevelCommas(p.slice(open + 1, close));
    for (let i = parts.length - 1; i >= 0; i--) work.push(head + parts[i] + tail);
  }
  return out;
}

function findBraceOpen(p: string): number {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === "\\") i++;
    else if (p[i] === "{") return i;
  }
  return -1;
}

function findBraceClose(p: string, open: number): number {
  let depth = 0;
  for (let i = open; i < p.length; i++) {
    if (p[i] === "\\") i++;
    else if (p[i] === "{") depth++;
    else if (p[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevelCommas(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "\\") i++;
    else if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

/** dir.c `fnmatch` with FNM_PATHNAME: segment by segment, retrying after the last `**​/`. */
function fnmatchPathname(p: string[], s: string[]): boolean {
  let pi = 0;
  let si = 0;
  let ptmp = -1;
  let stmp = -1;
  for (;;) {
    if (p[pi] === "*" && p[pi + 1] === "*" && p[pi + 2] === "/") {
      do pi += 3;
      while (p[pi] === "*" && p[pi + 1] === "*" && p[pi + 2] === "/");
      ptmp = pi;
      stmp = si;
    }
    const r = matchSegment(p, pi, s, si);
    if (r) {
      pi = r.pi;
      si = r.si;
      while (si < s.length && s[si] !== "/") si++;
      if (pi < p.length && si < s.length) {
        pi++;
        si++;
        continue;
      }
      if (pi >= p.length && si >= s.length) return true;
    }
    // Failed here: let the last `**/` swallow one more directory (DOTMATCH: dot-directories too).
    if (ptmp >= 0 && stmp >= 0) {
      while (stmp < s.length && s[stmp] !== "/") stmp++;
      if (stmp < s.length) {
        pi = ptmp;
        stmp++;
        si = stmp;
        continue;
      }
    }
    return false;
  }
}

/** dir.c `fnmatch_helper`: one path segment; `/` ends both pattern and path. */
function matchSegment(p: string[], start: number, s: string[], sStart: number): { pi: number; si: number } | undefined {
  const isEndP = (i: number) => i >= p.length || p[i] === "/";
  const isEndS = (i: number) => i >= s.length || s[i] === "/";
  const unescape = (i: number) => (p[i] === "\\" ? i + 1 : i);
  let pi = start;
  let si = sStart;
  let ptmp = -1;
  let stmp = -1;
  for (;;) {
    let failed = false;
    const c = p[pi];
    if (c === "*") {
      do pi++;
      while (p[pi] === "*");
      if (isEndP(unescape(pi))) return { pi: unescape(pi), si };
      if (isEndS(si)) return undefined;
      ptmp = pi;
      stmp = si;
      continue;
    } else if (c === "?") {
      if (isEndS(si)) return undefined;
      pi++;
      si++;
      continue;
    } else if (c === "[") {
      if (isEndS(si)) return undefined;
      const t = matchBracket(p, pi + 1, s[si]);
      if (t >= 0) {
        pi = t;
        si++;
        continue;
      }
      failed = true;
    } else {
      pi = unescape(pi);
      if (isEndS(si)) return isEndP(pi) ? { pi, si } : undefined;
      if (!isEndP(pi) && p[pi] === s[si]) {
        pi++;
        si++;
        continue;
      }
      failed = true;
    }
    if (failed && ptmp >= 0 && stmp >= 0) {
      pi = ptmp;
      stmp++;
      si = stmp;
      continue;
    }
    return undefined;
  }
}

/** dir.c `bracket`: returns the index after `]` when `ch` is in the class, else -1. */
function matchBracket(p: string[], start: number, ch: string): number {
  let i = start;
  let ok = false;
  let negate = false;
  if (i >= p.length) return -1;
  if (p[i] === "!" || p[i] === "^") {
    negate = true;
    i++;
  }
  const code = ch.codePointAt(0) ?? 0;
  while (p[i] !== "]") {
    let t1 = i;
    if (p[t1] === "\\") t1++;
    if (t1 >= p.length) return -1;
    i = t1 + 1;
    if (i >= p.length) return -1;
    if (p[i] === "-" && p[i + 1] !== "]") {
      let t2 = i + 1;
      if (p[t2] === "\\") t2++;
      if (t2 >= p.length) return -1;
      i = t2 + 1;
      if (ok) continue;
      const lo = p[t1].codePointAt(0) ?? 0;
      const hi = p[t2].codePointAt(0) ?? 0;
      if (code >= lo && code <= hi) ok = true;
    } else if (!ok && p[t1] === ch) {
      ok = true;
    }
  }
  return ok === negate ? -1 : i + 1;
}
