import { formatPos, type Pos } from "../core/pos.js";
import type { ScriptLine } from "../gitlab-ci/model.js";
import type { ResolvedText } from "../gitlab-ci/pipeline.js";

/**
 * The files through which a `run:` step hands values to the job's LATER steps ("Workflow
 * commands for GitHub Actions": setting an environment variable, setting an output parameter,
 * https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions).
 * GITHUB_ENV lines `NAME=value` (or `NAME<<DELIMITER` ... `DELIMITER`) become environment
 * variables; GITHUB_OUTPUT lines become `steps.<id>.outputs.<name>`.
 */
export type StepFile = "GITHUB_ENV" | "GITHUB_OUTPUT";

export interface FileWrites {
  /** Names written. A value is known only for `echo "NAME=literal" >> "$FILE"` in a script without branches. */
  values: Record<string, ResolvedText>;
  /** Set when the script writes a name that cannot be read: any name may be set. Says where. */
  opaque?: string;
}

const NAME = "[A-Za-z_][A-Za-z0-9_-]*";

/** What a `run:` script writes to `file`, or undefined when it does not mention the file. */
export function readFileWrites(lines: readonly ScriptLine[], file: StepFile): FileWrites | undefined {
  const ref = `(?:\\$\\{${file}\\}|\\$${file}\\b|\\$env:${file}\\b)`;
  const mentions = new RegExp(ref, "gi");
  // `echo NAME=value >> "$FILE"` or `... | tee -a "$FILE"`, the whole line, the value plain text.
  const target = `(?:>>\\s*(?:"${ref}"|${ref})|\\|\\s*tee\\s+-a\\s+(?:"${ref}"|${ref})(?:\\s*>\\s*/dev/null)?)`;
  const literal = new RegExp(`^\\s*echo\\s+(?:'(${NAME})=([^'$]*)'|"(${NAME})=([^"$\`\\\\]*)"|(${NAME})=([^\\s"'$\`\\\\;&|<>(){}#]*))\\s*${target}\\s*$`, "i");
  const named = new RegExp(`(?:echo|printf)(?:\\s+-[a-zA-Z]+)*\\s+["']?(${NAME})(=|<<)(\\S*?)["'\\s]`, "g");
  // A value is plain only when every line of the script runs, once, in order.
  const straight = lines.every(
    (l) => !/^\s*(if|then|else|elif|fi|for|while|until|do|done|case|esac|select|function|\{|\}|\(|\))(\s|;|$)/.test(l.text) && !/&&|\|\||<<|\bexit\b|\breturn\b|\\\s*$|\|\s*$/.test(l.text),
  );
  const values: Record<string, ResolvedText> = {};
  let opaque: string | undefined;
  let mentioned = false;
  let heredoc: string | undefined;
  for (const line of lines) {
    if (file === "GITHUB_OUTPUT" && line.text.includes("::set-output")) opaque ??= `a run step at ${formatPos(line.pos)} sets outputs with ::set-output`;
    const writes = line.text.match(mentions)?.length ?? 0;
    if (writes === 0) continue;
    mentioned = true;
    if (heredoc !== undefined) {
      // The lines of a `NAME<<DELIMITER` value, up to the line that writes the delimiter.
      if (new RegExp(`echo\\s+["']?${heredoc}["']?\\s`).test(line.text)) heredoc = undefined;
      continue;
    }
    const m = straight ? literal.exec(line.text) : null;
    if (m) {
      const name = m[1] ?? m[3] ?? m[5];
      values[name] = { text: m[2] ?? m[4] ?? m[6], known: true, unknowns: [] };
      continue;
    }
    const names = [...line.text.matchAll(named)];
    for (const n of names) {
      values[n[1]] = notKnown(n[1], file, line.pos);
      const delimiter = n[3].replace(/["']/g, "");
      if (n[2] === "<<" && writes === 1 && /^[A-Za-z0-9_-]+$/.test(delimiter)) heredoc = delimiter;
    }
    if (names.length < writes) opaque ??= `a run step at ${formatPos(line.pos)} writes ${file}`;
  }
  if (!mentioned && opaque === undefined) return undefined;
  if (opaque !== undefined) for (const [name, v] of Object.entries(values)) if (v.known) values[name] = notKnown(name, file, lines[0].pos);
  return { values, opaque };
}

function notKnown(name: string, file: StepFile, pos: Pos): ResolvedText {
  return { text: `«${name}»`, known: false, unknowns: [`${name} (written to ${file} at ${formatPos(pos)}, value not known statically)`] };
}
