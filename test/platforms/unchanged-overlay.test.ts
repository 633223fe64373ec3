import { describe, expect, it } from "vitest";
import { MemorySource } from "../../src/core/memory-source.js";
import { shareUnchanged } from "../../src/platforms/unchanged-overlay.js";

/** A source that records which revision answered each read. */
class CountingSource extends MemorySource {
  readonly reads: string[] = [];
  override async read(path: string): Promise<string | undefined> {
    this.reads.push(path);
    return super.read(path);
  }
}

const BASE = { ".gitlab-ci.yml": "include: ci/a.yml\n", "ci/a.yml": "a: {script: x}\n", "ci/old.yml": "old\n", "ci/gone.yml": "gone\n" };
// ci/old.yml was renamed to ci/new.yml, ci/gone.yml deleted, ci/added.yml added; .gitlab-ci.yml and ci/a.yml unchanged.
const HEAD = { ".gitlab-ci.yml": BASE[".gitlab-ci.yml"], "ci/a.yml": BASE["ci/a.yml"], "ci/new.yml": "old\n", "ci/added.yml": "added\n" };
const CHANGED = new Set(["ci/old.yml", "ci/new.yml", "ci/gone.yml", "ci/added.yml"]);

function sources(changed: ReadonlySet<string> | undefined) {
  const base = new CountingSource(BASE, "base");
  const head = new CountingSource(HEAD, "head");
  return { base, head, shared: shareUnchanged(base, head, () => changed) };
}

describe("head reads unchanged paths from the base", () => {
  it.each([
    ["an unchanged file", ".gitlab-ci.yml", BASE[".gitlab-ci.yml"]],
    ["the old name of a rename", "ci/old.yml", undefined],
    ["the new name of a rename", "ci/new.yml", "old\n"],
    ["a deleted file", "ci/gone.yml", undefined],
    ["an added file", "ci/added.yml", "added\n"],
    ["a path in neither", "ci/none.yml", undefined],
  ])("%s reads as the head has it", async (_name, path, expected) => {
    const { shared } = sources(CHANGED);
    expect(await shared.head.read(path)).toBe(expected);
  });

  it("reads an unchanged file once for both revisions, and changed files from each", async () => {
    const { base, head, shared } = sources(CHANGED);
    await Promise.all([shared.base.read("ci/a.yml"), shared.head.read("ci/a.yml"), shared.base.read("ci/old.yml"), shared.head.read("ci/old.yml")]);
    expect(base.reads.sort()).toEqual(["ci/a.yml", "ci/old.yml"]);
    expect(head.reads).toEqual(["ci/old.yml"]);
  });

  it("lists a folder with changes from the head, and one without from the base", async () => {
    const { shared } = sources(CHANGED);
    expect(await shared.head.list("ci")).toEqual(["ci/a.yml", "ci/added.yml", "ci/new.yml"]);
    expect(await shared.head.list("")).toEqual([".gitlab-ci.yml", "ci/a.yml", "ci/added.yml", "ci/new.yml"]);
  });

  it("reads everything from the head while the changed paths are not known", async () => {
    const { base, head, shared } = sources(undefined);
    expect(await shared.head.read(".gitlab-ci.yml")).toBe(HEAD[".gitlab-ci.yml"]);
    expect(head.reads).toEqual([".gitlab-ci.yml"]);
    expect(base.reads).toEqual([]);
  });
});
