import { warning, type Diagnostic } from "../core/diagnostic.js";
import type { Pos } from "../core/pos.js";
import type { ScriptLine } from "../gitlab-ci/model.js";
import { mayBeContainerTool, recogniseContainerCommand, type ContainerCommand, type RecipeLocation } from "./container-commands.js";
import { expandSingle, expandWord } from "./expand-word.js";
import { MAX_EXPANDED_CHARS } from "../gitlab-ci/simulate/expand-variables.js";
import { concatTexts, expandedLength, holeText, knownText, knownValue, sameExpandedText, toResolvedText, type ExpandedText } from "./expanded-text.js";
import { normalizeImageRef, withImplicitLatest } from "./image-ref.js";
import { mayBeCommandPrefix, stripCommandPrefixes } from "./command-prefixes.js";
import type { ImageBuild } from "./model.js";
import { displayDir, joinRepoPath, resolveRepoPath } from "./repo-path.js";
import { ShellState, type VariableResolver } from "./shell-state.js";
import { parseShell, type ItemToken, type ParseProblem, type ShellNode } from "./shell-syntax.js";
import { lexShell, type ShellWord } from "./shell-words.js";

export interface FindImageBuildsInput {
  job: string;
  /** `before_script` then `script`, in order (`!reference`s resolved). */
  lines: readonly ScriptLine[];
  /** The job's resolved variables (`undefined` = defined nowhere we know). */
  variables: VariableResolver;
  /**
   * Whether a repository file exists at this revision, when the caller knows. podman,
   * buildah and kaniko read `-f x` from the working directory if it exists there and
   * from the build context otherwise; without this answer such a path stays unknown.
   */
  fileExists?: (path: string) => boolean | undefined;
}

export interface ScriptScan {
  builds: ImageBuild[];
  /** Script text we could not read, and builds we see but do not model (bake, compose). */
  diagnostics: Diagnostic[];
}

/** The container images a job's script builds and pushes. */
export function findImageBuilds(input: FindImageBuildsInput): ImageBuild[] {
  const parsed = parseScriptLines(input.lines);
  // No command can be a container tool: nothing to walk, whatever the variables say.
  return parsed.mayBuild ? scanParsed(input, parsed).builds : [];
}

/**
 * Whether the script may build, push or tag an image. False only when every command in it
 * (every branch, loop and function body) starts with plain text naming another program, so
 * no variable value can change that: a scan of it finds no builds.
 */
export function scriptMayBuild(lines: readonly ScriptLine[]): boolean {
  return parseScriptLines(lines).mayBuild;
}

export function scanJobScript(input: FindImageBuildsInput): ScriptScan {
  return scanParsed(input, parseScriptLines(input.lines));
}

function scanParsed(input: FindImageBuildsInput, parsed: ParsedScript): ScriptScan {
  // GitLab Runner runs before_script and script in one shell, one item after another, so
  // a construct may even span items; lex each item alone (an unterminated quote stays in
  // its item) and parse them as one script.
  const diagnostics: Diagnostic[] = [];
  // Text we cannot read is reported only where it may hide a container command: a job
  // may run another shell (PowerShell on Windows runners), whose syntax is not ours.
  const report = (item: number, message: string, mayReachLaterItems: boolean): boolean => {
    const texts = mayReachLaterItems ? input.lines.slice(item) : input.lines.slice(item, item + 1);
    if (!texts.some((l) => CONTAINER_TOOL_RE.test(l.text))) return false;
    const text = `job '${input.job}': ${message}; image builds in it may be missed`;
    if (!diagnostics.some((d) => d.message === text)) diagnostics.push(warning("not-analysed", text, input.lines[item]?.pos));
    return true;
  };
  for (const p of parsed.lexProblems) report(p.item, `${p.message} in a script line`, false);
  // The first structural problem explains the rest (a missing `fi` leaves `then` unmatched …).
  parsed.problems.some((p) => report(p.item, `${p.message} in the script`, true));
  const walker = new ScriptWalker(input, diagnostics);
  walker.run(parsed.node, new ShellState(input.variables), false);
  return { builds: walker.builds, diagnostics };
}

/** A script's syntax: a pure function of its items' texts, never changed by the walk. */
interface ParsedScript {
  lexProblems: ParseProblem[];
  node: ShellNode;
  problems: ParseProblem[];
  /** `mayRunContainerTool(node)`. */
  mayBuild: boolean;
}

/**
 * Scripts parsed, by their items' texts: the jobs of a configuration share a few `before_script`
 * and `script` templates, scanned again in every context of both revisions.
 */
const parsedScripts = new Map<string, ParsedScript>();
const PARSED_SCRIPTS_LIMIT = 2000;

function parseScriptLines(lines: readonly ScriptLine[]): ParsedScript {
  let key = "";
  for (const line of lines) key += `${line.text.length}:${line.text}`;
  const hit = parsedScripts.get(key);
  if (hit) return hit;
  const tokens: ItemToken[] = [];
  const lexProblems: ParseProblem[] = [];
  lines.forEach((line, item) => {
    const lexed = lexShell(line.text);
    for (const p of lexed.problems) lexProblems.push({ item, message: p.message });
    for (const t of lexed.tokens) tokens.push({ ...t, item });
    tokens.push({ kind: "op", op: "\n", offset: line.text.length, item });
  });
  const { node, problems } = parseShell(tokens);
  const parsed: ParsedScript = { lexProblems, node, problems, mayBuild: mayRunContainerTool(node) };
  if (parsedScripts.size >= PARSED_SCRIPTS_LIMIT) parsedScripts.clear();
  parsedScripts.set(key, parsed);
  return parsed;
}

/** An image the job holds locally under a name: built here, tagged here, or neither (pulled). */
interface LocalImage {
  ref: ExpandedText;
  build?: ImageBuild;
  /** For `docker tag SRC DST` of an image not built here: SRC. */
  taggedFrom?: ExpandedText;
}

const CONTAINER_TOOL_RE = /\b(docker|podman|buildah|kaniko|executor)\b/;
const ASSIGNMENT_RE = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/;

class ScriptWalker {
  readonly builds: ImageBuild[] = [];
  private readonly local: LocalImage[] = [];

  constructor(
    private readonly input: FindImageBuildsInput,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** Why each value over the budget is unknown, by its hole's identity. */
  private readonly oversized = new Map<string, string>();

  private pos(item: number): Pos {
    return this.input.lines[item]?.pos ?? this.input.lines[this.input.lines.length - 1].pos;
  }

  private line(item: number): string {
    const p = this.pos(item);
    return `${p.file}:${p.line}`;
  }

  /** Run a node; `conditional` when it may not run at all. */
  run(node: ShellNode, state: ShellState, conditional: boolean): void {
    switch (node.kind) {
      case "simple":
        return this.runSimple(node.words, node.item, state, conditional);
      case "seq":
        for (const n of node.items) this.run(n, state, conditional);
        return;
      case "andor":
        this.run(node.first, state, conditional);
        for (const { op, node: next } of node.rest) {
          // `a && b`: b runs when a succeeds. A failing command ends a GitLab job, so we
          // read b as running (best effort; `a` could be a test that is false).
          if (op === "&&") this.run(next, state, conditional);
          else this.runAlternatives([next], false, state, `set after '||' (${this.firstLine(next)}), which may not run`);
        }
        return;
      case "pipe":
      case "background":
      case "subshell": {
        // A subshell's assignments and `cd` do not outlive it; its builds and pushes do.
        const items = node.kind === "pipe" ? node.items : [node.body];
        for (const n of items) this.run(n, state.fork(), conditional);
        return;
      }
      case "group":
        return this.run(node.body, state, conditional);
      case "if": {
        // The first condition always runs; which branch follows is not evaluated. Later
        // `elif` conditions run only when earlier ones failed: read them as branches too.
        this.run(node.branches[0].cond, state, conditional);
        const why = `set inside 'if' (${this.firstLine(node.branches[0].cond)}), whose condition is not evaluated`;
        const parts = [node.branches[0].body, ...node.branches.slice(1).map((b): ShellNode => ({ kind: "seq", items: [b.cond, b.body] }))];
        if (node.otherwise) parts.push(node.otherwise);
        this.runAlternatives(parts, node.otherwise !== undefined, state, why);
        return;
      }
      case "loop":
        this.run(node.cond, state, conditional);
        this.runAlternatives([node.body], false, state, `set inside a loop (${this.firstLine(node.body)}) that may run any number of times`);
        return;
      case "for": {
        const branch = state.fork();
        branch.assign(node.name, branch.freshHole(`$${node.name}`, `$${node.name}: loop variable of 'for' at ${this.line(node.item)}`));
        this.run(node.body, branch, true);
        state.mergeAlternatives([branch, state.fork()], `set by the 'for' loop at ${this.line(node.item)}`);
        return;
      }
      case "case":
        this.runAlternatives(node.arms, false, state, "set inside a 'case' branch, whose pattern is not evaluated");
        return;
      case "function":
        this.runAlternatives([node.body], false, state, `set inside function '${node.name}', which may be called or not`);
        return;
    }
  }

  /**
   * Paths of which one runs (`exhaustive`) or at most one runs: each starts from the same
   * state, and what they change is unknown afterwards unless they all agree.
   */
  private runAlternatives(nodes: ShellNode[], exhaustive: boolean, state: ShellState, why: string): void {
    const paths = nodes.map((n) => {
      const branch = state.fork();
      this.run(n, branch, true);
      return branch;
    });
    if (!exhaustive) paths.push(state.fork());
    state.mergeAlternatives(paths, why);
  }

  private firstLine(node: ShellNode): string {
    const item = firstItem(node);
    return item === undefined ? "script" : this.line(item);
  }

  private runSimple(words: ShellWord[], item: number, state: ShellState, conditional: boolean): void {
    let i = 0;
    const prefixAssignments: ShellWord[] = [];
    while (i < words.length && assignmentName(words[i])) prefixAssignments.push(words[i++]);
    if (i === words.length) {
      // Only assignments: they set shell variables, in order.
      for (const w of prefixAssignments) this.assign(w, state, item);
      return;
    }
    // `VAR=x cmd` sets VAR for cmd only; the words of cmd are expanded before that.
    const name = literalName(words[i]);
    const rest = words.slice(i + 1);
    switch (name) {
      case "export":
      case "declare":
      case "typeset":
      case "local":
      case "readonly":
        // Declaration builtins take assignments as arguments, without word splitting.
        for (const w of rest) {
          const target = assignmentName(w)?.name ?? literalName(w);
          if (assignmentName(w)) this.assign(w, state, item);
          if (target && (name === "export" || rest.some((o) => literalName(o) === "-x"))) state.markExported(target);
        }
        return;
      case "unset":
        for (const w of rest) {
          const n = literalName(w);
          if (n === "-f") return;
          if (n !== undefined && !n.startsWith("-")) state.unset(n);
        }
        return;
      case "cd":
      case "pushd":
        return this.changeDirectory(rest, state, item);
      case "popd":
        state.cwd = state.freshHole("cwd", `working directory after 'popd' at ${this.line(item)}`);
        return;
      case "source":
      case ".":
      case "eval": {
        const what = `'${[name, ...rest.map((w) => w.raw)].join(" ")}' at ${this.line(item)}`;
        state.taintAll(what);
        return;
      }
      case "read":
      case "mapfile":
      case "readarray":
      case "let":
      case "getopts":
        for (const n of readTargets(name, rest)) state.assign(n, state.freshHole(`$${n}`, `$${n}: set by '${name}' at ${this.line(item)}`));
        return;
      case "printf": {
        const v = rest.findIndex((w) => literalName(w) === "-v");
        const target = v >= 0 ? literalName(rest[v + 1]) : undefined;
        if (target) state.assign(target, state.freshHole(`$${target}`, `$${target}: set by 'printf -v' at ${this.line(item)}`));
        return;
      }
    }
    const fields = words.slice(i).flatMap((w) => expandWord(w, state, "argument"));
    const command = stripCommandPrefixes(fields, state.cwd, (dir) => this.resolvePath(dir, state, state.cwd));
    if (!command) return;
    const inline = inlineShellScript(command.words);
    if (inline !== undefined) {
      // `sh -c '…'` runs its script in a child shell: builds count, assignments do not last.
      const child = state.childShell();
      child.cwd = command.cwd;
      const tokens: ItemToken[] = lexShell(inline).tokens.map((t) => ({ ...t, item }));
      this.run(parseShell(tokens).node, child, conditional);
      return;
    }
    const recognised = recogniseContainerCommand(command.words);
    if (!recognised) return;
    this.apply(recognised, { item, state, cwd: command.cwd, conditional });
  }

  private assign(word: ShellWord, state: ShellState, item: number): void {
    const m = assignmentName(word)!;
    // Expand the value: the word without its `NAME=` (or `NAME+=`) head.
    const head = m.name.length + (m.append ? 2 : 1);
    const first = word.parts[0];
    if (first.kind !== "literal") return;
    const valueWord: ShellWord = {
      ...word,
      parts: first.text.length > head ? [{ ...first, text: first.text.slice(head) }, ...word.parts.slice(1)] : word.parts.slice(1),
    };
    let value = expandSingle(valueWord, state);
    if (m.append) {
      const before = state.lookup(m.name);
      value = concatTexts(before.kind === "unset" ? knownText("") : before.value, value);
    }
    // `X="$X$X"` repeated doubles X each time: past the budget (as for YAML variables) it is
    // unknown, and a value made from such a value is that same unknown (not a growing row of holes).
    const oversized = value.pieces.find((p) => p.kind === "hole" && p.id.startsWith(OVERSIZED_HOLE));
    if (oversized?.kind === "hole") value = { pieces: [oversized], unknowns: [this.oversized.get(oversized.id) ?? oversized.label] };
    else if (expandedLength(value) > MAX_EXPANDED_CHARS) {
      const why = `$${m.name}: the value assigned at ${this.line(item)} is over ${MAX_EXPANDED_CHARS.toLocaleString("en")} characters; not worked out`;
      this.diagnostics.push(warning("value-too-large", `shell variable ${m.name} expands to more than ${MAX_EXPANDED_CHARS.toLocaleString("en")} characters; its value counts as unknown`, this.pos(item)));
      const id = `${OVERSIZED_HOLE}${m.name}:${item}`;
      this.oversized.set(id, why);
      value = holeText(`$${m.name}`, id, why);
    }
    state.assign(m.name, value);
  }

  private changeDirectory(args: ShellWord[], state: ShellState, item: number): void {
    const target = args.find((w) => !(literalName(w) ?? "").startsWith("-"));
    if (!target || literalName(target) === "-") {
      state.cwd = state.freshHole("cwd", `working directory after 'cd' at ${this.line(item)} (home or previous directory)`);
      return;
    }
    const fields = expandWord(target, state, "argument");
    if (fields.length !== 1) {
      state.cwd = state.freshHole("cwd", `working directory after 'cd' at ${this.line(item)}`);
      return;
    }
    state.cwd = this.resolvePath(fields[0], state, state.cwd);
  }

  private resolvePath(path: ExpandedText, state: ShellState, cwd: ExpandedText): ExpandedText {
    const projectDir = state.lookup("CI_PROJECT_DIR");
    return resolveRepoPath(path, cwd, projectDir.kind === "unset" ? knownText("") : projectDir.value);
  }

  private apply(cmd: ContainerCommand, at: { item: number; state: ShellState; cwd: ExpandedText; conditional: boolean }): void {
    const pos = this.pos(at.item);
    const uncertain = at.conditional ? { certainty: "uncertain" as const } : {};
    const conditionalNote = at.conditional ? [`runs only on some paths through the script (${this.line(at.item)})`] : [];
    switch (cmd.kind) {
      case "not-analysed":
        this.diagnostics.push(warning("not-analysed", `job '${this.input.job}': images built by '${cmd.what}' are not analysed`, pos));
        return;
      case "build": {
        const context = cmd.context.kind === "dir" ? this.resolvePath(cmd.context.path, at.state, at.cwd) : undefined;
        const dockerfile = this.locateRecipe(cmd.recipe, context, at.state, at.cwd);
        const notes = [...cmd.notes, ...conditionalNote];
        if (cmd.push === "unknown") notes.push("whether it pushes depends on a value that is not known");
        if (cmd.recipe.kind === "none") notes.push(cmd.recipe.why);
        const contextText = context
          ? displayDir(context)
          : cmd.context.kind === "remote"
            ? cmd.context.text
            : at.state.freshHole("context", cmd.context.kind === "unknown" ? cmd.context.why : "build context");
        for (const tag of cmd.tags) {
          const ref = withImplicitLatest(tag);
          const build: ImageBuild = {
            job: this.input.job,
            tool: cmd.tool,
            image: toResolvedText(ref),
            ...(dockerfile ? { dockerfile: toResolvedText(dockerfile) } : {}),
            context: toResolvedText(contextText),
            push: cmd.push === true,
            pos,
            ...uncertain,
            ...(notes.length > 0 ? { notes: [...notes] } : {}),
          };
          this.builds.push(build);
          this.local.push({ ref, build });
        }
        return;
      }
      case "tag": {
        const source = this.findLocal(cmd.source);
        for (const target of cmd.targets) {
          const ref = withImplicitLatest(target);
          if (source?.build) {
            const copy = this.copyBuild(source.build, ref, pos, false, at.conditional);
            this.builds.push(copy);
            this.local.push({ ref, build: copy });
          } else this.local.push({ ref, taggedFrom: cmd.source });
        }
        return;
      }
      case "push": {
        if (cmd.allTags) return this.pushAllTags(cmd.source, pos, at.conditional);
        const source = this.findLocal(cmd.source);
        const dest = cmd.destination ? withImplicitLatest(cmd.destination) : undefined;
        const samePlace = !dest || sameRef(dest, withImplicitLatest(cmd.source));
        if (source?.build && samePlace) {
          this.markPushed(source.build, pos, at.conditional, at.item);
          return;
        }
        const target = dest ?? withImplicitLatest(cmd.source);
        if (source?.build) {
          this.builds.push(this.copyBuild(source.build, target, pos, true, at.conditional));
          return;
        }
        const from = dest ? cmd.source : source?.taggedFrom;
        this.builds.push({
          job: this.input.job,
          tool: cmd.tool,
          image: toResolvedText(target),
          push: true,
          pos,
          ...uncertain,
          ...(from ? { taggedFrom: toResolvedText(from) } : {}),
          notes: ["not built in this job: it pushes an image pulled or built elsewhere", ...conditionalNote],
        });
        return;
      }
    }
  }

  /** The recipe's repository path, as the tool would find it. */
  private locateRecipe(recipe: RecipeLocation, context: ExpandedText | undefined, state: ShellState, cwd: ExpandedText): ExpandedText | undefined {
    if (recipe.kind === "none") return undefined;
    if (!context) {
      return recipe.kind === "file" && !recipe.contextFallback ? this.resolvePath(recipe.path, state, cwd) : undefined;
    }
    const candidates =
      recipe.kind === "file"
        ? dedupe([this.resolvePath(recipe.path, state, cwd), ...(recipe.contextFallback ? [this.resolvePath(recipe.path, state, context)] : [])])
        : dedupe(recipe.names.map((n) => joinRepoPath(context, n)));
    if (candidates.length === 1) return candidates[0];
    // The tool takes the first candidate that exists.
    for (const c of candidates) {
      const path = knownValue(c);
      const exists = path === undefined ? undefined : this.input.fileExists?.(path);
      if (exists === true) return c;
      if (exists !== false) break;
    }
    const label = candidates.map((c) => toResolvedText(c).text).join(" or ");
    return state.freshHole(label, `${label}: the tool reads the first of these that exists, which is not known here`);
  }

  private findLocal(ref: ExpandedText): LocalImage | undefined {
    const wanted = withImplicitLatest(ref);
    for (let k = this.local.length - 1; k >= 0; k--) if (sameRef(this.local[k].ref, wanted)) return this.local[k];
    return undefined;
  }

  private markPushed(build: ImageBuild, pos: Pos, conditional: boolean, item: number): void {
    if (build.push) return;
    build.push = true;
    if (pos !== build.pos) build.pushedAt = pos;
    if (conditional) {
      build.certainty = "uncertain";
      build.notes = [...(build.notes ?? []), `pushed only on some paths through the script (${this.line(item)})`];
    }
  }

  private pushAllTags(repository: ExpandedText, pos: Pos, conditional: boolean): void {
    const repo = knownValue(repository);
    const matching = this.local.filter((l) => {
      const r = knownValue(l.ref);
      return repo !== undefined && r !== undefined && normalizeImageRef(r).startsWith(`${normalizeImageRef(repo).replace(/:latest$/, "")}:`);
    });
    for (const l of matching) if (l.build) this.markPushed(l.build, pos, conditional, 0);
    if (matching.length > 0) return;
    this.builds.push({
      job: this.input.job,
      tool: "docker",
      image: toResolvedText(concatTexts(repository, { pieces: [{ kind: "hole", label: "all tags", id: `all-tags-${pos.line}` }], unknowns: ["every local tag of the repository is pushed (--all-tags)"] })),
      push: true,
      pos,
      ...(conditional ? { certainty: "uncertain" as const } : {}),
      notes: ["pushes every local tag of the repository (--all-tags)"],
    });
  }

  private copyBuild(build: ImageBuild, ref: ExpandedText, pos: Pos, push: boolean, conditional: boolean): ImageBuild {
    return {
      ...build,
      image: toResolvedText(ref),
      push,
      pos,
      taggedFrom: build.image,
      ...(conditional || build.certainty === "uncertain" ? { certainty: "uncertain" as const } : {}),
      pushedAt: undefined,
    };
  }
}

/** The identity prefix of a hole that stands for a value over MAX_EXPANDED_CHARS. */
const OVERSIZED_HOLE = "oversized:";

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh"]);

/**
 * Whether some simple command of the tree may reach `recogniseContainerCommand` with a
 * container tool as its program: the walker finds builds only there. A command counts unless
 * its first word after the assignments is plain text (no expansion, so no variable can make it
 * a tool; a glob makes it unknown, which is never a tool) naming a program that is neither a
 * tool, a prefix that runs the rest (`sudo`, `env` …), an assignment-looking word (also a
 * prefix), nor a shell (`sh -c '…'` runs an inline script).
 */
function mayRunContainerTool(node: ShellNode): boolean {
  switch (node.kind) {
    case "simple": {
      let i = 0;
      while (i < node.words.length && assignmentName(node.words[i])) i++;
      if (i === node.words.length) return false;
      const program = literalName(node.words[i]);
      if (program === undefined) return true;
      return mayBeContainerTool(program) || mayBeCommandPrefix(program) || SHELLS.has(program.slice(program.lastIndexOf("/") + 1));
    }
    case "seq":
    case "pipe":
      return node.items.some(mayRunContainerTool);
    case "andor":
      return mayRunContainerTool(node.first) || node.rest.some((r) => mayRunContainerTool(r.node));
    case "if":
      return node.branches.some((b) => mayRunContainerTool(b.cond) || mayRunContainerTool(b.body)) || (node.otherwise !== undefined && mayRunContainerTool(node.otherwise));
    case "loop":
      return mayRunContainerTool(node.cond) || mayRunContainerTool(node.body);
    case "case":
      return node.arms.some(mayRunContainerTool);
    case "background":
    case "subshell":
    case "group":
    case "for":
    case "function":
      return mayRunContainerTool(node.body);
  }
}

/** The script of `sh -c 'script'` (or bash, …), when it is known text. */
function inlineShellScript(words: ExpandedText[]): string | undefined {
  const program = knownValue(words[0]);
  if (program === undefined || !SHELLS.has(program.slice(program.lastIndexOf("/") + 1))) return undefined;
  const flags = words.slice(1).findIndex((w) => !/^-[a-z]+$/.test(knownValue(w) ?? ""));
  const options = words.slice(1, flags < 0 ? undefined : flags + 1).map((w) => knownValue(w) ?? "");
  if (!options.some((o) => o.includes("c"))) return undefined;
  const script = words[1 + options.length];
  return script ? knownValue(script) : undefined;
}

function sameRef(a: ExpandedText, b: ExpandedText): boolean {
  if (sameExpandedText(a, b)) return true;
  const ta = knownValue(a);
  const tb = knownValue(b);
  return ta !== undefined && tb !== undefined && normalizeImageRef(ta) === normalizeImageRef(tb);
}

function dedupe(texts: ExpandedText[]): ExpandedText[] {
  return texts.filter((t, i) => texts.findIndex((u) => sameExpandedText(t, u)) === i);
}

function assignmentName(word: ShellWord | undefined): { name: string; append: boolean } | undefined {
  const first = word?.parts[0];
  if (first?.kind !== "literal" || first.quoted) return undefined;
  const m = ASSIGNMENT_RE.exec(first.text);
  return m ? { name: m[1], append: m[2] === "+" } : undefined;
}

/** A word's text when it is plain literal text (no expansion), e.g. a command name. */
function literalName(word: ShellWord | undefined): string | undefined {
  if (!word || word.parts.some((p) => p.kind !== "literal")) return undefined;
  return word.parts.map((p) => (p.kind === "literal" ? p.text : "")).join("");
}

/** Names that `read`, `mapfile`, `let` … assign. */
function readTargets(command: string, args: ShellWord[]): string[] {
  const names: string[] = [];
  const valued = new Set(["-p", "-d", "-t", "-u", "-n", "-N", "-a", "-C", "-c", "-O", "-s"]);
  for (let k = 0; k < args.length; k++) {
    const text = literalName(args[k]);
    if (text === undefined) continue;
    if (text.startsWith("-")) {
      if (text === "-a" && command === "read") {
        const n = literalName(args[k + 1]);
        if (n) names.push(n);
      }
      if (valued.has(text)) k++;
      continue;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(text);
    if (m) names.push(m[1]);
    if (command === "getopts" && names.length === 0) continue;
  }
  // `getopts optstring name`: only the second word is a variable.
  return command === "getopts" ? names.slice(1, 2) : names;
}

function firstItem(node: ShellNode): number | undefined {
  switch (node.kind) {
    case "simple":
    case "for":
      return node.item;
    case "seq":
    case "pipe":
      return node.items.map(firstItem).find((i) => i !== undefined);
    case "andor":
      return firstItem(node.first);
    case "if":
      return firstItem(node.branches[0].cond);
    case "loop":
      return firstItem(node.cond);
    case "case":
      return node.arms.map(firstItem).find((i) => i !== undefined);
    default:
      return firstItem(node.body);
  }
}
