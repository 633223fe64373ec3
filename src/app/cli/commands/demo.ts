import type { CliCommand } from "../command.js";

export const demoCommand: CliCommand = {
  name: "demo",
  summary: "(not built yet)",
  usage: "ci-explain demo",
  async run(_args, io) {
    io.stderr("ci-explain demo: not built yet\n");
    return 2;
  },
};
