/**
 * The `/ci-explain` comment grammar, shared by the GitHub App and the GitLab receiver:
 *
 *   /ci-explain [BRANCH|CONTEXT...] [job NAME] [--var NAME=VALUE]...
 *
 * Only the comment's first line is the command; the rest is free text for humans.
 * Pure: no I/O, so both platforms and the tests call it directly.
 */

export const COMMAND_NAME = "/ci-explain";

export const COMMAND_USAGE = [
  "Usage: `/ci-explain [BRANCH|CONTEXT...] [job NAME] [--var NAME=VALUE]...`",
  "",
  "- `/ci-explain` re-runs the analysis and refreshes the summary comment",
  "- `/ci-explain BRANCH` explains one branch in full: every job and the rule that decided it",
  "- `/ci-explain job NAME` explains one job in every context (`/ci-explain BRANCH job NAME`: in one)",
  "- `--var NAME=VALUE` adds a CI/CD variable, as a project or fork would set it",
].join("\n");

/** What the user asked for. No targets, no job and no variables: refresh the summary. */
export interface ExplainCommand {
  /** Branch names, or names of contexts configured in `.ci-explain.yml`, to explain in full. */
  targets: string[];
  job?: string;
  variables: Record<string, string>;
}

export type ParsedCommand =
  /** The comment is not addressed to the bot. */
  | { kind: "none" }
  | { kind: "help" }
  | { kind: "usage-error"; message: string }
  | { kind: "command"; command: ExplainCommand };

/** Generous bounds: a command is typed by a person, and each target costs an analysis context. */
export const COMMAND_LIMITS = { targets: 10, variables: 20, tokenLength: 255 } as const;

/** GitLab variable names: letters, digits and `_` (the CI/CD variables UI rejects anything else). */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isExplainCommand(command: ExplainCommand): boolean {
  return command.targets.length > 0 || command.job !== undefined || Object.keys(command.variables).length > 0;
}

export function parseCommand(body: string): ParsedCommand {
  const firstLine = body.trimStart().split(/\r?\n/, 1)[0] ?? "";
  if (!firstLine.startsWith(COMMAND_NAME)) return { kind: "none" };
  const rest = firstLine.slice(COMMAND_NAME.length);
  // `/ci-explainer` or `/ci-explain,` is another word, not our command.
  if (rest !== "" && !/^\s/.test(rest)) return { kind: "none" };

  const tokens = tokenize(rest);
  if (typeof tokens === "string") return { kind: "usage-error", message: tokens };

  const command: ExplainCommand = { targets: [], variables: {} };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.length > COMMAND_LIMITS.tokenLength) {
      return usageError(`\`${token.slice(0, 40)}…\` is longer than ${COMMAND_LIMITS.tokenLength} characters`);
    }
    if (token === "--help" || token === "-h") return { kind: "help" };
    if (token === "--var" || token.startsWith("--var=")) {
      const assignment = token === "--var" ? tokens[++i] : token.slice("--var=".length);
      if (assignment === undefined || assignment === "") return usageError("`--var` needs `NAME=VALUE`");
      const eq = assignment.indexOf("=");
      const name = eq < 0 ? assignment : assignment.slice(0, eq);
      if (eq < 0) return usageError(`\`--var ${assignment}\` needs a value: \`--var ${assignment}=VALUE\``);
      if (!VARIABLE_NAME.test(name)) return usageError(`\`${name}\` is not a variable name (letters, digits and \`_\`)`);
      command.variables[name] = assignment.slice(eq + 1);
      if (Object.keys(command.variables).length > COMMAND_LIMITS.variables) {
        return usageError(`at most ${COMMAND_LIMITS.variables} variables`);
      }
      continue;
    }
    if (token.startsWith("-")) return usageError(`unknown option \`${token}\``);
    if (token === "job") {
      const name = tokens[++i];
      if (name === undefined || name === "") return usageError("`job` needs a job name");
      if (command.job !== undefined) return usageError("only one `job` per command");
      command.job = name;
      continue;
    }
    command.targets.push(token);
    if (command.targets.length > COMMAND_LIMITS.targets) return usageError(`at most ${COMMAND_LIMITS.targets} branches`);
  }
  return { kind: "command", command };
}

function usageError(message: string): ParsedCommand {
  return { kind: "usage-error", message };
}

/**
 * Split on whitespace; "double" or 'single' quotes keep spaces, as GitLab job names
 * ("build job") and configured context names ("fork push") may contain them.
 * Returns an error message for an unterminated quote.
 */
function tokenize(text: string): string[] | string {
  const tokens: string[] = [];
  let current = "";
  let inToken = false;
  let quote: '"' | "'" | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) tokens.push(current);
      current = "";
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (quote) return `unterminated ${quote} quote`;
  if (inToken) tokens.push(current);
  return tokens;
}
