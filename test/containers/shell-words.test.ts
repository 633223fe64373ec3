import { describe, expect, it } from "vitest";
import { lexShell, type ShellToken } from "../../src/containers/shell-words.js";

/** Words as `[raw]`, operators as themselves, redirections as `<op>`. */
function show(tokens: ShellToken[]): string[] {
  return tokens.map((t) => (t.kind === "word" ? `[${t.word.raw}]` : t.kind === "op" ? (t.op === "\n" ? "NL" : t.op) : `<${t.op}>`));
}

/** Each word's parts: literal text, `$name`, or `?what`. */
function parts(src: string): string[][] {
  return lexShell(src).tokens.flatMap((t) =>
    t.kind === "word"
      ? [t.word.parts.map((p) => (p.kind === "literal" ? p.text : p.kind === "param" ? `$${p.name}${p.op ?? ""}` : `?${p.what}`))]
      : [],
  );
}

describe("lexShell", () => {
  it.each([
    ["words and operators", "a b&&c||d;e|f&", ["[a]", "[b]", "&&", "[c]", "||", "[d]", ";", "[e]", "|", "[f]", "&"]],
    ["a line continuation joins lines", "docker build \\\n  -t x .", ["[docker]", "[build]", "[-t]", "[x]", "[.]"]],
    ["a newline separates commands", "a\nb", ["[a]", "NL", "[b]"]],
    ["a comment runs to the end of the line", "a # b c\nd", ["[a]", "NL", "[d]"]],
    ["# inside a word is not a comment", "a#b", ["[a#b]"]],
    ["quotes keep blanks inside one word", `"a b"'c d'e`, [`["a b"'c d'e]`]],
    ["redirections and fd numbers", "cmd 2>&1 >out <in", ["[cmd]", "<>&>", "[1]", "<>>", "[out]", "<<>", "[in]"]],
    ["a here-document body is skipped", "cat <<EOF\ndocker build -t x .\nEOF\necho", ["[cat]", "<<<>", "[EOF]", "NL", "[echo]"]],
    ["subshell parentheses", "(cd a && b)", ["(", "[cd]", "[a]", "&&", "[b]", ")"]],
    ["$( … ) with spaces and parentheses stays one word", "x=$(echo (a) b)c", ["[x=$(echo (a) b)c]"]],
  ])("%s", (_name, src, expected) => {
    expect(show(lexShell(src).tokens)).toEqual(expected);
  });

  it.each([
    ["single quotes are literal", `'$A'`, [["$A"]]],
    ["double quotes expand", `"x$A\${B}y"`, [["x", "$A", "$B", "y"]]],
    ["escapes inside double quotes", `"a\\"b\\$c\\d"`, [['a"b$c\\d']]],
    ["an unquoted backslash escapes one character", "a\\ b", [["a", " ", "b"]]],
    ["default-value operators", "${A:-x} ${B=y}", [["$A:-"], ["$B="]]],
    ["other parameter operators are not evaluated", "${A%%-*} ${#A} ${!A}", [["?parameter operator"], ["?parameter operator"], ["?parameter operator"]]],
    ["special parameters", "$1 $@ $?", [["?special parameter"], ["?special parameter"], ["?special parameter"]]],
    ["command substitution and arithmetic", "$(date) `date` $((1+2))", [["?command substitution"], ["?command substitution"], ["?arithmetic expansion"]]],
    ["a lone $ is literal", "a$ $", [["a$"], ["$"]]],
    ["an empty quoted word is still a word", `""`, [[""]]],
  ])("%s", (_name, src, expected) => {
    expect(parts(src)).toEqual(expected);
  });

  it("reports an unterminated quote with its offset", () => {
    expect(lexShell(`echo "abc`).problems).toEqual([{ offset: 9, message: "unterminated double quote" }]);
  });
});
