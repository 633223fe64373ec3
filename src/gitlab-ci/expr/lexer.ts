import type { ExprError } from "./ast.js";

/**
 * The `rules:if` lexer, a transcription of GitLab's `Gitlab::Ci::Pipeline::Expression::Lexer`
 * (lib/gitlab/ci/pipeline/expression/lexer.rb and lexeme/*.rb).
 *
 * At each position GitLab skips whitespace, then tries its lexemes in a fixed order and takes the
 * first that matches there; when none does it raises "Unknown lexeme found!". There are no
 * numbers, no bare words, no `${VAR}` and no escapes in strings.
 *
 * Version choice: we lex what the newest GitLab lexer we checked lexes (the list below, from
 * the lexer that serves `spec:inputs:rules`, GitLab 18.x): `$[[ inputs.name ]]`
 * (`Lexeme::Input`) and the literals `true`/`false` (`Lexeme::Boolean`). Older GitLab (17.x and
 * before) rejects both as unknown lexemes, so for those versions we accept two forms GitLab would
 * refuse. `!` (`Lexeme::Not`) exists in GitLab's source but is not in the lexer's list, so it
 * stays an error here too.
 */
export type TokenKind =
  | "("
  | ")"
  | "input"
  | "variable"
  | "string"
  | "pattern"
  | "null"
  | "boolean"
  | "=="
  | "=~"
  | "!="
  | "!~"
  | "&&"
  | "||";

export interface Token {
  kind: TokenKind;
  /** The text as matched (quotes, slashes and flags included). */
  text: string;
  /** 0-based offsets into the expression, `end` exclusive. */
  start: number;
  end: number;
}

/**
 * GitLab's Lexer::MAX_TOKENS. Its loop scans at most 100 tokens and raises "Too many tokens!"
 * when the 100th was scanned — even when nothing follows it — so 99 is the real maximum.
 */
export const MAX_TOKENS = 100;

/**
 * Not a GitLab limit: a guard against hostile input (the lexer looks at the rest of the text at
 * each token). No real `if:` comes close.
 */
export const MAX_EXPRESSION_LENGTH = 64 * 1024;

/** Ruby's `\s` is ASCII-only. */
const WHITESPACE = /[ \t\r\n\f\v]+/y;

/**
 * The lexemes in GitLab's order. Each regex is sticky, so it matches only at the current
 * position, as Ruby's `StringScanner#scan` does.
 * - Ruby's `\w` is ASCII-only and its `.` stops only at `\n`, hence the explicit classes.
 * - `Boolean` is `\b(?:true|false)\b`; the leading `\b` always holds at the scan position (the
 *   scanner starts matching there), and Ruby's `\b` counts Unicode letters as word characters.
 * - `Null` is plain `null` with no word boundary (so `nullx` is `null` then an error).
 */
const LEXEMES: ReadonlyArray<{ kind: TokenKind; pattern: RegExp }> = [
  { kind: "(", pattern: /\(/y },
  { kind: ")", pattern: /\)/y },
  { kind: "input", pattern: /\$\[\[[ \t\r\n\f\v]*inputs\.([A-Za-z0-9_]+)[ \t\r\n\f\v]*\]\]/y },
  { kind: "variable", pattern: /\$([A-Za-z0-9_]+)/y },
  { kind: "string", pattern: /"([^\n]*?)"|'([^\n]*?)'/y },
  // lexeme/pattern.rb: %r{^\/([^\/]|\\/)+[^\\]\/[ismU]*} — at least two characters between the
  // slashes, ends at the first `/` not written `\/`, flags only i s m U.
  { kind: "pattern", pattern: /\/(?:[^/]|\\\/)+[^\\]\/[ismU]*/y },
  { kind: "null", pattern: /null/y },
  { kind: "boolean", pattern: /(?:true|false)(?![\p{L}\p{M}\p{Nd}\p{Pc}])/uy },
  { kind: "==", pattern: /==/y },
  { kind: "=~", pattern: /=~/y },
  { kind: "!=", pattern: /!=/y },
  { kind: "!~", pattern: /!~/y },
  { kind: "&&", pattern: /&&/y },
  { kind: "||", pattern: /\|\|/y },
];

export type LexResult = { ok: true; tokens: Token[]; error?: never } | { ok: false; error: ExprError; tokens?: never };

export function lexCondition(text: string): LexResult {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    return fail(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, MAX_EXPRESSION_LENGTH);
  }
  const tokens: Token[] = [];
  let pos = 0;
  for (let scanned = 0; scanned < MAX_TOKENS; scanned++) {
    pos = skipWhitespace(text, pos);
    if (pos >= text.length) return { ok: true, tokens };
    const token = scanAt(text, pos);
    if (!token) return fail(describeUnknown(text, pos), pos);
    tokens.push(token);
    pos = token.end;
  }
  const last = tokens[tokens.length - 1];
  return fail(`too many tokens: GitLab rejects an expression once it reaches ${MAX_TOKENS} tokens`, last ? last.start : 0);
}

function skipWhitespace(text: string, pos: number): number {
  WHITESPACE.lastIndex = pos;
  return WHITESPACE.test(text) ? WHITESPACE.lastIndex : pos;
}

function scanAt(text: string, pos: number): Token | undefined {
  for (const { kind, pattern } of LEXEMES) {
    pattern.lastIndex = pos;
    const match = pattern.exec(text);
    if (match) return { kind, text: match[0], start: pos, end: pos + match[0].length };
  }
  return undefined;
}

function fail(message: string, offset: number): LexResult {
  return { ok: false, error: { code: "expression-syntax", message, col: offset + 1 } };
}

/** GitLab says only "Unknown lexeme found!"; we say what is wrong where we can tell. */
function describeUnknown(text: string, pos: number): string {
  const rest = text.slice(pos, pos + 40);
  const word = /^[^\s]{1,20}/.exec(rest)?.[0] ?? rest.slice(0, 1);
  if (rest.startsWith("${")) return "`${NAME}` is not allowed in rules:if; write `$NAME`";
  if (rest.startsWith("$")) return "`$` must be followed by a variable name (letters, digits, _)";
  if (rest.startsWith('"') || rest.startsWith("'")) {
    return "unterminated string: a string ends at the next matching quote on the same line (there are no escapes)";
  }
  if (rest.startsWith("/")) {
    if (/^\/[^/\\]?\//.test(rest)) {
      return "a regular expression needs at least two characters between the slashes (GitLab does not support `/./`)";
    }
    return "unterminated regular expression: it ends at the first `/` not written as `\\/`";
  }
  if (/^[=!&|]/.test(rest)) return `\`${word}\` is not an operator; use == != =~ !~ && ||`;
  return `unexpected \`${word}\`: a value is a $VARIABLE, a "quoted string", a /regex/ or null`;
}
