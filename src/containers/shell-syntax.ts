import { isUnquotedLiteral, literalWordText, type ShellToken, type ShellWord } from "./shell-words.js";

/**
 * The structure of a job script: sequences, `&&`/`||` lists, pipelines, subshells and
 * the compound commands (`if`, `while`/`until`, `for`, `case`, functions). It records
 * only what decides whether a command runs and whether its assignments last; a full
 * shell grammar is not needed to find image builds.
 */
export type ShellNode =
  | { kind: "simple"; words: ShellWord[]; item: number }
  | { kind: "seq"; items: ShellNode[] }
  /** `a && b || c`: kept flat, so a long chain does not nest. */
  | { kind: "andor"; first: ShellNode; rest: Array<{ op: "&&" | "||"; node: ShellNode }> }
  /** Every element of a pipeline runs in a subshell (bash without `lastpipe`). */
  | { kind: "pipe"; items: ShellNode[] }
  | { kind: "background"; body: ShellNode }
  | { kind: "subshell" | "group"; body: ShellNode }
  | { kind: "if"; branches: Array<{ cond: ShellNode; body: ShellNode }>; otherwise?: ShellNode }
  | { kind: "loop"; cond: ShellNode; body: ShellNode }
  | { kind: "for"; name: string; item: number; body: ShellNode }
  | { kind: "case"; arms: ShellNode[] }
  | { kind: "function"; name: string; body: ShellNode };

/** A token from script item number `item` (before_script and script items, in order). */
export type ItemToken = ShellToken & { item: number };

export interface ParseProblem {
  item: number;
  message: string;
}

const TERMINATORS = ["then", "elif", "else", "fi", "do", "done", "esac", "}"];
/** Deeper nesting than this is hostile or generated input; the rest of the script is not read. */
export const MAX_SHELL_NESTING = 64;

export function parseShell(tokens: ItemToken[]): { node: ShellNode; problems: ParseProblem[] } {
  const parser = new Parser(tokens);
  const items: ShellNode[] = [];
  while (!parser.atEnd()) {
    items.push(parser.parseList());
    if (!parser.atEnd()) parser.skipStray();
  }
  return { node: { kind: "seq", items }, problems: parser.problems };
}

class Parser {
  private p = 0;
  private depth = 0;
  readonly problems: ParseProblem[] = [];

  constructor(private readonly tokens: ItemToken[]) {}

  atEnd(): boolean {
    return this.p >= this.tokens.length;
  }

  private peek(): ItemToken | undefined {
    return this.tokens[this.p];
  }

  private isOp(op: string, t = this.peek()): boolean {
    return t?.kind === "op" && t.op === op;
  }

  private isReserved(text: string, t = this.peek()): boolean {
    return t?.kind === "word" && isUnquotedLiteral(t.word, text);
  }

  private atTerminator(): boolean {
    const t = this.peek();
    if (!t) return true;
    if (t.kind === "op") return t.op === ")" || t.op === ";;";
    return t.kind === "word" && TERMINATORS.some((k) => isUnquotedLiteral(t.word, k));
  }

  private skipSeparators(): void {
    while (this.isOp("\n") || this.isOp(";")) this.p++;
  }

  private skipNewlines(): void {
    while (this.isOp("\n")) this.p++;
  }

  /** A token that cannot start a command here (a stray `fi`, `)` …): note it and move on. */
  skipStray(): void {
    const t = this.tokens[this.p];
    const text = t.kind === "word" ? t.word.raw : t.kind === "op" ? t.op : t.op;
    this.problems.push({ item: t.item, message: `unexpected '${text}'` });
    this.p++;
  }

  private expect(text: string, opening: ItemToken | undefined): boolean {
    this.skipSeparators();
    if (this.isReserved(text)) {
      this.p++;
      return true;
    }
    this.problems.push({ item: opening?.item ?? 0, message: `missing '${text}'` });
    return false;
  }

  parseList(): ShellNode {
    const items: ShellNode[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.atTerminator()) break;
      const node = this.parseAndOr();
      if (this.isOp("&")) {
        this.p++;
        items.push({ kind: "background", body: node });
      } else items.push(node);
      if (!(this.isOp(";") || this.isOp("\n") || this.isOp("&"))) {
        if (this.atEnd() || this.atTerminator()) break;
      }
    }
    return items.length === 1 ? items[0] : { kind: "seq", items };
  }

  private parseAndOr(): ShellNode {
    const first = this.parsePipeline();
    const rest: Array<{ op: "&&" | "||"; node: ShellNode }> = [];
    for (;;) {
      const t = this.peek();
      if (t?.kind !== "op" || (t.op !== "&&" && t.op !== "||")) break;
      this.p++;
      this.skipNewlines();
      rest.push({ op: t.op, node: this.parsePipeline() });
    }
    return rest.length === 0 ? first : { kind: "andor", first, rest };
  }

  private parsePipeline(): ShellNode {
    if (this.isReserved("!")) this.p++;
    const items = [this.parseCommand()];
    while (this.isOp("|")) {
      this.p++;
      this.skipNewlines();
      items.push(this.parseCommand());
    }
    return items.length === 1 ? items[0] : { kind: "pipe", items };
  }

  private parseCommand(): ShellNode {
    const t = this.peek();
    if (!t) return { kind: "seq", items: [] };
    if (this.depth >= MAX_SHELL_NESTING) {
      this.problems.push({ item: t.item, message: `shell constructs nested deeper than ${MAX_SHELL_NESTING} levels` });
      this.p = this.tokens.length;
      return { kind: "seq", items: [] };
    }
    this.depth++;
    try {
      return this.parseCommandBody(t);
    } finally {
      this.depth--;
    }
  }

  private parseCommandBody(t: ItemToken): ShellNode {
    let node: ShellNode;
    if (this.isOp("(")) {
      this.p++;
      const body = this.parseList();
      if (this.isOp(")")) this.p++;
      else this.problems.push({ item: t.item, message: "missing ')'" });
      node = { kind: "subshell", body };
    } else if (t.kind === "word" && this.isCompoundStart(t)) {
      node = this.parseCompound(t);
    } else if (t.kind === "word" && this.isOp("(", this.tokens[this.p + 1]) && this.isOp(")", this.tokens[this.p + 2])) {
      // name() { …; }: the body runs only when called.
      this.p += 3;
      this.skipNewlines();
      node = { kind: "function", name: t.word.raw, body: this.parseCommand() };
    } else {
      node = this.parseSimple();
    }
    this.skipRedirections();
    return node;
  }

  private isCompoundStart(t: ItemToken): boolean {
    return ["{", "if", "while", "until", "for", "case", "function"].some((k) => this.isReserved(k, t));
  }

  private parseCompound(t: ItemToken): ShellNode {
    const word = t.kind === "word" ? literalWordText(t.word) : undefined;
    this.p++;
    switch (word) {
      case "{": {
        const body = this.parseList();
        this.expect("}", t);
        return { kind: "group", body };
      }
      case "if": {
        const branches: Array<{ cond: ShellNode; body: ShellNode }> = [];
        let otherwise: ShellNode | undefined;
        for (;;) {
          const cond = this.parseList();
          this.expect("then", t);
          const body = this.parseList();
          branches.push({ cond, body });
          if (this.isReserved("elif")) {
            this.p++;
            continue;
          }
          if (this.isReserved("else")) {
            this.p++;
            otherwise = this.parseList();
          }
          this.expect("fi", t);
          return { kind: "if", branches, otherwise };
        }
      }
      case "while":
      case "until": {
        const cond = this.parseList();
        this.expect("do", t);
        const body = this.parseList();
        this.expect("done", t);
        return { kind: "loop", cond, body };
      }
      case "for": {
        const nameTok = this.peek();
        const name = nameTok?.kind === "word" ? nameTok.word.raw : "";
        this.p++;
        // `for X in words; do` or `for X; do`; the words are not needed: X is unknown either way.
        while (!this.atEnd() && !this.isReserved("do")) this.p++;
        this.expect("do", t);
        const body = this.parseList();
        this.expect("done", t);
        return { kind: "for", name, item: t.item, body };
      }
      case "case": {
        const arms: ShellNode[] = [];
        while (!this.atEnd() && !this.isReserved("in")) this.p++;
        this.p++;
        for (;;) {
          this.skipSeparators();
          if (this.atEnd() || this.isReserved("esac")) break;
          // Skip the pattern up to its `)`.
          while (!this.atEnd() && !this.isOp(")")) this.p++;
          this.p++;
          arms.push(this.parseList());
          if (this.isOp(";;")) this.p++;
        }
        this.expect("esac", t);
        return { kind: "case", arms };
      }
      default: {
        // function name [()] { …; }
        const nameTok = this.peek();
        const name = nameTok?.kind === "word" ? nameTok.word.raw : "";
        this.p++;
        if (this.isOp("(") && this.isOp(")", this.tokens[this.p + 1])) this.p += 2;
        this.skipNewlines();
        return { kind: "function", name, body: this.parseCommand() };
      }
    }
  }

  private parseSimple(): ShellNode {
    const words: ShellWord[] = [];
    const first = this.peek()!;
    for (;;) {
      const t = this.peek();
      if (!t || t.kind === "op") break;
      if (t.kind === "redirect") {
        this.p += 2;
        continue;
      }
      words.push(t.word);
      this.p++;
    }
    if (words.length === 0 && first.kind === "op") {
      // e.g. a leading `)` or `;;` outside any construct.
      this.skipStray();
    }
    return { kind: "simple", words, item: first.item };
  }

  private skipRedirections(): void {
    while (this.peek()?.kind === "redirect") this.p += 2;
  }
}
