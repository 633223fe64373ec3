/**
 * Tokens of GitHub's expression language. Offsets are into the expression text; the
 * caller maps them to file positions.
 */
export type TokenKind =
  | "number"
  | "string"
  | "true"
  | "false"
  | "null"
  | "ident"
  | "("
  | ")"
  | "["
  | "]"
  | "."
  | ","
  | "*"
  | "!"
  | "<"
  | "<="
  | ">"
  | ">="
  | "=="
  | "!="
  | "&&"
  | "||"
  | "eof";

export interface Token {
  kind: TokenKind;
  /** The literal's value for numbers and strings; the name for identifiers. */
  value?: string | number;
  offset: number;
}

export class ExprSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const PUNCT: ReadonlyArray<TokenKind> = ["<=", ">=", "==", "!=", "&&", "||", "(", ")", "[", "]", ".", ",", "*", "!", "<", ">"];

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new ExprSyntaxError("unterminated string literal", start);
        if (text[i] === "'") {
          // `''` is an escaped single quote.
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: "string", value, offset: start });
      continue;
    }
    if (ch === '"') throw new ExprSyntaxError("strings use single quotes ('...'); double quotes are an error in GitHub expressions", start);
    const num = /^-?(?:0x[0-9a-fA-F]+|0o[0-7]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (num && (ch !== "-" || /[\d.]/.test(text[i + 1] ?? ""))) {
      const raw = num[0];
      const neg = raw.startsWith("-");
      const body = neg ? raw.slice(1) : raw;
      let n: number;
      if (/^0x/i.test(body)) n = parseInt(body.slice(2), 16);
      else if (/^0o/i.test(body)) n = parseInt(body.slice(2), 8);
      else n = Number(body);
      tokens.push({ kind: "number", value: neg ? -n : n, offset: start });
      i += raw.length;
      if (/[A-Za-z_]/.test(text[i] ?? "")) throw new ExprSyntaxError(`unexpected '${text[i]}' after number`, i);
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i));
    if (ident) {
      const word = ident[0];
      if (word === "true" || word === "false" || word === "null") tokens.push({ kind: word, offset: start });
      else if (word === "NaN") tokens.push({ kind: "number", value: NaN, offset: start });
      else if (word === "Infinity") tokens.push({ kind: "number", value: Infinity, offset: start });
      else tokens.push({ kind: "ident", value: word, offset: start });
      i += word.length;
      continue;
    }
    const punct = PUNCT.find((p) => text.startsWith(p, i));
    if (!punct) throw new ExprSyntaxError(`unexpected character '${ch}'`, i);
    tokens.push({ kind: punct, offset: start });
    i += punct.length;
  }
  tokens.push({ kind: "eof", offset: text.length });
  return tokens;
}
