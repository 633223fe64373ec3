import { ExprSyntaxError, tokenize, type Token, type TokenKind } from "./lexer.js";

/** The expression tree. Every node keeps the offset of its first token. */
export type Expr =
  | { kind: "literal"; value: null | boolean | number | string; offset: number }
  | { kind: "context"; name: string; offset: number }
  | { kind: "property"; object: Expr; name: string; offset: number }
  | { kind: "index"; object: Expr; index: Expr; offset: number }
  | { kind: "star"; object: Expr; offset: number }
  | { kind: "call"; name: string; args: Expr[]; offset: number }
  | { kind: "not"; operand: Expr; offset: number }
  | { kind: "compare"; op: "==" | "!=" | "<" | "<=" | ">" | ">="; left: Expr; right: Expr; offset: number }
  | { kind: "logical"; op: "&&" | "||"; left: Expr; right: Expr; offset: number };

/**
 * Precedence, highest first, as the docs list the operators:
 * `( )`, `[ ]`, `.`, `!`, `< <= > >=`, `== !=`, `&&`, `||`.
 */
export function parseExpression(text: string): Expr {
  const parser = new Parser(tokenize(text));
  const expr = parser.parseOr();
  parser.expect("eof");
  return expr;
}

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  expect(kind: TokenKind): Token {
    const t = this.next();
    if (t.kind !== kind) {
      throw new ExprSyntaxError(kind === "eof" ? `unexpected ${describe(t)}` : `expected '${kind}' but found ${describe(t)}`, t.offset);
    }
    return t;
  }

  parseOr(): Expr {
    let left = this.parseAnd();
    while (this.peek().kind === "||") {
      const t = this.next();
      left = { kind: "logical", op: "||", left, right: this.parseAnd(), offset: t.offset };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseEquality();
    while (this.peek().kind === "&&") {
      const t = this.next();
      left = { kind: "logical", op: "&&", left, right: this.parseEquality(), offset: t.offset };
    }
    return left;
  }

  private parseEquality(): Expr {
    let left = this.parseComparison();
    for (;;) {
      const k = this.peek().kind;
      if (k !== "==" && k !== "!=") return left;
      const t = this.next();
      left = { kind: "compare", op: k, left, right: this.parseComparison(), offset: t.offset };
    }
  }

  private parseComparison(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const k = this.peek().kind;
      if (k !== "<" && k !== "<=" && k !== ">" && k !== ">=") return left;
      const t = this.next();
      left = { kind: "compare", op: k, left, right: this.parseUnary(), offset: t.offset };
    }
  }

  private parseUnary(): Expr {
    if (this.peek().kind === "!") {
      const t = this.next();
      return { kind: "not", operand: this.parseUnary(), offset: t.offset };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case "number":
      case "string":
        return { kind: "literal", value: t.value as number | string, offset: t.offset };
      case "true":
      case "false":
        return { kind: "literal", value: t.kind === "true", offset: t.offset };
      case "null":
        return { kind: "literal", value: null, offset: t.offset };
      case "(": {
        const inner = this.parseOr();
        this.expect(")");
        return inner;
      }
      case "ident": {
        const name = t.value as string;
        if (this.peek().kind === "(") {
          this.next();
          const args: Expr[] = [];
          if (this.peek().kind !== ")") {
            args.push(this.parseOr());
            while (this.peek().kind === ",") {
              this.next();
              args.push(this.parseOr());
            }
          }
          this.expect(")");
          return { kind: "call", name, args, offset: t.offset };
        }
        return { kind: "context", name, offset: t.offset };
      }
      default:
        throw new ExprSyntaxError(`unexpected ${describe(t)}`, t.offset);
    }
  }

  private parsePostfix(expr: Expr): Expr {
    for (;;) {
      const k = this.peek().kind;
      if (k === ".") {
        const dot = this.next();
        const t = this.next();
        if (t.kind === "*") expr = { kind: "star", object: expr, offset: dot.offset };
        else if (t.kind === "ident" || t.kind === "true" || t.kind === "false" || t.kind === "null") {
          expr = { kind: "property", object: expr, name: t.kind === "ident" ? (t.value as string) : t.kind, offset: expr.offset };
        } else throw new ExprSyntaxError(`expected a property name after '.' but found ${describe(t)}`, t.offset);
      } else if (k === "[") {
        this.next();
        if (this.peek().kind === "*") {
          this.next();
          this.expect("]");
          expr = { kind: "star", object: expr, offset: expr.offset };
        } else {
          const index = this.parseOr();
          this.expect("]");
          expr = { kind: "index", object: expr, index, offset: expr.offset };
        }
      } else {
        return expr;
      }
    }
  }
}

function describe(t: Token): string {
  if (t.kind === "eof") return "end of expression";
  if (t.kind === "ident") return `'${String(t.value)}'`;
  if (t.kind === "string") return `string '${String(t.value)}'`;
  if (t.kind === "number") return `number ${String(t.value)}`;
  return `'${t.kind}'`;
}

/** The dotted text of a context path (`github.event.ref`), or undefined for computed ones. */
export function pathText(expr: Expr): string | undefined {
  if (expr.kind === "context") return expr.name;
  if (expr.kind === "property") {
    const base = pathText(expr.object);
    return base === undefined ? undefined : `${base}.${expr.name}`;
  }
  if (expr.kind === "index" && expr.index.kind === "literal" && typeof expr.index.value === "string") {
    const base = pathText(expr.object);
    return base === undefined ? undefined : `${base}.${expr.index.value}`;
  }
  if (expr.kind === "star") {
    const base = pathText(expr.object);
    return base === undefined ? undefined : `${base}.*`;
  }
  return undefined;
}

/** Whether the expression calls success(), always(), failure() or cancelled(). */
export function usesStatusFunction(expr: Expr): boolean {
  switch (expr.kind) {
    case "call":
      return STATUS_FUNCTIONS.has(expr.name.toLowerCase()) || expr.args.some(usesStatusFunction);
    case "not":
      return usesStatusFunction(expr.operand);
    case "compare":
    case "logical":
      return usesStatusFunction(expr.left) || usesStatusFunction(expr.right);
    case "property":
    case "star":
      return usesStatusFunction(expr.object);
    case "index":
      return usesStatusFunction(expr.object) || usesStatusFunction(expr.index);
    default:
      return false;
  }
}

export const STATUS_FUNCTIONS: ReadonlySet<string> = new Set(["success", "always", "failure", "cancelled"]);
