import type { CliCommand } from "../command.js";

export const serveCommand: CliCommand = {
  name: "serve",
  summary: "(not built yet)",
  usage: "ci-explain serve",
  async run(_args, io) {
    io.stderr("ci-explain serve: not built yet\n");
    return 2;
  },
};
