import { GitError } from "../../platforms/local/git-command.js";
import { type CliCommand, type CliIo } from "./command.js";
import { UnknownOptionError, UsageError } from "./usage-error.js";
import { commandLoaders, loadCommands } from "./commands/index.js";

function helpText(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "ci-explain — which CI jobs run on which branch, in which image, before and after a change",
    "",
    "Usage: ci-explain <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `ci-explain <command> --help` for a command's options.",
  ].join("\n");
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(`${helpText(await loadCommands())}\n`);
    return name ? 0 : 2;
  }
  if (name === "--version") {
    io.stdout("ci-explain 0.1.0\n");
    return 0;
  }
  const command: CliCommand | undefined = await commandLoaders.find((c) => c.name === name)?.load();
  if (!command) {
    io.stderr(`ci-explain: unknown command "${name}"\n\n${helpText(await loadCommands())}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, terminalSafe(io));
  } catch (err) {
    // A misspelt option: one line with the option probably meant, not the whole usage.
    if (err instanceof UnknownOptionError) {
      io.stderr(`ci-explain ${command.name}: ${err.message}\nRun \`ci-explain ${command.name} --help\` for its options.\n`);
      return 2;
    }
    if (err instanceof UsageError || (err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"))) {
      io.stderr(`ci-explain ${command.name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    // The repository could not be read: git says why (a corrupt object, an unsafe directory, …).
    if (err instanceof GitError) {
      io.stderr(`ci-explain ${command.name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/**
 * Job, branch and file names come from the repository under review: a name such as
 * "build\u001b[2J" must not drive the reader's terminal. Control characters other than
 * newline and tab are printed as `\u{…}` escapes (JSON output has them escaped already).
 */
function terminalSafe(io: CliIo): CliIo {
  const visible = (text: string) =>
    text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
  return { ...io, stdout: (t) => io.stdout(visible(t)), stderr: (t) => io.stderr(visible(t)) };
}

export function processIo(): CliIo {
  // `ci-explain analyze | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  };
}
