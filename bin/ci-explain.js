#!/usr/bin/env node
// Thin launcher: the CLI is built into dist/cli (by `npm ci` through `prepare`, or `npm run build`).
import { main } from "../dist/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // Our own bug: say so plainly, without a stack trace for the user.
    console.error(`ci-explain: internal error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 3;
  },
);
