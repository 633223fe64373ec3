import { describe, expect, it } from "vitest";
import { DEFAULT_LOAD_LIMITS, parseYaml } from "../../../src/gitlab-ci/index.js";
import { deepMerge, deepMergeMaps } from "../../../src/gitlab-ci/load/deep-merge.js";
import type { YMap, YNode } from "../../../src/gitlab-ci/yaml/node.js";

const map = (file: string, text: string): YMap => {
  const body = parseYaml(file, text, DEFAULT_LOAD_LIMITS).body;
  if (body?.kind !== "map") throw new Error(`${file} is not a hash`);
  return body;
};

describe("deepMergeMaps", () => {
  it("equals deepMerge applied to each hash in turn, positions and key order included", () => {
    const maps = [
      map("a.yml", "job:\n  image: a\n  variables: {A: 1, B: 1}\nonly-a: x\n"),
      map("b.yml", "job:\n  variables: {B: 2, C: 2}\n  script: [b]\nonly-b: [1]\n"),
      map("c.yml", "only-a: {now: a hash}\njob:\n  script: [c]\n  variables: {A: 3}\n"),
    ];
    const start: YNode = { kind: "map", entries: new Map(), pos: { file: "root.yml", line: 1 } };
    const folded = maps.reduce<YNode>((acc, m) => deepMerge(acc, m), start);
    expect(deepMergeMaps(maps, maps[2].pos)).toEqual(folded);
    expect(deepMergeMaps([], start.pos)).toEqual(start);
  });
});
