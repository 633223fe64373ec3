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
  ])("error: %s", (_name, matrix, message) => {
    expect(expandMatrix(matrix).errors.join(" ")).toContain(message);
  });

  const values = (n: number) => Array.from({ length: n }, (_, i) => i);
  it.each<[string, Record<string, unknown>]>([
    ["17 × 16 = 272 jobs", { a: values(17), b: values(16) }],
    ["64 × 64 = 4,096 jobs", { a: values(64), b: values(64) }],
    ["10 keys of 10 values: 10^10 jobs, judged from the counts", Object.fromEntries(values(10).map((k) => [`k${k}`, values(10)]))],
    ["300 × 300 with excludes that leave at least 300", { a: values(300), b: values(300), exclude: values(299).map((i) => ({ a: i })) }],
  ])("more than 256 jobs: %s — GitHub fails the job, no combination runs", (_name, matrix) => {
    const r = expandMatrix(matrix);
    expect(r.exceeded).toBe(true);
    expect(r.combinations).toEqual([]);
  });

  it("exclude can bring a matrix over 256 back under it: 20 × 20 less 10 × 20 makes 200 jobs", () => {
    const r = expandMatrix({ a: values(20), b: values(20), exclude: values(10).map((i) => ({ a: i })) });
    expect(r.exceeded).toBeUndefined();
    expect(r.combinations).toHaveLength(200);
  });

  it("a matrix too large to build, that exclude may or may not bring under 256, is unknown, not guessed", () => {
    const exclude = [...values(300).slice(1).map((i) => ({ a: i })), ...values(300).slice(1).map((i) => ({ b: i }))];
    const r = expandMatrix({ a: values(300), b: values(300), exclude });
    expect(r.exceeded).toBeUndefined();
    expect(r.combinations).toEqual([]);
    expect(r.unknown).toEqual(["90,000 combinations before exclude, too many to work out"]);
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
