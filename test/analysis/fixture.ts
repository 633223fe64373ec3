import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { MemorySource } from "../../src/core/memory-source.js";

const ROOT = new URL("../fixtures/analysis/", import.meta.url).pathname;

/** A fixture revision (a folder under test/fixtures/analysis/) as an in-memory file source. */
export function fixtureSource(dir: string): MemorySource {
  const base = join(ROOT, dir);
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(base, full).split(sep).join("/")] = readFileSync(full, "utf8");
    }
  };
  walk(base);
  return new MemorySource(files, dir);
}
