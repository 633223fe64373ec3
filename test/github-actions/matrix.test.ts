import { describe, expect, it } from "vitest";
import { Unknown } from "../../src/github-actions/expr/value.js";
import { expandMatrix, matrixJobName } from "../../src/github-actions/matrix.js";

describe("strategy.matrix expansion", () => {
  it.each<[string, Record<string, unknown>, Array<Record<string, unknown>>]>([
    [
      "two dimensions, the first key varies slowest",
      { version: [10, 12], os: ["ubuntu-latest", "windows-latest"] },
      [
        { version: 10, os: "ubuntu-latest" },
        { version: 10, os: "windows-latest" },
        { version: 12, os: "ubuntu-latest" },
        { version: 12, os: "windows-latest" },
      ],
    ],
    [
      // The docs' example for include: original values are never overwritten, added ones may be.
      "include extends matching combinations and adds the rest",
      {
        fruit: ["apple", "pear"],
        animal: ["cat", "dog"],
        include: [{ color: "green" }, { color: "pink", animal: "cat" }, { fruit: "apple", shape: "circle" }, { fruit: "banana" }, { fruit: "banana", animal: "cat" }],
      },
      [
        { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
        { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
        { fruit: "pear", animal: "cat", color: "pink" },
        { fruit: "pear", animal: "dog", color: "green" },
        { fruit: "banana" },
        { fruit: "banana", animal: "cat" },
      ],
    ],
    [
      "exclude removes partial matches before include",
      {
        os: ["macos-latest", "windows-latest"],
        version: [12, 14, 16],
        environment: ["staging", "production"],
        exclude: [{ os: "macos-latest", version: 12, environment: "production" }, { os: "windows-latest", version: 16 }],
      },
      [
        { os: "macos-latest", version: 12, environment: "staging" },
        { os: "macos-latest", version: 14, environment: "staging" },
        { os: "macos-latest", version: 14, environment: "production" },
        { os: "macos-latest", version: 16, environment: "staging" },
        { os: "macos-latest", version: 16, environment: "production" },
        { os: "windows-latest", version: 12, environment: "staging" },
        { os: "windows-latest", version: 12, environment: "production" },
        { os: "windows-latest", version: 14, environment: "staging" },
        { os: "windows-latest", version: 14, environment: "production" },
      ],
    ],
    [
      "an include-only matrix makes one job per entry",
      { include: [{ site: "production", datacenter: "site-a" }, { site: "staging", datacenter: "site-b" }] },
      [
        { site: "production", datacenter: "site-a" },
        { site: "staging", datacenter: "site-b" },
      ],
    ],
    ["an include that changes an original value adds a combination", { os: ["linux"], include: [{ os: "mac", arch: "arm" }] }, [{ os: "linux" }, { os: "mac", arch: "arm" }]],
    ["exclude compares values as written", { node: [14, 16], exclude: [{ node: "14" }] }, [{ node: 14 }, { node: 16 }]],
  ])("%s", (_name, matrix, expected) => {
    const r = expandMatrix(matrix);
    expect(r.errors).toEqual([]);
    expect(r.combinations).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a dimension that is not a list", { os: "linux" }, "must be a list"],
    ["an empty dimension", { os: [] }, "empty list"],
    ["exclude of a key that is not in the matrix", { os: ["a"], exclude: [{ arch: "x" }] }, "not a matrix key"],
    ["more than 256 jobs", { a: Array.from({ length: 17 }, (_, i) => i), b: Array.from({ length: 16 }, (_, i) => i) }, "at most 256"],
  ])("error: %s", (_name, matrix, message) => {
    expect(expandMatrix(matrix).errors.join(" ")).toContain(message);
  });

  it("a matrix from an unknown expression stays unknown", () => {
    const r = expandMatrix({ version: new Unknown(["needs.setup.outputs.versions"]) });
    expect(r.unknown).toEqual(["needs.setup.outputs.versions"]);
    expect(r.combinations).toEqual([]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ os: "ubuntu-latest", node: 20 }, "build (ubuntu-latest, 20)"],
    [{ cfg: { a: 1 } }, 'build ({"a":1})'],
    [{}, "build"],
  ])("job name for %j", (combo, name) => {
    expect(matrixJobName("build", combo)).toBe(name);
  });
});
