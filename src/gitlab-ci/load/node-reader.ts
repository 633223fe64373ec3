import { error, warning, type Diagnostic, type DiagnosticCode } from "../../core/diagnostic.js";
import type { Located, Pos } from "../../core/pos.js";
import { describeNode, isNull, type YMap, type YNode } from "../yaml/node.js";

/**
 * Reads typed values out of nodes and reports wrong types as diagnostics at the value's line,
 * naming the key the way GitLab's messages do (`build:script`). Shared by every builder.
 */
export class NodeReader {
  constructor(
    readonly diagnostics: Diagnostic[],
    /**
     * Some includes were not analysed: a missing `extends` parent or `!reference` target may
     * be defined there, so those findings are warnings rather than errors.
     */
    readonly incomplete = false,
  ) {}

  /**
   * Top-level keys (jobs and templates) whose content lacks something an unread include may
   * supply: an `extends` parent or a `!reference` target that is not in the files read.
   */
  readonly incompleteKeys = new Set<string>();

  error(code: DiagnosticCode, message: string, pos: Pos | undefined): void {
    this.diagnostics.push(error(code, message, pos));
  }

  warning(code: DiagnosticCode, message: string, pos: Pos | undefined): void {
    this.diagnostics.push(warning(code, message, pos));
  }

  /** An error that a not-analysed include might explain becomes a warning. */
  errorUnlessIncomplete(code: DiagnosticCode, message: string, pos: Pos | undefined): void {
    this.diagnostics.push(errorUnlessUnread(this.incomplete, code, message, pos));
  }

  wrongType(what: string, expected: string, node: YNode): void {
    this.error("invalid-type", `${what} should be ${expected}, not ${describeNode(node)}`, node.pos);
  }

  string(node: YNode | undefined, what: string): Located<string> | undefined {
    if (isNull(node) || !node) return undefined;
    if (node.kind === "scalar" && typeof node.value === "string") return { value: node.value, pos: node.pos };
    this.wrongType(what, "a string", node);
    return undefined;
  }

  boolean(node: YNode | undefined, what: string): Located<boolean> | undefined {
    if (isNull(node) || !node) return undefined;
    if (node.kind === "scalar" && typeof node.value === "boolean") return { value: node.value, pos: node.pos };
    this.wrongType(what, "true or false", node);
    return undefined;
  }

  /** A list of strings; `single` also accepts one string (e.g. `extends: .base`). */
  strings(node: YNode | undefined, what: string, single = false): Located<string>[] | undefined {
    if (isNull(node) || !node) return undefined;
    if (single && node.kind === "scalar" && typeof node.value === "string") return [{ value: node.value, pos: node.pos }];
    if (node.kind !== "seq") {
      this.wrongType(what, single ? "a string or a list of strings" : "a list of strings", node);
      return undefined;
    }
    const out: Located<string>[] = [];
    for (const item of node.items) {
      if (item.kind === "scalar" && typeof item.value === "string") out.push({ value: item.value, pos: item.pos });
      else this.wrongType(`${what} item`, "a string", item);
    }
    return out;
  }

  map(node: YNode | undefined, what: string): YMap | undefined {
    if (isNull(node) || !node) return undefined;
    if (node.kind === "map") return node;
    this.wrongType(what, "a hash", node);
    return undefined;
  }

  /** A hash may only use these keys (GitLab: "config contains unknown keys"). */
  knownKeys(map: YMap, allowed: readonly string[], what: string, code: DiagnosticCode = "unknown-keyword"): void {
    for (const e of map.entries.values()) {
      if (!allowed.includes(e.key)) this.error(code, `${what} contains unknown key \`${e.key}\``, e.keyPos);
    }
  }

  /** One of a fixed set of words. */
  oneOf<T extends string>(node: YNode | undefined, allowed: readonly T[], what: string): Located<T> | undefined {
    const s = this.string(node, what);
    if (!s) return undefined;
    if ((allowed as readonly string[]).includes(s.value)) return s as Located<T>;
    this.error("invalid-value", `${what} is \`${s.value}\`; it should be one of ${allowed.join(", ")}`, s.pos);
    return undefined;
  }
}

/**
 * What GitLab would refuse, unless an include that was not read supplies what is missing: an
 * error when every include was read, else a warning that says so.
 */
export function errorUnlessUnread(unread: boolean, code: DiagnosticCode, message: string, pos: Pos | undefined): Diagnostic {
  return unread ? warning(code, `${message} (it may come from an include that was not analysed)`, pos) : error(code, message, pos);
}

/** Lists built from `!reference` or anchors nest; GitLab flattens them (`Array#flatten(levels)`). */
export function flattenSeq(items: YNode[], levels: number): { items: YNode[]; tooDeep?: YNode } {
  const out: YNode[] = [];
  let tooDeep: YNode | undefined;
  const walk = (list: YNode[], depth: number) => {
    for (const item of list) {
      if (item.kind === "seq") {
        if (depth < levels) walk(item.items, depth + 1);
        else {
          tooDeep ??= item;
          out.push(item);
        }
      } else out.push(item);
    }
  };
  walk(items, 0);
  return { items: out, tooDeep };
}
