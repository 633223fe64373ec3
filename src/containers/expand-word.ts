import { concatTexts, isEmptyText, knownText, type ExpandedText, type TextPiece } from "./expanded-text.js";
import type { ShellState } from "./shell-state.js";
import type { ShellWord, WordPart } from "./shell-words.js";

/**
 * Expand one word as the shell would, as far as it can be known: parameters from the
 * script's own assignments, then the job's variables; everything else (command
 * substitution, arithmetic, `${X%…}` and other operators, `$1`) becomes a hole that says
 * what it was.
 *
 * An "argument" word is also field-split on the default IFS where an unquoted expansion
 * has a known value, and dropped when it expands to nothing. An "assignment" value is
 * neither split nor globbed (bash does not do either on the right side of `=`).
 */
export function expandWord(word: ShellWord, state: ShellState, mode: "argument" | "assignment"): ExpandedText[] {
  const fields: ExpandedText[] = [];
  let current: ExpandedText = knownText("");
  /** Whether the current field is certain to exist (quoted or literal text seen). */
  let anchored = false;
  let globbed: string | undefined;

  for (const part of word.parts) {
    if (part.kind === "literal") {
      current = concatTexts(current, knownText(part.text));
      anchored = true;
      if (!part.quoted && mode === "argument" && hasGlobOrBrace(part.text)) globbed = part.text;
      continue;
    }
    const value = expandPart(part, state);
    if (part.quoted || mode === "assignment") {
      current = concatTexts(current, value);
      anchored = true;
      continue;
    }
    // Unquoted expansion: split its known text on blanks (IFS default: space, tab, newline).
    // A hole stays inside one field: that it might hold blanks is a known limit.
    const withWhy = (f: ExpandedText): ExpandedText =>
      f.pieces.some((p) => p.kind === "hole") ? { ...f, unknowns: mergeUnknowns(f.unknowns, value.unknowns) } : f;
    for (const piece of value.pieces) {
      if (piece.kind === "hole") {
        current = concatTexts(current, { pieces: [piece], unknowns: [] });
        anchored = true;
        continue;
      }
      const chunks = piece.text.split(/[ \t\n]+/);
      chunks.forEach((chunk, i) => {
        if (i > 0) {
          if (anchored || !isEmptyText(current)) fields.push(withWhy(current));
          current = knownText("");
          anchored = false;
        }
        if (chunk !== "") {
          current = concatTexts(current, knownText(chunk));
          anchored = true;
        }
      });
    }
    current = withWhy(current);
  }
  if (mode === "assignment" || anchored || !isEmptyText(current)) fields.push(current);
  if (globbed !== undefined) {
    // Pathname or brace expansion depends on the files present at run time.
    const g = globbed;
    return fields.map((f) => state.freshHole(renderPieces(f.pieces), `${word.raw}: pathname or brace expansion of '${g}'`));
  }
  return fields;
}

/** Expand a word that must stay one word (assignment values, `${X:-word}` defaults). */
export function expandSingle(word: ShellWord, state: ShellState): ExpandedText {
  return expandWord(word, state, "assignment")[0];
}

function expandParts(parts: WordPart[], state: ShellState): ExpandedText {
  return concatTexts(...parts.map((p) => (p.kind === "literal" ? knownText(p.text) : expandPart(p, state))));
}

function expandPart(part: Exclude<WordPart, { kind: "literal" }>, state: ShellState): ExpandedText {
  if (part.kind === "opaque") return state.freshHole(part.raw, `${part.raw}: ${part.what} is not evaluated statically`);
  const found = state.lookup(part.name);
  if (!part.op) {
    if (found.kind === "unset") return knownText("");
    return found.value;
  }
  const arg = () => expandParts(part.arg ?? [], state);
  const colon = part.op.startsWith(":");
  // Whether the variable counts as "set" for this operator: with a colon, set and non-empty.
  let present: boolean | undefined;
  if (found.kind === "unset") present = false;
  else if (found.kind === "unknown") present = undefined;
  else if (!colon) present = true;
  else present = emptiness(found.value);
  if (present === undefined) {
    return state.freshHole(part.raw, `${part.raw}: depends on whether $${part.name} is set${colon ? " and not empty" : ""}, which is not known`);
  }
  const value = found.kind === "value" ? found.value : knownText("");
  switch (part.op.replace(":", "")) {
    case "-":
      return present ? value : arg();
    case "=": {
      if (present) return value;
      const assigned = arg();
      state.assign(part.name, assigned);
      return assigned;
    }
    case "+":
      return present ? arg() : knownText("");
    default:
      // `?`: the shell stops with an error when the variable is missing.
      return present ? value : state.freshHole(part.raw, `${part.raw}: the shell stops here when $${part.name} is missing`);
  }
}

/** true = certainly non-empty, false = certainly empty, undefined = cannot tell. */
function emptiness(t: ExpandedText): boolean | undefined {
  if (t.pieces.some((p) => p.kind === "text" && p.text !== "")) return true;
  if (t.pieces.length === 0) return false;
  return undefined;
}

function hasGlobOrBrace(text: string): boolean {
  return /[*?]|\[[^\]]*\]/.test(text) || /\{[^{}]*(,|\.\.)[^{}]*\}/.test(text);
}

function renderPieces(pieces: TextPiece[]): string {
  return pieces.map((p) => (p.kind === "text" ? p.text : `«${p.label}»`)).join("");
}

function mergeUnknowns(a: string[], b: string[]): string[] {
  return [...a, ...b.filter((u) => !a.includes(u))];
}
