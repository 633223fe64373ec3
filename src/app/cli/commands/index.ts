import type { CliCommand } from "../command.js";
import { analyzeCommand } from "./analyze.js";
import { demoCommand } from "./demo.js";
import { evalCommand } from "./eval.js";
import { gitlabMrCommand } from "./gitlab-mr.js";
import { jobsCommand } from "./jobs.js";
import { serveCommand } from "./serve.js";
import { simulateCommand } from "./simulate.js";

/** Every CLI command, in the order `--help` lists them. */
export const commands: CliCommand[] = [
  analyzeCommand,
  simulateCommand,
  jobsCommand,
  evalCommand,
  demoCommand,
  gitlabMrCommand,
  serveCommand,
];
