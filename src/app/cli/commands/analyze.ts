import type { CliCommand } from "../command.js";

export const analyzeCommand: CliCommand = {
  name: "analyze",
  summary: "(not built yet)",
  usage: "ci-explain analyze",
  async run(_args, io) {
    io.stderr("ci-explain analyze: not built yet\n");
    return 2;
  },
};
