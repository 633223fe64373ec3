import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The package root (this file is test/app/github/dist-build.ts). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The end-to-end tests run `node bin/ci-explain.js`, which loads the compiled `dist/`
 * (there is no TypeScript loader at run time), so they compile first, as `npm run build`
 * does. tsc emits even when some file of the tree has type errors; the entry point must exist.
 */
export async function buildDist(): Promise<void> {
  const tsc = fileURLToPath(new URL("node_modules/.bin/tsc", `file://${ROOT}`));
  await promisify(execFile)(tsc, ["-p", "tsconfig.build.json"], { cwd: ROOT }).catch(() => undefined);
  if (!existsSync(`${ROOT}dist/src/app/cli/main.js`)) throw new Error("the build did not produce dist/src/app/cli/main.js");
}
