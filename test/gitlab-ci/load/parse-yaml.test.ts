import { describe, expect, it } from "vitest";
import { parseYaml } from "../../../src/gitlab-ci/index.js";
import { DEFAULT_LOAD_LIMITS } from "../../../src/gitlab-ci/index.js";
import { nodeToPlain, type YNode } from "../../../src/gitlab-ci/yaml/node.js";
import { codes, findings, job, loadFiles, scriptOf } from "./load-memory.js";

const parse = (text: string) => parseYaml("ci.yml", text, DEFAULT_LOAD_LIMITS);
const plain = (text: string) => nodeToPlain(parse(text).body as YNode);

describe("YAML as GitLab reads it", () => {
  it.each([
    ["anchors and aliases", "a: &x [1, 2]\nb: *x\n", { a: [1, 2], b: [1, 2] }],
    // YAML 1.2 §3.2.2.2: an alias names the most recent anchor of that name before it.
    ["a redefined anchor: each alias takes the closest one before it", "a: &x 1\nb: *x\nc: &x 2\nd: &y 9\ne: *x\nf: &x 3\ng: *x\nh: *y\n", { a: 1, b: 1, c: 2, d: 9, e: 2, f: 3, g: 3, h: 9 }],
    ["<< merge, later keys win", "t: &t {image: a, stage: s}\nj:\n  <<: *t\n  image: b\n", { t: { image: "a", stage: "s" }, j: { image: "b", stage: "s" } }],
    ["<< with a list, the earlier source wins", "a: &a {k: 1}\nb: &b {k: 2, m: 3}\nj:\n  <<: [*a, *b]\n", { a: { k: 1 }, b: { k: 2, m: 3 }, j: { k: 1, m: 3 } }],
    ["<< after a key overrides it (Psych order)", "a: &a {k: 1}\nj:\n  k: 0\n  <<: *a\n", { a: { k: 1 }, j: { k: 1 } }],
    ["YAML 1.1 booleans (Psych)", "a: yes\nb: off\nc: 'yes'\n", { a: true, b: false, c: "yes" }],
    ["!reference becomes a marker", "j:\n  script: !reference [.t, script]\n", { j: { script: "!reference [.t, script]" } }],
    ["a quoted << is an ordinary key", "j:\n  '<<': 1\n", { j: { "<<": 1 } }],
  ])("%s", (_name, text, expected) => {
    expect(parse(text).diagnostics).toEqual([]);
    expect(plain(text)).toEqual(expected);
  });

  it("gives every node its own file, line and column", () => {
    const body = parse("stages:\n  - build\njob:\n  script:\n    - echo hi\n").body;
    expect(body?.kind).toBe("map");
    if (body?.kind !== "map") return;
    expect(body.entries.get("job")?.keyPos).toEqual({ file: "ci.yml", line: 3, col: 1 });
    const script = body.entries.get("job")?.value;
    expect(script?.kind === "map" && script.entries.get("script")?.value.pos).toEqual({ file: "ci.yml", line: 5, col: 5 });
  });

  it.each([
    ["invalid YAML, with its line", "job:\n  script: [a\n  stage: b\n", "error:yaml-syntax@ci.yml:"],
    ["a tab-indented block", "job:\n\tscript: x\n", "error:yaml-syntax@ci.yml:2"],
    ["an alias to no anchor", "a: *nothing\n", "error:yaml-syntax@ci.yml:1"],
    ["!reference on a scalar", "a: !reference x\n", "error:invalid-type@ci.yml:1"],
    ["several documents without a spec header", "a: 1\n---\nb: 2\n", "error:config-invalid@ci.yml:1"],
  ])("reports %s", (_name, text, expected) => {
    const diags = parse(text).diagnostics.map((d) => `${d.severity}:${d.code}@${d.pos?.file}:${d.pos?.line}`);
    expect(diags.some((d) => d.startsWith(expected))).toBe(true);
  });

  it("warns about a duplicate key at its line and keeps the later value, as Psych does", () => {
    const parsed = parse("job:\n  stage: a\n  stage: b\n");
    expect(parsed.diagnostics.map((d) => `${d.severity}:${d.code}@${d.pos?.line}`)).toEqual(["warning:yaml-duplicate-key@3"]);
    expect(nodeToPlain(parsed.body as YNode)).toEqual({ job: { stage: "b" } });
  });

  it("refuses a billion-laughs alias bomb quickly, as an error", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    }
    const parsed = parse(`${levels.join("\n")}\n`);
    expect(parsed.body).toBeUndefined();
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(["yaml-alias-limit"]);
  });

  it("counts every alias as its whole target, nested aliases and merges too, against the expanded-size limit", () => {
    // 1 root + a 4 + b (1 + 4 + 2) + c 2 + d 1 + e (1 + 2 + 1) + f 1 = 20 values once expanded.
    const text = "a: &x [1, &y {k: v}]\nb: [*x, *y]\nc: *y\nd:\ne:\n  <<: *y\n  z: 1\nf: !reference [j, k]\n";
    const withLimit = (maxExpandedNodes: number) => parseYaml("ci.yml", text, { ...DEFAULT_LOAD_LIMITS, maxExpandedNodes });
    expect(withLimit(20).diagnostics).toEqual([]);
    expect(withLimit(19).diagnostics.map((d) => d.code)).toEqual(["yaml-alias-limit"]);
    const body = withLimit(20).body;
    const entry = (key: string) => (body?.kind === "map" ? body.entries.get(key)?.value : undefined);
    const a = entry("a");
    // Every alias of an anchor is the same converted node.
    expect(entry("c")).toBe(a?.kind === "seq" ? a.items[1] : "no list");
    expect(parse("a: &a\n  b: *a\n").diagnostics.map((d) => `${d.code}@${d.pos?.line}`)).toEqual(["yaml-syntax@2"]);
  });

  it("accepts a real-sized file with many aliases", () => {
    const text = ["a: &a {k: v}", ...Array.from({ length: 500 }, (_, i) => `j${i}: *a`)].join("\n");
    expect(parse(text).diagnostics).toEqual([]);
  });

  it.each([
    ["block nesting", Array.from({ length: 120 }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n") + " x\n"],
    ["flow nesting", `a: ${"[".repeat(150)}${"]".repeat(150)}\n`],
    ["flow nesting beyond the parser's stack", `a: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`],
  ])("refuses %s deeper than 100 levels", (_name, text) => {
    const parsed = parse(text);
    expect(parsed.body).toBeUndefined();
    expect(parsed.diagnostics.map((d) => d.code)).toContain("nesting-too-deep");
  });

  // GitLab's default max_yaml_size_bytes is 2 MB (`2.megabytes`, 2,097,152 bytes) since 17.3.
  it("refuses a file one byte over 2 MiB without parsing it", () => {
    const parsed = parse(`a: "${"x".repeat(2 * 1024 * 1024 - 5)}"\n`);
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(["file-too-large"]);
  });

  it("reads a file of exactly 2 MiB", () => {
    const parsed = parse(`a: "${"x".repeat(2 * 1024 * 1024 - 6)}"\n`);
    expect(parsed.diagnostics).toEqual([]);
  });

  it("counts bytes, not characters: 2 MiB of text in multi-byte characters is over", () => {
    const parsed = parse(`a: "${"é".repeat(1024 * 1024)}"\n`);
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(["file-too-large"]);
  });
});

describe("YAML features inside a whole configuration", () => {
  it("flattens anchored script lists and keeps each line's own position", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": [
        ".setup: &setup",
        "  - echo one",
        "  - echo two",
        "job:",
        "  script:",
        "    - *setup",
        "    - |",
        "      multi",
        "      line",
      ].join("\n"),
    });
    expect(findings(result)).toEqual([]);
    expect(scriptOf(job(result, "job").script)).toEqual([
      "echo one @.gitlab-ci.yml:2",
      "echo two @.gitlab-ci.yml:3",
      "multi\nline\n @.gitlab-ci.yml:7",
    ]);
  });

  it("reports a YAML error in an included file at its line, and still reports other files' errors", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": "include: [a.yml, b.yml]\nok:\n  script: x\n",
      "a.yml": "bad:\n  script: [x\n",
      "b.yml": "other:\n  script: 3\n",
    });
    expect(codes(result)).toEqual(["error:yaml-syntax@a.yml:3", "error:invalid-type@b.yml:2", "error:script-missing@b.yml:1"]);
    expect(result.config.jobs.map((j) => j.name)).toEqual(["other", "ok"]);
  });
});
