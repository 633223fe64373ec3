import { parseArgs } from "node:util";
import { UsageError, type CliCommand } from "../command.js";
import { parseVarFlags } from "../parse-options.js";
import { evaluateCondition, UNKNOWN, type ExprError, type LookupResult } from "../../../gitlab-ci/expr/index.js";

const usage = `Usage: ci-explain eval '<expression>' [--var NAME=VALUE]... [--unknown NAME]... [--json]

Evaluates one rules:if expression exactly as GitLab does and prints whether a rule with
that if: matches: true, false, or unknown (only with --unknown). Exit code 0.
An invalid expression prints the error with its column on stderr; exit code 2.

Options:
  --var NAME=VALUE   define a variable (raw value: GitLab does not expand $X inside it
                     for rules:if). --var NAME= defines it as empty; --var NAME without
                     "=" leaves it undefined. Every other variable is undefined.
  --unknown NAME     the variable has a value that cannot be known (like CI_COMMIT_MESSAGE);
                     the answer is unknown when the result depends on it. Wins over --var.
  --json             print {"result", "reads", "unknowns"}: the values the expression saw.

Quote the expression for your shell, e.g.
  ci-explain eval '$CI_COMMIT_BRANCH =~ /^staging-[[:digit:]]+\\.[[:digit:]]+$/' --var CI_COMMIT_BRANCH=staging-8.0`;

export const evalCommand: CliCommand = {
  name: "eval",
  summary: "evaluate one rules:if expression (true / false / unknown)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        var: { type: "string", multiple: true, default: [] },
        unknown: { type: "string", multiple: true, default: [] },
        json: { type: "boolean", default: false },
      },
    });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? "missing the expression" : "give exactly one expression (quote it)");
    }
    const text = positionals[0] as string;

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
