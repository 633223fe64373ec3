import type { CliCommand } from "../command.js";

export const jobsCommand: CliCommand = {
  name: "jobs",
  summary: "(not built yet)",
  usage: "ci-explain jobs",
  async run(_args, io) {
    io.stderr("ci-explain jobs: not built yet\n");
    return 2;
  },
};
