import type { CliCommand } from "../command.js";

export const simulateCommand: CliCommand = {
  name: "simulate",
  summary: "(not built yet)",
  usage: "ci-explain simulate",
  async run(_args, io) {
    io.stderr("ci-explain simulate: not built yet\n");
    return 2;
  },
};
