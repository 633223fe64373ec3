import { RE2JS } from "re2js";

/**
 * GitLab-style `/body/flags` patterns, compiled with RE2 as GitLab does.
 *
 * GitLab turns such a string into a regexp with `Gitlab::UntrustedRegexp::RubySyntax.fabricate!`:
 * it matches `^/(?<regexp>.*)/(?<flags>[ismU]*)$`, prepends the flags inline as `(?flags)` and
 * hands the result to RE2 without any other option. So the flags mean what RE2 says they mean:
 * `i` case-insensitive, `m` multi-line (`^`/`$` at line breaks), `s` dot matches `\n`,
 * `U` ungreedy — not Ruby's meaning of `m` (dot-all). RE2 also decides the syntax: POSIX classes
 * such as `[[:digit:]]` work; lookaround and back-references are errors. A hostile pattern cannot
 * take more than linear time.
 */
export interface CompiledPattern {
  /** The `/body/flags` text it was compiled from. */
  text: string;
  /** What RE2 compiled: `(?flags)body`. GitLab's `==` between two patterns compares this. */
  re2: string;
  /** True when the pattern matches anywhere in `subject` (GitLab uses `scan`, a search). */
  test(subject: string): boolean;
}

export type PatternResult =
  | { ok: true; pattern: CompiledPattern }
  /** `offset` is 0-based within the text given, at the part RE2 rejected when it can tell. */
  | { ok: false; message: string; offset: number };

/**
 * RubySyntax::PATTERN. Ruby's `^`/`$` are line anchors and its `.` stops at `\n`, so a
 * multi-line string still counts when one of its lines is `/…/flags`; this mirrors that.
 */
const RUBY_SYNTAX = /(?:^|(?<=\n))\/([^\n]*)\/([ismU]*)(?=\n|$)/;

/** Whether GitLab would try to compile `text` as a pattern (RubySyntax.matches_syntax?). */
export function looksLikePattern(text: string): boolean {
  return RUBY_SYNTAX.test(text);
}

/** Compiled results by text. Bounded: compiling costs ~0.2 ms, memory must not grow with input. */
const cache = new Map<string, PatternResult>();
const CACHE_LIMIT = 1000;

/**
 * Compiles a `/body/flags` string as GitLab's `RubySyntax.fabricate!` does (used as-is by
 * only/except `refs:` patterns). Results are cached.
 */
export function compilePattern(text: string): PatternResult {
  const hit = cache.get(text);
  if (hit) return hit;
  const result = compileUncached(text);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(text, result);
  return result;
}

/**
 * Compiles a pattern the way the `rules:if` language does: a regex literal, or a string on the
 * right of `=~`/`!~`, first has every `\/` replaced by `/` (lexeme/pattern.rb), then goes through
 * `compilePattern`. Offsets in a failure refer to the unescaped text.
 */
export function compileExpressionPattern(text: string): PatternResult {
  return compilePattern(unescapeSlashes(text));
}

export function unescapeSlashes(text: string): string {
  return text.replace(/\\\//g, "/");
}

function compileUncached(text: string): PatternResult {
  const match = RUBY_SYNTAX.exec(text);
  if (!match) {
    return { ok: false, message: `"${text}" is not a /pattern/ with flags among i, s, m, U`, offset: 0 };
  }
  const body = match[1] ?? "";
  const flags = match[2] ?? "";
  const re2 = flags ? `(?${flags})${body}` : body;
  try {
    const compiled = RE2JS.compile(re2);
    return { ok: true, pattern: { text, re2, test: scanner(compiled, re2) } };
  } catch (err) {
    const bodyOffset = match.index + 1;
    return { ok: false, ...describeRe2Error(err, body, bodyOffset) };
  }
}

/**
 * UntrustedRegexp#scan searches with `(` + source + `)` when the pattern has no capture group.
 * Where that wrapping breaks the pattern (an unterminated `\Q…`), the ruby re2 scanner finds
 * nothing, so such a pattern never matches in GitLab although it compiles.
 */
function scanner(compiled: RE2JS, re2: string): (subject: string) => boolean {
  if (compiled.groupCount() > 0) return (subject) => compiled.test(subject);
  try {
    const wrapped = RE2JS.compile(`(${re2})`);
    return (subject) => wrapped.test(subject);
  } catch {
    return () => false;
  }
}

/** RE2's complaint in words, pointing at the offending fragment when it can be found. */
function describeRe2Error(err: unknown, body: string, bodyOffset: number): { message: string; offset: number } {
  const fields = typeof err === "object" && err !== null ? (err as { error?: unknown; input?: unknown; message?: unknown }) : {};
  const fragment = typeof fields.input === "string" ? fields.input : "";
  const reason =
    typeof fields.error === "string" ? fields.error : typeof fields.message === "string" ? fields.message : String(err);
  const at = fragment ? body.indexOf(fragment) : -1;
  const unsupported = /^\(\?<?[=!]|^\\[1-9]/.test(fragment)
    ? " (GitLab uses RE2, which has no lookahead, lookbehind or back-references)"
    : "";
  const shown = fragment ? `${reason}: \`${fragment}\`` : reason;
  return { message: `invalid regular expression: ${shown}${unsupported}`, offset: at >= 0 ? bodyOffset + at : bodyOffset - 1 };
}
