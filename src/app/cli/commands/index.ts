import type { CliCommand } from "../command.js";

/**
 * Every CLI command, in the order `--help` lists them. A command's module (and what it imports:
 * the GitLab API client, the server, the settings schema's validator) is loaded only when that
 * command runs, or for the command list: a user waits for `analyze`, not for `gitlab-mr`.
 */
export const commandLoaders: ReadonlyArray<{ name: string; load: () => Promise<CliCommand> }> = [
  { name: "analyze", load: async () => (await import("./analyze.js")).analyzeCommand },
  { name: "simulate", load: async () => (await import("./simulate.js")).simulateCommand },
  { name: "jobs", load: async () => (await import("./jobs.js")).jobsCommand },
  { name: "eval", load: async () => (await import("./eval.js")).evalCommand },
  { name: "demo", load: async () => (await import("./demo.js")).demoCommand },
  { name: "verify", load: async () => (await import("./verify.js")).verifyCommand },
  { name: "gitlab-mr", load: async () => (await import("./gitlab-mr.js")).gitlabMrCommand },
  { name: "serve", load: async () => (await import("./serve.js")).serveCommand },
];

/** Every command, loaded (for the command list). */
export function loadCommands(): Promise<CliCommand[]> {
  return Promise.all(commandLoaders.map((c) => c.load()));
}
