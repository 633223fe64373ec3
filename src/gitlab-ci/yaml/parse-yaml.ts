import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node as YamlNode, type Scalar } from "yaml";
import { error, warning, type Diagnostic } from "../../core/diagnostic.js";
import type { Pos } from "../../core/pos.js";
import type { YEntry, YMap, YNode, YScalar } from "./node.js";
import { resolvePsychScalar } from "./psych-scalar.js";

export interface YamlLimits {
  /** GitLab refuses a CI file above 1 MB (`max_yaml_size_bytes`). */
  maxFileBytes: number;
  /** GitLab's YAML loader refuses a structure nested deeper than 100 levels (`MAX_YAML_DEPTH`). */
  maxNestingDepth: number;
  /**
   * How many nodes a document may expand to once aliases are followed. GitLab bounds the
   * expanded size of the parsed YAML too (`Gitlab::Utils::DeepSize`); this is what stops a
   * "billion laughs" file, which is tiny on disk and huge once expanded.
   */
  maxExpandedNodes: number;
}

export interface ParsedYaml {
  /** The `spec:` header document, when the file has one (`spec:` then `---` then the config). */
  header?: YMap;
  /** The configuration document; `undefined` when the file is empty or could not be parsed. */
  body?: YNode;
  diagnostics: Diagnostic[];
}

const REFERENCE_TAG = "!reference";

/**
 * How plain scalars become values. `psych` (GitLab): Ruby Psych's reading of YAML 1.1
 * (`yes`/`on` are booleans, `y` is a string, `0755` is octal; see resolvePsychScalar).
 * `core-1.2`: the YAML 1.2 core schema, as GitHub Actions reads workflows (`on` is a string).
 */
export type YamlSchema = "psych" | "core-1.2";

export interface ParseYamlOptions {
  /** Default `psych`. */
  schema?: YamlSchema;
}

/**
 * Parse one CI file into position-carrying nodes, the way GitLab's YAML loader sees it:
 * YAML 1.1 scalars (Psych: `yes`/`on` are booleans, `0755` is octal), `<<` merge keys,
 * `!reference` tags, and GitLab's size and depth limits. Never throws for bad input.
 */
export function parseYaml(file: string, text: string, limits: YamlLimits, options: ParseYamlOptions = {}): ParsedYaml {
  const schema = options.schema ?? "psych";
  const filePos: Pos = { file, line: 1 };
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most files are clearly within the limit uncounted.
  const bytes = text.length > limits.maxFileBytes || text.length * 3 <= limits.maxFileBytes ? text.length : new TextEncoder().encode(text).length;
  if (bytes > limits.maxFileBytes) {
    return {
      diagnostics: [error("file-too-large", `${file} is ${bytes} bytes; the limit for one CI file is ${limits.maxFileBytes} bytes`, filePos)],
    };
  }
  // YAML forbids NUL (Psych: "control characters are not allowed"); the `yaml` package would
  // read a binary file as one long scalar and the user would see "not a hash" instead.
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    const before = text.slice(0, nul);
    const pos: Pos = { file, line: before.split("\n").length, col: nul - before.lastIndexOf("\n") };
    return { diagnostics: [error("yaml-syntax", `${file} contains a NUL byte: it is a binary file, not YAML`, pos)] };
  }
  if (obviouslyTooDeep(text, limits.maxNestingDepth)) {
    return { diagnostics: [error("nesting-too-deep", `${file} is nested deeper than ${limits.maxNestingDepth} levels`, filePos)] };
  }
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      lineCounter,
      version: schema === "psych" ? "1.1" : "1.2",
      merge: schema === "psych",
      uniqueKeys: false,
      prettyErrors: false,
      customTags: [{ tag: REFERENCE_TAG, collection: "seq", default: false, resolve: (seq) => seq }],
    }) as Document.Parsed[];
  } catch (e) {
    // A file of thousands of nested `[` can exhaust the parser's stack before any of our checks.
    if (e instanceof RangeError) {
      return { diagnostics: [error("nesting-too-deep", `${file} is nested too deeply to parse (limit ${limits.maxNestingDepth} levels)`, filePos)] };
    }
    throw e;
  }
  if (!Array.isArray(docs)) docs = [docs];

  const diagnostics: Diagnostic[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) {
      const lp = lineCounter.linePos(e.pos[0]);
      const firstLine = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      diagnostics.push(error("yaml-syntax", `YAML syntax error: ${firstLine}`, { file, line: lp.line, col: lp.col }));
    }
  }
  if (diagnostics.length > 0) return { diagnostics };

  const converted = docs.map((d) =>
    d.contents ? new Converter(file, lineCounter, limits, diagnostics, () => anchorsOf(d), schema).convertDocument(d.contents as YamlNode) : undefined,
  );
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };

  if (converted.length <= 1) return { body: converted[0], diagnostics };
  const [first, second] = converted;
  if (converted.length === 2 && first?.kind === "map" && first.entries.has("spec")) {
    return { header: first, body: second, diagnostics };
  }
  diagnostics.push(
    error("config-invalid", `${file} has ${converted.length} YAML documents; GitLab allows a second one only after a \`spec:\` header`, filePos),
  );
  return { diagnostics };
}

class Converter {
  /** Anchored nodes converted so far, with their expanded size: every alias of one shares the result. */
  private readonly done = new Map<YamlNode, { node: YNode; size: number }>();
  private readonly inProgress = new Set<YamlNode>();
  private depthReported = false;
  private anchors: Map<string, YamlNode[]> | undefined;
  /** Nodes made so far, each alias counting its whole target again (the expanded size). */
  private size = 0;

  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
    private readonly limits: YamlLimits,
    private readonly diagnostics: Diagnostic[],
    // Collected on the first alias: most CI files have none, and the walk costs a visit of every node.
    private readonly findAnchors: () => Map<string, YamlNode[]>,
    private readonly schema: YamlSchema,
  ) {}

  /**
   * YAML: an alias refers to the closest anchor of that name written before it. The anchors of a
   * name are in document order, so a binary search finds it: a file that redefines one anchor
   * tens of thousands of times and aliases it as often costs n·log n, not n².
   */
  private anchorTarget(name: string, offset: number): YamlNode | undefined {
    this.anchors ??= this.findAnchors();
    const candidates = this.anchors.get(name) ?? [];
    let low = 0;
    let high = candidates.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((candidates[mid].range?.[0] ?? 0) < offset) low = mid + 1;
      else high = mid;
    }
    return low > 0 ? candidates[low - 1] : undefined;
  }

  convertDocument(root: YamlNode): YNode | undefined {
    this.size = 0;
    const node = this.convert(root, 0);
    if (this.size > this.limits.maxExpandedNodes) {
      this.diagnostics.push(
        error(
          "yaml-alias-limit",
          `${this.file}: YAML aliases expand to more than ${this.limits.maxExpandedNodes} values; refusing it as a resource-exhaustion attack`,
          node.pos,
        ),
      );
      return undefined;
    }
    return node;
  }

  private pos(offset: number | undefined): Pos {
    const lp = this.lines.linePos(offset ?? 0);
    return { file: this.file, line: lp.line, col: lp.col };
  }

  /** A node of its own (not an alias's target): one to the expanded size. */
  private leaf(node: YNode): YNode {
    this.size++;
    return node;
  }

  private convert(n: YamlNode, depth: number): YNode {
    if (isAlias(n)) {
      const pos = this.pos(n.range?.[0]);
      const target = this.anchorTarget(n.source, n.range?.[0] ?? 0);
      if (!target || this.inProgress.has(target)) {
        this.diagnostics.push(error("yaml-syntax", `alias *${n.source} refers to itself or to nothing`, pos));
        return this.leaf(nullAt(pos));
      }
      return this.convert(target, depth);
    }
    // Only an anchored node can be reached twice (through its aliases): the document is a tree.
    const anchored = !!(n as { anchor?: string }).anchor;
    const cached = anchored ? this.done.get(n) : undefined;
    if (cached) {
      this.size += cached.size;
      return cached.node;
    }
    const pos = this.pos(n.range?.[0]);
    if (depth > this.limits.maxNestingDepth) {
      if (!this.depthReported) {
        this.depthReported = true;
        this.diagnostics.push(error("nesting-too-deep", `YAML is nested deeper than ${this.limits.maxNestingDepth} levels`, pos));
      }
      return this.leaf(nullAt(pos));
    }
    if (!anchored) return this.convertFresh(n, depth, pos);
    const before = this.size;
    this.inProgress.add(n);
    const node = this.convertFresh(n, depth, pos);
    this.inProgress.delete(n);
    this.done.set(n, { node, size: this.size - before });
    return node;
  }

  private convertFresh(n: YamlNode, depth: number, pos: Pos): YNode {
    if (n.tag === REFERENCE_TAG && !isSeq(n)) {
      this.diagnostics.push(error("invalid-type", "!reference needs a list: !reference [job, key, ...]", pos));
      return this.leaf(nullAt(pos));
    }
    if (isScalar(n)) {
      // A plain, untagged scalar gets Psych's reading, which differs from the `yaml` package's
      // YAML 1.1 schema (there `y` is true and `tRuE` a string; in Psych it is the reverse).
      const v = this.scalarValue(n);
      const value = v === null || v === undefined ? null : typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : String(v);
      const node: YScalar = { kind: "scalar", value, pos };
      if (typeof value === "number" && typeof n.source === "string") node.source = n.source;
      return this.leaf(node);
    }
    if (isSeq(n)) {
      if (n.tag === REFERENCE_TAG) return this.leaf(this.convertReference(n.items as YamlNode[], pos));
      this.size++;
      const items: YNode[] = [];
      for (const item of n.items) items.push(this.convert(item as YamlNode, depth + 1));
      return { kind: "seq", items, pos };
    }
    if (isMap(n)) return this.convertMap(n.items, depth, pos);
    return this.leaf(nullAt(pos));
  }

  private scalarValue(n: Scalar): unknown {
    const isPsychPlain = this.schema === "psych" && n.type === "PLAIN" && n.tag === undefined && typeof n.source === "string";
    return isPsychPlain ? resolvePsychScalar(n.source as string) : n.value;
  }

  private convertReference(items: YamlNode[], pos: Pos): YNode {
    const path: string[] = [];
    for (const item of items) {
      if (isScalar(item) && item.value !== null && typeof item.value !== "object") path.push(String(item.value));
      else {
        this.diagnostics.push(error("invalid-type", "!reference items must be plain names: !reference [job, key, ...]", pos));
        return nullAt(pos);
      }
    }
    if (path.length === 0) {
      this.diagnostics.push(error("invalid-type", "!reference needs at least a job name", pos));
      return nullAt(pos);
    }
    return { kind: "reference", path, pos };
  }

  private convertMap(pairs: unknown[], depth: number, pos: Pos): YNode {
    const entries = new Map<string, YEntry>();
    // Where each key was written, for duplicates. Until a `<<` merges entries in, that is what
    // `entries` says, so the map is made only then (most maps have no merge key).
    let written: Map<string, Pos> | undefined;
    this.size++;
    for (const pair of pairs) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyPos = this.pos(keyNode?.range?.[0] ?? (pair.value as YamlNode | null)?.range?.[0]);
      const value = pair.value ? this.convert(pair.value as YamlNode, depth + 1) : this.leaf(nullAt(keyPos));
      if (isScalar(keyNode) && typeof keyNode.value === "symbol") {
        // `<<` merge key, as Psych applies it: entries are merged in order, so keys written
        // after `<<` win; in `<<: [*a, *b]` the earlier source wins.
        if (!written) {
          written = new Map();
          for (const [k, e] of entries) written.set(k, e.keyPos);
        }
        const sources = value.kind === "seq" ? [...value.items].reverse() : [value];
        const merged = new Map<string, YEntry>();
        for (const s of sources) {
          if (s.kind !== "map") {
            this.diagnostics.push(error("invalid-type", "`<<` merge key needs a hash or a list of hashes", keyPos));
            continue;
          }
          for (const [k, e] of s.entries) merged.set(k, e);
        }
        for (const [k, e] of merged) entries.set(k, e);
        continue;
      }
      if (keyNode && !isScalar(keyNode)) {
        this.diagnostics.push(error("invalid-type", "a hash key must be a plain value, not a list or a hash", keyPos));
        continue;
      }
      const rawKey = isScalar(keyNode) ? this.scalarValue(keyNode) : null;
      const key = rawKey === null || rawKey === undefined ? "" : String(rawKey);
      const earlier = written ? written.get(key) : entries.get(key)?.keyPos;
      if (earlier) {
        // Psych (GitLab's parser) silently keeps the last value; a duplicate is almost always a mistake.
        this.diagnostics.push(
          warning("yaml-duplicate-key", `duplicate key "${key}" (first at line ${earlier.line}); GitLab keeps this later one`, keyPos),
        );
      }
      written?.set(key, keyPos);
      entries.set(key, { key, keyPos, value });
    }
    return { kind: "map", entries, pos };
  }
}

/**
 * The `yaml` parser can exhaust memory (a fatal, uncatchable process abort) on tens of
 * thousands of nested `[`/`{` or compact `- - - …` indicators. Refuse such text before
 * parsing. The check is deliberately coarse, ten times the real limit, so that no real file
 * (where brackets in scripts mostly balance) is refused by it; the exact limit is checked on
 * the parsed nodes.
 */
export function obviouslyTooDeep(text: string, maxDepth: number): boolean {
  const coarse = maxDepth * 10;
  let open = 0;
  let lineStart = true;
  let prefix = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++open > coarse) return true;
    } else if (c === 0x5d || c === 0x7d) open--;
    if (c === 0x0a) {
      lineStart = true;
      prefix = 0;
    } else if (lineStart && (c === 0x20 || c === 0x2d || c === 0x3f || c === 0x3a || c === 0x09)) {
      if (++prefix > coarse * 2) return true;
    } else lineStart = false;
  }
  return false;
}

function anchorsOf(doc: Document.Parsed): Map<string, YamlNode[]> {
  const anchors = new Map<string, YamlNode[]>();
  visit(doc, (_key, node) => {
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor && !isAlias(node)) {
      const list = anchors.get(anchor) ?? [];
      list.push(node as YamlNode);
      anchors.set(anchor, list);
    }
  });
  for (const list of anchors.values()) list.sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0));
  return anchors;
}

function nullAt(pos: Pos): YScalar {
  return { kind: "scalar", value: null, pos };
}
