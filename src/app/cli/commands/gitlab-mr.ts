import type { CliCommand } from "../command.js";

export const gitlabMrCommand: CliCommand = {
  name: "gitlab-mr",
  summary: "(not built yet)",
  usage: "ci-explain gitlab-mr",
  async run(_args, io) {
    io.stderr("ci-explain gitlab-mr: not built yet\n");
    return 2;
  },
};
