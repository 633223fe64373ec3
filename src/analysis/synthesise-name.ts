import { compilePattern } from "../gitlab-ci/expr/index.js";

/**
 * A branch or tag name that a GitLab `/regex/flags` pattern matches, for patterns of the shapes
 * CI rules use (`/^staging-[[:digit:]]+\.[[:digit:]]/`, `/^v\d+\.\d+$/`, `/^(main|release\/.+)$/`).
 * Deterministic: the first alternative, the fewest repetitions, `1` for the first digit and `0`
 * after it (so versions read `1.0`), `a`/`x` for letters. The result is checked with the pattern
 * itself (RE2, as GitLab) and with git's rules for ref names; anything else gives `undefined`.
 */
export function synthesiseName(pattern: string): string | undefined {
  return synthesiseMatch(pattern, isValidRefName);
}

/** Like `synthesiseName`, for any text `accept` takes (every text by default), not only ref names. */
export function synthesiseMatch(pattern: string, accept: (text: string) => boolean = () => true): string | undefined {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) return undefined;
  const body = /^\/(.*)\/[ismU]*$/s.exec(pattern)?.[1];
  if (body === undefined) return undefined;
  // The first alternative of every `|` first; when that gives no valid ref name (`/^(.*\.lock|main)$/`),
  // the second of every `|`, and so on.
  for (let choice = 0; choice < MAX_ALTERNATIVE_CHOICE; choice++) {
    let name: string | undefined;
    try {
      name = new Synthesiser(body, { digits: 0 }, choice).alternation();
    } catch {
      return undefined;
    }
    if (name === undefined) return undefined;
    // An open-ended prefix such as `/^stable-/` reads better with something after the separator;
    // an unanchored pattern such as `/\.x$/` can take a letter before a leading dot.
    const candidates = /[-/_.]$/.test(name) ? [`${name}1`, name] : [name];
    if (name.startsWith(".")) candidates.push(`x${name}`);
    const found = candidates.find((c) => accept(c) && compiled.pattern.test(c));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** How many alternatives of each `|` are tried before giving up. */
const MAX_ALTERNATIVE_CHOICE = 4;

/**
 * A name `git branch`/`git tag` accepts (git check-ref-format): no component that starts with
 * `.` or ends with `.lock`, no `..`, `//`, `@{`, control characters, space, `~^:?*[\`; not `@`,
 * not `HEAD`, no leading `-` or `/`, no trailing `/` or `.`.
 */
export function isValidRefName(name: string): boolean {
  if (name === "" || name === "@" || name === "HEAD" || name.startsWith("-") || name.startsWith("/") || name.endsWith("/") || name.endsWith(".")) return false;
  if (name.includes("..") || name.includes("//") || name.includes("@{")) return false;
  if (name.split("/").some((c) => c.startsWith(".") || c.endsWith(".lock"))) return false;
  return !/[\s~^:?*[\\\x00-\x1f\x7f]/.test(name);
}

class Unsupported extends Error {}

const POSIX_CLASSES: Record<string, string> = {
  digit: "0123456789",
  alpha: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
  alnum: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  lower: "abcdefghijklmnopqrstuvwxyz",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  xdigit: "0123456789abcdefABCDEF",
  word: "abcdefghijklmnopqrstuvwxyz0123456789_ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  punct: "-_./",
};
const DIGITS = POSIX_CLASSES.digit;
const WORD = POSIX_CLASSES.word;
/** Characters tried, in order, for negated classes; a plain class prefers its first letter. */
const PREFERRED = "xabcdefghijklmnopqrstuvwyz0123456789-_.";
const CLASS_ORDER = "abcdefghijklmnopqrstuvwxyz0123456789-_.ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A recursive-descent walk over the regex body that builds the smallest pleasant match. */
class Synthesiser {
  private i = 0;

  constructor(
    private readonly src: string,
    private readonly state: { digits: number },
    /** Which alternative of each `|` to take (the last one when there are fewer). */
    private readonly choice = 0,
  ) {}

  alternation(): string | undefined {
    const alternatives = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      alternatives.push(this.sequence()); // every alternative is parsed, to move past it
    }
    return alternatives[Math.min(this.choice, alternatives.length - 1)];
  }

  private sequence(): string {
    let out = "";
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      const atom = this.atom();
      out += this.quantified(atom);
    }
    return out;
  }

  /** Returns a function producing the atom's text, so quantifiers can repeat it. */
  private atom(): () => string {
    const c = this.src[this.i++];
    switch (c) {
      case "^":
      case "$":
        return () => "";
      case ".":
        return () => "x";
      case "(": {
        if (this.src[this.i] === "?") {
          const flagsOnly = /^\?[imsU-]+\)/.exec(this.src.slice(this.i));
          if (flagsOnly) {
            this.i += flagsOnly[0].length;
            return () => "";
          }
          const group = /^\?(:|[imsU-]+:|P?<\w+>)/.exec(this.src.slice(this.i));
          if (!group) throw new Unsupported();
          this.i += group[0].length;
        }
        const start = this.i;
        const inner = this.alternation();
        if (this.src[this.i] !== ")" || inner === undefined) throw new Unsupported();
        this.i++;
        const text = this.src.slice(start, this.i - 1);
        // Re-synthesise on each repetition so digit numbering continues (`1.0.0`).
        let firstUse = true;
        return () => {
          if (firstUse) {
            firstUse = false;
            return inner;
          }
          return new Synthesiser(text, this.state, this.choice).alternation() ?? "";
        };
      }
      case "[":
        return this.charClass();
      case "\\":
        return this.escape();
      case "*":
      case "+":
      case "?":
      case "{":
      case undefined:
        throw new Unsupported();
      default:
        return () => c;
    }
  }

  private escape(): () => string {
    const e = this.src[this.i++];
    switch (e) {
      case "d":
        return () => this.digit();
      case "w":
        return () => "x";
      case "A":
      case "z":
      case "b":
        return () => "";
      case undefined:
      case "s":
      case "S":
      case "D":
      case "W":
      case "B":
      case "p":
      case "P":
      case "x":
        throw new Unsupported();
      default:
        if (/[0-9]/.test(e)) throw new Unsupported();
        return () => e;
    }
  }

  private digit(): string {
    return this.state.digits++ === 0 ? "1" : "0";
  }

  /** `[...]`: the allowed set is expanded over printable ASCII, then the nicest member is picked. */
  private charClass(): () => string {
    let negated = false;
    if (this.src[this.i] === "^") {
      negated = true;
      this.i++;
    }
    const members = new Set<string>();
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== "]" || first)) {
      first = false;
      const posix = /^\[:(\w+):\]/.exec(this.src.slice(this.i));
      if (posix) {
        const set = POSIX_CLASSES[posix[1]];
        if (!set) throw new Unsupported();
        for (const ch of set) members.add(ch);
        this.i += posix[0].length;
        continue;
      }
      let lo = this.src[this.i++];
      if (lo === "\\") {
        const e = this.src[this.i++];
        if (e === "d") {
          for (const ch of DIGITS) members.add(ch);
          continue;
        }
        if (e === "w") {
          for (const ch of WORD) members.add(ch);
          continue;
        }
        if (e === undefined || /[a-zA-Z0-9]/.test(e)) throw new Unsupported();
        lo = e;
      }
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length) {
        const hi = this.src[this.i + 1];
        this.i += 2;
        for (let code = lo.charCodeAt(0); code <= hi.charCodeAt(0); code++) members.add(String.fromCharCode(code));
      } else members.add(lo);
    }
    if (this.src[this.i] !== "]") throw new Unsupported();
    this.i++;
    if (negated) {
      const pick = [...PREFERRED].find((ch) => !members.has(ch));
      if (!pick) throw new Unsupported();
      return () => pick;
    }
    const onlyDigits = [...members].every((ch) => DIGITS.includes(ch));
    if (onlyDigits && members.size > 0) {
      return () => {
        const d = this.digit();
        return members.has(d) ? d : [...members].sort()[0];
      };
    }
    const pick = [...CLASS_ORDER].find((ch) => members.has(ch)) ?? [...members].sort().find((ch) => /[!-~]/.test(ch));
    if (!pick) throw new Unsupported();
    return () => pick;
  }

  private quantified(atom: () => string): string {
    const q = this.src[this.i];
    let min = 1;
    if (q === "*" || q === "?") {
      min = 0;
      this.i++;
    } else if (q === "+") {
      this.i++;
    } else if (q === "{") {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.src.slice(this.i));
      if (!m) return atom();
      min = Number(m[1]);
      if (min > 64) throw new Unsupported();
      this.i += m[0].length;
    } else return atom();
    if (this.src[this.i] === "?" || this.src[this.i] === "+") this.i++; // lazy / possessive
    let out = "";
    for (let k = 0; k < min; k++) out += atom();
    return out;
  }
}
