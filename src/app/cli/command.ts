import type { OptionName } from "./options.js";

/** What a CLI command gets: its arguments and the process edges, injected so tests can run it in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** The options it accepts, by their names in the one option table (`options.ts`). */
  options: readonly OptionName[];
  /** Returns the exit code: 0 ok, 1 the configuration has errors, 2 wrong usage. */
  run(args: string[], io: CliIo): Promise<number>;
}

export { UsageError } from "./usage-error.js";
