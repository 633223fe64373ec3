import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { buildDist } from "../github/dist-build.js";

/**
 * What `npm pack` ships: the launcher, the bundled CLI and what the CLI reads (the App
 * manifest, the demo's example), so the package runs where it is installed; not the sources,
 * the compiled modules the bundle was made from, the benchmarks or the tests.
 */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

let files: string[] = [];
beforeAll(async () => {
  await buildDist();
  const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT });
  files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
}, 180_000);

describe("npm pack", () => {
  it("ships the launcher, the bundled CLI, app.yml and the demo's example", () => {
    expect(files).toEqual(expect.arrayContaining(["bin/ci-explain.js", "dist/cli/main.js", "app.yml", "package.json", "examples/staging-containers/base/.gitlab-ci.yml"]));
  });

  it("ships no sources, no compiled modules outside the bundle, no benchmarks or tests", () => {
    expect(files.filter((f) => /^(src|test|bench)\//.test(f) || /^dist\/(?!cli\/)/.test(f))).toEqual([]);
  });

  it("no document has anyone fetch the unpublished name through npx (it would run someone else's package)", () => {
    const docs = ["README.md", ...readdirSync(`${ROOT}docs`).map((f) => `docs/${f}`)];
    const offending = docs.filter((doc) => /npx\s+(--\S+\s+)*ci-explain\b/.test(readFileSync(`${ROOT}${doc}`, "utf8")));
    expect(offending).toEqual([]);
  });

  it("names the launcher as the `ci-explain` command, runnable as it is", () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ "ci-explain": "bin/ci-explain.js" });
    expect(readFileSync(`${ROOT}bin/ci-explain.js`, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(`${ROOT}bin/ci-explain.js`).mode & 0o111).not.toBe(0);
  });
});
