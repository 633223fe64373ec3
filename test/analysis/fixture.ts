import { join } from "node:path";
import { MemorySource } from "../../src/core/memory-source.js";
import { readTree } from "../app/read-tree.js";

const ROOT = new URL("../fixtures/analysis/", import.meta.url).pathname;

/** A fixture revision (a folder under test/fixtures/analysis/) as an in-memory file source. */
export function fixtureSource(dir: string): MemorySource {
  return new MemorySource(readTree(join(ROOT, dir)), dir);
}
