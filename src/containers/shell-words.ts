/**
 * A small POSIX-shell lexer: enough to read the words of the commands in a CI job's
 * script, never to run them. GitLab Runner writes each `script:` item into one shell
 * script, so a multi-line YAML item (a `|` block or a folded plain scalar) is lexed as
 * one piece of shell text, newlines included.
 *
 * Words keep their parts (literal, `$NAME`/`${NAME…}`, and parts we cannot evaluate such
 * as `$(…)`), so that expansion can say exactly which part is unknown.
 */

export type ParamOp = ":-" | "-" | ":=" | "=" | ":+" | "+" | ":?" | "?";

export type OpaqueKind =
  | "command substitution"
  | "arithmetic expansion"
  | "parameter operator"
  | "special parameter"
  | "home directory";

export type WordPart =
  | { kind: "literal"; text: string; quoted: boolean }
  | { kind: "param"; name: string; op?: ParamOp; arg?: WordPart[]; quoted: boolean; raw: string }
  | { kind: "opaque"; what: OpaqueKind; raw: string; quoted: boolean };

export interface ShellWord {
  parts: WordPart[];
  /** The word as written. */
  raw: string;
  /** Offset of the word's first character in the script text. */
  offset: number;
}

export type ShellOperator = "&&" | "||" | ";" | ";;" | "&" | "|" | "(" | ")" | "\n";

export type ShellToken =
  | { kind: "word"; word: ShellWord }
  | { kind: "op"; op: ShellOperator; offset: number }
  /** A redirection operator; the parser drops it and the word after it. */
  | { kind: "redirect"; op: string; offset: number };

export interface LexProblem {
  offset: number;
  message: string;
}

export interface LexResult {
  tokens: ShellToken[];
  problems: LexProblem[];
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*/;
const SPECIAL_PARAM_RE = /^[0-9@*#?$!-]/;
/** `${A:-${B:-…}}` deeper than this is not real CI; it is read as one unknown part. */
const MAX_PARAM_NESTING = 16;
const PARAM_OPS: ParamOp[] = [":-", ":=", ":+", ":?", "-", "=", "+", "?"];

/** Split shell text into words and operators. */
export function lexShell(src: string): LexResult {
  const tokens: ShellToken[] = [];
  const problems: LexProblem[] = [];
  let parts: WordPart[] | undefined;
  let wordStart = 0;
  /** Heredoc delimiters waiting for the next newline. */
  const pendingHeredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
  let heredocNext: { stripTabs: boolean } | undefined;

  const addLiteral = (text: string, quoted: boolean) => appendLiteral((parts ??= []), text, quoted);
  const endWord = (end: number) => {
    if (!parts) return;
    const word: ShellWord = { parts, raw: src.slice(wordStart, end), offset: wordStart };
    if (heredocNext) {
      pendingHeredocs.push({ delimiter: wordLiteralText(word), stripTabs: heredocNext.stripTabs });
      heredocNext = undefined;
    }
    tokens.push({ kind: "word", word });
    parts = undefined;
  };
  const startWord = (at: number) => {
    if (!parts) {
      parts = [];
      wordStart = at;
    }
  };

  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "\\" && src[i + 1] === "\n") {
      // A line continuation disappears, even inside a word.
      i += 2;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      endWord(i);
      i++;
      continue;
    }
    if (c === "\n") {
      endWord(i);
      tokens.push({ kind: "op", op: "\n", offset: i });
      i++;
      if (pendingHeredocs.length > 0) i = skipHeredocBodies(src, i, pendingHeredocs.splice(0));
      continue;
    }
    if (c === "#" && !parts) {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (c === ";" || c === "&" || c === "|" || c === "(" || c === ")") {
      endWord(i);
      const two = src.slice(i, i + 2);
      if (two === ";;" || two === "&&" || two === "||") {
        tokens.push({ kind: "op", op: two, offset: i });
        i += 2;
      } else if (two === "&>") {
        const op = src[i + 2] === ">" ? "&>>" : "&>";
        tokens.push({ kind: "redirect", op, offset: i });
        i += op.length;
      } else if (two === "|&") {
        tokens.push({ kind: "op", op: "|", offset: i });
        i += 2;
      } else {
        tokens.push({ kind: "op", op: c as ShellOperator, offset: i });
        i++;
      }
      continue;
    }
    if (c === "<" || c === ">") {
      // A word made only of digits right before the operator is a file descriptor number.
      if (parts && parts.length === 1 && parts[0].kind === "literal" && !parts[0].quoted && /^\d+$/.test(parts[0].text)) {
        parts = undefined;
      } else endWord(i);
      const op = /^(<<<|<<-|<<|>>|>&|<&|>\||<>|<|>)/.exec(src.slice(i))![1];
      if (op === "<<" || op === "<<-") heredocNext = { stripTabs: op === "<<-" };
      tokens.push({ kind: "redirect", op, offset: i });
      i += op.length;
      continue;
    }
    startWord(i);
    // Plain characters are taken as one run (most of a script); `~` is special only first.
    PLAIN_RUN.lastIndex = i;
    if (!(c === "~" && parts!.length === 0) && PLAIN_RUN.test(src)) {
      addLiteral(src.slice(i, PLAIN_RUN.lastIndex), false);
      i = PLAIN_RUN.lastIndex;
    } else i = scanWordChar(src, i, parts!, addLiteral, problems);
  }
  endWord(src.length);
  return { tokens, problems };
}

/** Characters that mean nothing to the lexer outside quotes, inside a word. */
const PLAIN_RUN = /[^\\'"$` \t\r\n;&|()<>]+/y;
/** The same inside double quotes. */
const DOUBLE_QUOTED_RUN = /[^"\\$`]+/y;

/** Add literal text to a word being read: a literal right before with the same quoting grows (the parts are the lexer's own until the word ends). */
function appendLiteral(parts: WordPart[], text: string, quoted: boolean): void {
  const last = parts[parts.length - 1];
  if (last?.kind === "literal" && last.quoted === quoted) last.text += text;
  else parts.push({ kind: "literal", text, quoted });
}

/**
 * Read one unit of a word at `i` (a plain character, an escape, a quoted string or an
 * expansion), append it to `parts`, and return the index after it.
 */
function scanWordChar(
  src: string,
  i: number,
  parts: WordPart[],
  addLiteral: (text: string, quoted: boolean) => void,
  problems: LexProblem[],
  depth = 0,
): number {
  const c = src[i];
  if (c === "\\") {
    if (i + 1 < src.length) addLiteral(src[i + 1], true);
    return i + 2;
  }
  if (c === "'") {
    const end = src.indexOf("'", i + 1);
    if (end < 0) {
      problems.push({ offset: i, message: "unterminated single quote" });
      addLiteral(src.slice(i + 1), true);
      return src.length;
    }
    addLiteral(src.slice(i + 1, end), true);
    return end + 1;
  }
  if (c === '"') return scanDoubleQuoted(src, i + 1, parts, addLiteral, problems, depth);
  if (c === "$") return scanDollar(src, i, false, parts, addLiteral, problems, depth);
  if (c === "`") return scanBackticks(src, i, false, parts, problems);
  if (c === "~" && parts.length === 0) {
    // Tilde expansion at the start of a word: the runner's home directory.
    let end = i + 1;
    while (end < src.length && !/[\s/;&|()<>]/.test(src[end])) end++;
    parts.push({ kind: "opaque", what: "home directory", raw: src.slice(i, end), quoted: false });
    return end;
  }
  addLiteral(c, false);
  return i + 1;
}

function scanDoubleQuoted(
  src: string,
  i: number,
  parts: WordPart[],
  addLiteral: (text: string, quoted: boolean) => void,
  problems: LexProblem[],
  depth: number,
): number {
  // An empty "" is still a word (an empty argument), so mark it with an empty literal.
  addLiteral("", true);
  while (i < src.length) {
    const c = src[i];
    if (c === '"') return i + 1;
    if (c === "\\") {
      const n = src[i + 1];
      // Inside double quotes a backslash escapes only $ ` " \ and newline.
      if (n === "\n") i += 2;
      else if (n === "$" || n === "`" || n === '"' || n === "\\") {
        addLiteral(n, true);
        i += 2;
      } else {
        addLiteral("\\", true);
        i++;
      }
      continue;
    }
    if (c === "$") {
      i = scanDollar(src, i, true, parts, addLiteral, problems, depth);
      continue;
    }
    if (c === "`") {
      i = scanBackticks(src, i, true, parts, problems);
      continue;
    }
    DOUBLE_QUOTED_RUN.lastIndex = i;
    DOUBLE_QUOTED_RUN.test(src);
    addLiteral(src.slice(i, DOUBLE_QUOTED_RUN.lastIndex), true);
    i = DOUBLE_QUOTED_RUN.lastIndex;
  }
  problems.push({ offset: i, message: "unterminated double quote" });
  return src.length;
}

function scanBackticks(src: string, i: number, quoted: boolean, parts: WordPart[], problems: LexProblem[]): number {
  let j = i + 1;
  while (j < src.length && src[j] !== "`") j += src[j] === "\\" ? 2 : 1;
  if (j >= src.length) problems.push({ offset: i, message: "unterminated backquote" });
  const end = Math.min(j + 1, src.length);
  parts.push({ kind: "opaque", what: "command substitution", raw: src.slice(i, end), quoted });
  return end;
}

function scanDollar(
  src: string,
  i: number,
  quoted: boolean,
  parts: WordPart[],
  addLiteral: (text: string, quoted: boolean) => void,
  problems: LexProblem[],
  depth: number,
): number {
  const n = src[i + 1];
  if (n === "(") {
    const end = findClosing(src, i + 1, "(", ")");
    if (end < 0) {
      problems.push({ offset: i, message: "unterminated $(" });
      parts.push({ kind: "opaque", what: "command substitution", raw: src.slice(i), quoted });
      return src.length;
    }
    const what = src[i + 2] === "(" && src[end - 1] === ")" ? "arithmetic expansion" : "command substitution";
    parts.push({ kind: "opaque", what, raw: src.slice(i, end + 1), quoted });
    return end + 1;
  }
  if (n === "{") {
    const end = findClosing(src, i + 1, "{", "}");
    if (end < 0) {
      problems.push({ offset: i, message: "unterminated ${" });
      parts.push({ kind: "opaque", what: "parameter operator", raw: src.slice(i), quoted });
      return src.length;
    }
    const raw = src.slice(i, end + 1);
    if (depth >= MAX_PARAM_NESTING) {
      problems.push({ offset: i, message: `\${…} nested deeper than ${MAX_PARAM_NESTING} levels` });
      parts.push({ kind: "opaque", what: "parameter operator", raw, quoted });
    } else parts.push(parseBraceParam(src.slice(i + 2, end), raw, quoted, problems, i, depth + 1));
    return end + 1;
  }
  if (n === "'" && !quoted) {
    // $'…' (ANSI-C quoting): the common escapes, the rest kept literally.
    let j = i + 2;
    let text = "";
    while (j < src.length && src[j] !== "'") {
      if (src[j] === "\\" && j + 1 < src.length) {
        const e = src[j + 1];
        text += e === "n" ? "\n" : e === "t" ? "\t" : e;
        j += 2;
      } else text += src[j++];
    }
    addLiteral(text, true);
    return j + 1;
  }
  if (n === '"' && !quoted) return scanDoubleQuoted(src, i + 2, parts, addLiteral, problems, depth);
  const rest = src.slice(i + 1);
  const name = NAME_RE.exec(rest)?.[0];
  if (name) {
    parts.push({ kind: "param", name, quoted, raw: `$${name}` });
    return i + 1 + name.length;
  }
  if (SPECIAL_PARAM_RE.test(rest)) {
    parts.push({ kind: "opaque", what: "special parameter", raw: `$${rest[0]}`, quoted });
    return i + 2;
  }
  addLiteral("$", quoted);
  return i + 1;
}

function parseBraceParam(inner: string, raw: string, quoted: boolean, problems: LexProblem[], offset: number, depth: number): WordPart {
  const name = NAME_RE.exec(inner)?.[0];
  if (!name) {
    // ${#X}, ${!X}, ${1}, ${@} …: lengths, indirection and positional parameters.
    const what: OpaqueKind = SPECIAL_PARAM_RE.test(inner) && inner.length === 1 ? "special parameter" : "parameter operator";
    return { kind: "opaque", what, raw, quoted };
  }
  const rest = inner.slice(name.length);
  if (rest === "") return { kind: "param", name, quoted, raw };
  const op = PARAM_OPS.find((o) => rest.startsWith(o));
  if (!op) return { kind: "opaque", what: "parameter operator", raw, quoted };
  const argParts: WordPart[] = [];
  const addArgLiteral = (text: string, q: boolean) => appendLiteral(argParts, text, q);
  const arg = rest.slice(op.length);
  let j = 0;
  while (j < arg.length) {
    const before = problems.length;
    j = scanWordChar(arg, j, argParts, (t, q) => addArgLiteral(t, q || quoted), problems, depth);
    for (const p of problems.slice(before)) p.offset += offset;
  }
  return { kind: "param", name, op, arg: argParts, quoted, raw };
}

/** Index of the bracket closing the one at `open`, skipping quotes and escapes; -1 if none. */
function findClosing(src: string, open: number, openCh: string, closeCh: string): number {
  let depth = 0;
  for (let j = open; j < src.length; j++) {
    const c = src[j];
    if (c === "\\") {
      j++;
      continue;
    }
    if (c === "'") {
      const end = src.indexOf("'", j + 1);
      if (end < 0) return -1;
      j = end;
      continue;
    }
    if (c === '"') {
      j++;
      while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      continue;
    }
    if (c === openCh) depth++;
    else if (c === closeCh) {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

function skipHeredocBodies(src: string, i: number, heredocs: Array<{ delimiter: string; stripTabs: boolean }>): number {
  for (const h of heredocs) {
    while (i < src.length) {
      const nl = src.indexOf("\n", i);
      const line = src.slice(i, nl < 0 ? src.length : nl);
      i = nl < 0 ? src.length : nl + 1;
      if ((h.stripTabs ? line.replace(/^\t+/, "") : line) === h.delimiter) break;
    }
  }
  return i;
}

/** The word's text when it has only literal parts (quotes removed), else undefined. */
export function literalWordText(word: ShellWord): string | undefined {
  if (word.parts.some((p) => p.kind !== "literal")) return undefined;
  return wordLiteralText(word);
}

function wordLiteralText(word: ShellWord): string {
  return word.parts.map((p) => (p.kind === "literal" ? p.text : p.raw)).join("");
}

/** A reserved word (`if`, `then`, `do` …) counts only when written unquoted. */
export function isUnquotedLiteral(word: ShellWord, text: string): boolean {
  return word.parts.length === 1 && word.parts[0].kind === "literal" && !word.parts[0].quoted && word.parts[0].text === text;
}
