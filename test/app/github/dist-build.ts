import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The package root (this file is test/app/github/dist-build.ts). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** What `bin/ci-explain.js` loads. */
export const CLI_ENTRY = `${ROOT}dist/cli/main.js`;

/** The newest modification time of a file under `dir`. */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return max;
}

/**
 * The end-to-end tests run `node bin/ci-explain.js`, which loads the built CLI (there is no
 * TypeScript loader at run time), so they build first, as `npm run build` does — but only when a
 * source is newer than the build: test files running at once would otherwise rewrite the files a
 * server they started is loading. tsc emits even when some file has type errors; the entry point
 * must exist.
 */
export async function buildDist(): Promise<void> {
  if (existsSync(CLI_ENTRY) && statSync(CLI_ENTRY).mtimeMs >= newest(`${ROOT}src`)) return;
  const bin = (name: string) => fileURLToPath(new URL(`node_modules/.bin/${name}`, `file://${ROOT}`));
  await promisify(execFile)(bin("tsc"), ["-p", "tsconfig.build.json"], { cwd: ROOT }).catch(() => undefined);
  await promisify(execFile)(bin("rolldown"), ["-c", "--logLevel", "warn"], { cwd: ROOT });
  if (!existsSync(CLI_ENTRY)) throw new Error("the build did not produce dist/cli/main.js");
}
