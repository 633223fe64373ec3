import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError, type CliCommand, type CliIo } from "../command.js";
import { optionsHelp, parseCommandLine } from "../options.js";
import { parseVarFlags } from "../parse-options.js";
import { evaluateCondition, UNKNOWN, type ExprError, type LookupResult } from "../../../gitlab-ci/expr/index.js";

const GITLAB_OPTIONS = ["var", "unknown"] as const;
const ACTIONS_OPTIONS = ["context", "context-file"] as const;
const OPTION_NAMES = ["dialect", ...GITLAB_OPTIONS, ...ACTIONS_OPTIONS, "json"] as const;

const usage = `Usage: ci-explain eval '<expression>' [--var NAME=VALUE]... [--unknown NAME]... [--json]
       ci-explain eval --dialect github-actions '<expression>' [--context PATH=VALUE]...
                       [--context-file FILE] [--json]

Evaluates one rules:if expression exactly as GitLab does and prints whether a rule with
that if: matches: true, false, or unknown (only with --unknown). With --dialect
github-actions, evaluates one GitHub Actions expression (with or without \${{ }}) and
prints its value as JSON and its type; "unknown" only where it reads a context value that
was not given. Exit code 0. An invalid expression prints the error with its column on
stderr; exit code 2.

Options:
${optionsHelp(["dialect"], { dialect: "gitlab-ci (default): a rules:if expression; github-actions: a\nGitHub Actions expression" })}
${optionsHelp(GITLAB_OPTIONS, {
  var: 'define a variable (raw value: GitLab does not expand $X inside it\nfor rules:if). --var NAME= defines it as empty; --var NAME without\n"=" leaves it undefined. Every other variable is undefined.',
  unknown: "the variable has a value that cannot be known (like\nCI_COMMIT_MESSAGE); the answer is unknown when the result depends\non it. Wins over --var.",
})}
${optionsHelp(ACTIONS_OPTIONS)}
${optionsHelp(["json"], { json: 'print {"result", "reads", "unknowns"} (GitHub Actions: {"value", "type",\n"unknown", "reads"}): the values the expression saw.' })}

Quote the expression for your shell, e.g.
  ci-explain eval '$CI_COMMIT_BRANCH =~ /^staging-[[:digit:]]+\\.[[:digit:]]+$/' --var CI_COMMIT_BRANCH=staging-8.0
  ci-explain eval --dialect github-actions "startsWith(github.ref, 'refs/tags/v')" --context github.ref=refs/tags/v1.2.0`;

export const evalCommand: CliCommand = {
  name: "eval",
  summary: "evaluate one expression: a rules:if (true / false / unknown), or a GitHub Actions expression",
  usage,
  options: OPTION_NAMES,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, OPTION_NAMES, { positionals: true });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? "missing the expression" : "give exactly one expression (quote it)");
    }
    const text = positionals[0] as string;
    const dialect = values.dialect ?? "gitlab-ci";
    if (dialect === "github-actions") {
      if (values.var.length > 0 || values.unknown.length > 0) throw new UsageError("--var and --unknown are for rules:if; GitHub Actions expressions read --context");
      return evalActions(text, { context: values.context, contextFile: values["context-file"], json: values.json }, io);
    }
    if (dialect !== "gitlab-ci") throw new UsageError(`--dialect must be gitlab-ci or github-actions, not "${dialect}"`);
    if (values.context.length > 0 || values["context-file"] !== undefined) throw new UsageError("--context and --context-file are for GitHub Actions expressions (--dialect github-actions)");

    const variables = new Map<string, LookupResult>(parseVarFlags(values.var, true));
    for (const name of values.unknown) variables.set(name, UNKNOWN);

    const evaluation = evaluateCondition(text, (name) => variables.get(name));
    if (evaluation.error) {
      io.stderr(formatExprError(text, evaluation.error));
      return 2;
    }
    if (values.json) {
      const { result, reads, unknowns } = evaluation;
      io.stdout(`${JSON.stringify({ result, reads, unknowns }, null, 2)}\n`);
    } else {
      io.stdout(`${String(evaluation.result)}\n`);
    }
    return 0;
  },
};

/** One GitHub Actions expression: its value as JSON and its type, or "unknown" and what it read that was not given. */
async function evalActions(text: string, o: { context: string[]; contextFile?: string; json: boolean }, io: CliIo): Promise<number> {
  const { evaluateGiven } = await import("../../../github-actions/expr/evaluate-given.js");
  let file: Record<string, unknown> | undefined;
  if (o.contextFile !== undefined) {
    let raw: string;
    try {
      raw = await readFile(resolve(io.cwd, o.contextFile), "utf8");
    } catch {
      throw new UsageError(`--context-file ${o.contextFile}: cannot read the file`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new UsageError(`--context-file ${o.contextFile}: not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new UsageError(`--context-file ${o.contextFile}: a JSON object of contexts, such as {"github": {...}}`);
    file = parsed as Record<string, unknown>;
  }
  const pairs = o.context.map((c): [string, string] => {
    const eq = c.indexOf("=");
    if (eq <= 0) throw new UsageError(`--context must be PATH=VALUE, not "${c}"`);
    return [c.slice(0, eq), c.slice(eq + 1)];
  });
  const r = evaluateGiven(text, file, pairs);
  if (r.kind === "usage") throw new UsageError(r.message);
  if (r.kind === "error") {
    io.stderr(formatExprError(text, { col: r.offset + 1, message: r.message, code: "expression-syntax" }));
    return 2;
  }
  if (o.json) {
    io.stdout(`${JSON.stringify({ value: r.json ?? null, type: r.type, unknown: r.unknown, reads: r.reads }, null, 2)}\n`);
  } else if (r.type === "unknown") {
    io.stdout(`unknown\ntype: unknown (not given: ${r.unknown.join(", ")})\n`);
  } else {
    io.stdout(`${JSON.stringify(r.json)}\ntype: ${r.type}\n`);
  }
  return 0;
}

const CONTEXT_CHARS = 60;

/** The error, then the expression line (around the column) with a caret under the column. */
function formatExprError(text: string, error: ExprError): string {
  const offset = error.col - 1;
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const lineEndAt = text.indexOf("\n", offset);
  const line = text.slice(lineStart, lineEndAt < 0 ? undefined : lineEndAt);
  const kind = error.code === "expression-runtime" ? "expression fails in GitLab" : "invalid expression";
  // A 60 kB expression must not be echoed whole: show a window around the caret.
  const from = Math.max(0, offset - lineStart - CONTEXT_CHARS);
  const shown = `${from > 0 ? "…" : ""}${line.slice(from, offset - lineStart + CONTEXT_CHARS)}${line.length > offset - lineStart + CONTEXT_CHARS ? "…" : ""}`;
  return `ci-explain eval: ${kind} at column ${error.col}: ${error.message}\n  ${shown}\n  ${" ".repeat(offset - lineStart - from + (from > 0 ? 1 : 0))}^\n`;
}
