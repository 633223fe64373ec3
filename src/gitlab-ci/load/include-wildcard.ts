/**
 * `include:local` wildcards are NOT fnmatch in GitLab: `Repository#search_files_by_wildcard_path`
 * escapes the path, turns `**` into `.*?` (any characters, `/` too) and `*` into `[^/]*?`, and
 * matches the whole path (`^…$`) against every file of the commit. So `configs/**.yml` matches
 * `configs/a/b.yml`, `configs/*.yml` only one level, and `?`, `[`, `{` are literal.
 * Matched with a small dynamic programme (O(pattern × path)), so no pattern can backtrack forever.
 */
type Token = { kind: "literal"; ch: string } | { kind: "any" } | { kind: "any-but-slash" };

export function hasIncludeWildcard(location: string): boolean {
  return location.includes("*");
}

/**
 * The folder a wildcard can match in: its part before the first `*`, up to the last `/`
 * (`ci/jobs/*.yml` → `ci/jobs`, `**.yml` → the root ""). Only that folder need be listed,
 * which on an API source means far fewer pages than the whole tree.
 */
export function includeWildcardFolder(pattern: string): string {
  const head = pattern.slice(0, pattern.indexOf("*"));
  return head.slice(0, Math.max(0, head.lastIndexOf("/")));
}

export function compileIncludeWildcard(pattern: string): (path: string) => boolean {
  const tokens: Token[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === "*" && chars[i + 1] === "*") {
      tokens.push({ kind: "any" });
      i++;
    } else if (chars[i] === "*") tokens.push({ kind: "any-but-slash" });
    else tokens.push({ kind: "literal", ch: chars[i] });
  }
  return (path: string) => matchTokens(tokens, [...path]);
}

function matchTokens(tokens: Token[], s: string[]): boolean {
  // reachable[j]: the tokens so far can consume exactly s[0..j).
  let reachable = new Array<boolean>(s.length + 1).fill(false);
  reachable[0] = true;
  for (const t of tokens) {
    const next = new Array<boolean>(s.length + 1).fill(false);
    for (let j = 0; j <= s.length; j++) {
      if (t.kind === "literal") {
        if (j > 0 && reachable[j - 1] && s[j - 1] === t.ch) next[j] = true;
      } else {
        if (reachable[j]) next[j] = true;
        else if (j > 0 && next[j - 1] && (t.kind === "any" || s[j - 1] !== "/")) next[j] = true;
      }
    }
    reachable = next;
  }
  return reachable[s.length];
}
