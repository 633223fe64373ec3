import type { CliCommand } from "../command.js";

export const evalCommand: CliCommand = {
  name: "eval",
  summary: "(not built yet)",
  usage: "ci-explain eval",
  async run(_args, io) {
    io.stderr("ci-explain eval: not built yet\n");
    return 2;
  },
};
