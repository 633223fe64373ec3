import { knownText, knownValue, type ExpandedText } from "./expanded-text.js";

const ASSIGNMENT_WORD = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** The programs `stripCommandPrefixes` removes (the cases of its switch). */
const PREFIX_PROGRAMS = new Set(["sudo", "env", "time", "nohup", "exec", "command", "nice", "timeout"]);

/** Whether `stripCommandPrefixes` may remove a command starting with this word (and so look further). */
export function mayBeCommandPrefix(word: string): boolean {
  return PREFIX_PROGRAMS.has(word.slice(word.lastIndexOf("/") + 1)) || ASSIGNMENT_WORD.test(word);
}

/**
 * Remove command prefixes that run the rest as a command: `sudo`, `env`, `time`, `exec`,
 * `command`, `nice`, `nohup`, `timeout`, and leading `NAME=value` words. `env -C dir`
 * and `sudo -D dir` change the directory for that command only.
 */
export function stripCommandPrefixes(
  fields: ExpandedText[],
  startCwd: ExpandedText,
  resolveDir: (dir: ExpandedText) => ExpandedText,
): { words: ExpandedText[]; cwd: ExpandedText } | undefined {
  let words = fields;
  let cwd = startCwd;
  for (let guard = 0; guard < 10 && words.length > 0; guard++) {
    const head = knownValue(words[0]);
    if (head === undefined) return { words, cwd };
    const base = head.slice(head.lastIndexOf("/") + 1);
    let k = 1;
    const text = (n: number) => (words[n] ? knownValue(words[n]) : undefined);
    const skipOptions = (valued: string[], chdir: string[] = []) => {
      while (k < words.length) {
        const t = text(k);
        if (t === undefined || !t.startsWith("-") || t === "-") break;
        k++;
        if (t === "--") break;
        const [flag, inline] = t.includes("=") ? [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1)] : [t, undefined];
        if (chdir.includes(flag)) {
          const dir = inline !== undefined ? knownText(inline) : words[k++];
          if (dir) cwd = resolveDir(dir);
        } else if (valued.includes(flag) && inline === undefined) k++;
      }
    };
    const skipAssignments = () => {
      while (k < words.length && ASSIGNMENT_WORD.test(text(k) ?? "")) k++;
    };
    switch (base) {
      case "sudo":
        skipOptions(["-u", "-g", "-p", "-C", "-h", "-r", "-t", "-U", "-T", "-R", "--user", "--group", "--prompt"], ["-D", "--chdir"]);
        skipAssignments();
        break;
      case "env":
        if (words.slice(1).some((w) => ["-S", "--split-string"].includes(knownValue(w) ?? ""))) return undefined;
        skipOptions(["-u", "--unset"], ["-C", "--chdir"]);
        skipAssignments();
        break;
      case "time":
      case "nohup":
      case "exec":
        skipOptions(["-a"]);
        break;
      case "command":
        if (["-v", "-V"].includes(text(1) ?? "")) return undefined;
        skipOptions([]);
        break;
      case "nice":
        skipOptions(["-n", "--adjustment"]);
        break;
      case "timeout":
        skipOptions(["-s", "-k", "--signal", "--kill-after"]);
        k++; // the duration
        break;
      default:
        if (ASSIGNMENT_WORD.test(head)) {
          k = 0;
          skipAssignments();
          break;
        }
        return { words, cwd };
    }
    words = words.slice(k);
  }
  return words.length > 0 ? { words, cwd } : undefined;
}
