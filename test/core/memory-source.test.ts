import { describe, expect, it } from "vitest";
import { MemorySource } from "../../src/core/memory-source.js";

describe("MemorySource", () => {
  const src = new MemorySource({ "/.gitlab-ci.yml": "a", "ci/x.yml": "b", "ci/sub/y.yml": "c", "cix.yml": "d" });

  it("reads normalised paths and says absent for missing files", async () => {
    expect(await src.read(".gitlab-ci.yml")).toBe("a");
    expect(await src.read("./ci/x.yml")).toBe("b");
    expect(await src.read("nope.yml")).toBeUndefined();
  });

  it("lists a folder recursively without matching a sibling prefix", async () => {
    expect(await src.list("ci")).toEqual(["ci/sub/y.yml", "ci/x.yml"]);
    expect(await src.list("")).toHaveLength(4);
  });
});
