import { describe, expect, it } from "vitest";
import type { RuleDef } from "../../../src/gitlab-ci/model.js";
import { MemorySource } from "../../../src/core/memory-source.js";
import { loadConfig } from "../../../src/gitlab-ci/index.js";
import { codes, findings, job, loadFiles, scriptOf } from "./load-memory.js";

const JOB = (name: string, line = "echo") => `${name}:\n  script: ${line}\n`;

describe("include: forms and merge order", () => {
  it.each([
    ["a string", "include: a.yml\n"],
    ["a list of strings", "include:\n  - a.yml\n"],
    ["a local hash", "include:\n  local: a.yml\n"],
    ["a list of local hashes with a leading slash", "include:\n  - local: /a.yml\n"],
    ["project: of this same project", "include:\n  - project: group/app\n    file: a.yml\n"],
    ["project: with a list of files", "include:\n  - project: group/app\n    file: [a.yml]\n"],
  ])("loads %s", async (_name, root) => {
    const result = await loadFiles({ ".gitlab-ci.yml": root, "a.yml": JOB("from-a") }, { project: "group/app" });
    expect(findings(result)).toEqual([]);
    expect(result.config.jobs.map((j) => j.name)).toEqual(["from-a"]);
    expect(result.config.files).toEqual([".gitlab-ci.yml", "a.yml"]);
    expect(result.config.includes[0]).toMatchObject({ status: "loaded", files: ["a.yml"] });
  });

  it("hints the plainly named local files and a wildcard's matches to the source before reading them, and loads the same", async () => {
    const files = {
      ".gitlab-ci.yml": "include:\n  - a.yml\n  - local: /ci/b.yml\n    rules: [{if: $NEVER}]\n  - local: ci/$X.yml\n  - ci/*.yml\n  - remote: https://x/y.yml\n",
      "a.yml": `include: nested.yml\n${JOB("a")}`,
      "nested.yml": JOB("nested"),
      "ci/b.yml": JOB("b"),
    };
    const hints: string[][] = [];
    class Hinted extends MemorySource {
      prefetch(paths: readonly string[]): void {
        hints.push([...paths]);
      }
    }
    const options = { includeVariables: {} };
    const hinted = await loadConfig(new Hinted(files), options);
    expect(hinted).toEqual(await loadConfig(new MemorySource(files), options));
    // The plainly named files of each file before reading them, then a wildcard's matches
    // once listed; a variable in the path is never guessed.
    expect(hints).toEqual([["a.yml", "ci/b.yml"], ["nested.yml"], ["ci/b.yml"]]);
  });

  it("merges included files first in list order, nested includes first, and the including file last wins", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": "include: [a.yml, b.yml]\nvariables:\n  WHO: root\njob:\n  stage: test\n",
      "a.yml": "include: nested.yml\nvariables:\n  WHO: a\n  FROM_A: '1'\njob:\n  script: [from-a]\n  tags: [a1, a2]\n",
      "nested.yml": "variables:\n  WHO: nested\n  FROM_NESTED: '1'\njob:\n  image: nested-image\n",
      "b.yml": "variables:\n  WHO: b\njob:\n  tags: [b1]\n",
    });
    expect(findings(result)).toEqual([]);
    expect(result.config.variables.map((v) => `${v.name}=${v.value}@${v.pos.file}:${v.pos.line}`)).toEqual([
      "WHO=root@.gitlab-ci.yml:3",
      "FROM_NESTED=1@nested.yml:3",
      "FROM_A=1@a.yml:4",
    ]);
    const j = job(result, "job");
    // Hashes deep-merge; lists are replaced by the later file.
    expect(j.tags.map((t) => `${t.value}@${t.pos.file}`)).toEqual(["b1@b.yml"]);
    expect(j.image?.name).toEqual({ value: "nested-image", pos: { file: "nested.yml", line: 5, col: 10 } });
    expect(scriptOf(j.script)).toEqual(["from-a @a.yml:6"]);
    expect(result.config.files).toEqual([".gitlab-ci.yml", "a.yml", "nested.yml", "b.yml"]);
  });

  it("merges a duplicate include again, so it wins over what came between", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": "include: [a.yml, b.yml, a.yml]\n",
      "a.yml": "job:\n  script: from-a\n",
      "b.yml": "job:\n  script: from-b\n",
    });
    expect(findings(result)).toEqual([]);
    expect(job(result, "job").script[0].text).toBe("from-a");
    expect(result.config.includes.map((i) => i.location)).toEqual(["a.yml", "b.yml", "a.yml"]);
  });

  it.each([
    ["* matches one level", "ci/*.yml", ["ci/a.yml", "ci/b.yml"]],
    ["** matches recursively", "ci/**.yml", ["ci/a.yml", "ci/b.yml", "ci/deep/c.yml"]],
    ["**/ needs at least one directory (GitLab's regexp)", "ci/**/*.yml", ["ci/deep/c.yml"]],
    ["a leading slash is the repository root", "/ci/*.yml", ["ci/a.yml", "ci/b.yml"]],
  ])("wildcard include: %s", async (_name, pattern, files) => {
    const result = await loadFiles({
      ".gitlab-ci.yml": `include:\n  - local: '${pattern}'\n`,
      "ci/b.yml": JOB("b"),
      "ci/a.yml": JOB("a"),
      "ci/deep/c.yml": JOB("c"),
      "ci/notes.txt": "x",
    });
    expect(findings(result)).toEqual([]);
    expect(result.config.includes[0].files).toEqual(files);
  });

  it("warns when a wildcard matches nothing", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": "include: 'none/*.yml'\njob:\n  script: x\n" });
    expect(codes(result)).toEqual(["warning:include-wildcard-empty@.gitlab-ci.yml:1"]);
  });
});

describe("includes that are not analysed", () => {
  it.each([
    ["remote", "include: 'https://example.com/ci.yml'\n", "remote include https://example.com/ci.yml"],
    ["remote hash", "include:\n  - remote: 'https://example.com/ci.yml'\n", "remote include https://example.com/ci.yml"],
    ["template", "include:\n  - template: Security/SAST.gitlab-ci.yml\n", "template include Security/SAST.gitlab-ci.yml"],
    ["component", "include:\n  - component: $CI_SERVER_FQDN/org/comp/build@1.0\n", "component include $CI_SERVER_FQDN/org/comp/build@1.0"],
    ["another project", "include:\n  - project: other/tools\n    ref: v1\n    file: ci.yml\n", "project include other/tools@v1 (ci.yml)"],
    ["a path with an unknown variable", "include:\n  - local: ci/$FLAVOUR.yml\n", "include ci/$FLAVOUR.yml uses a variable"],
  ])("%s is named in a warning", async (_name, root, named) => {
    const result = await loadFiles({ ".gitlab-ci.yml": `${root}job:\n  script: x\n` }, { project: "group/app" });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const warnings = result.diagnostics.filter((d) => d.code === "include-not-analysed");
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain(named);
    expect(result.config.includes[0].status).toBe("not-analysed");
  });

  it("expands known pre-pipeline variables in include paths", async () => {
    const result = await loadFiles(
      { ".gitlab-ci.yml": "include: ci/$FLAVOUR.yml\n", "ci/fast.yml": JOB("fast") },
      { includeVariables: { FLAVOUR: "fast" } },
    );
    expect(findings(result)).toEqual([]);
    expect(result.config.jobs.map((j) => j.name)).toEqual(["fast"]);
  });

  it("reads this project at another ref from the same source, with a warning that it is approximate", async () => {
    const result = await loadFiles(
      { ".gitlab-ci.yml": "include:\n  - project: group/app\n    ref: stable\n    file: a.yml\n", "a.yml": JOB("a") },
      { project: "group/app", ref: "main" },
    );
    expect(codes(result)).toEqual(["warning:include-ref-approximate@.gitlab-ci.yml:3"]);
    expect(result.config.jobs.map((j) => j.name)).toEqual(["a"]);
  });

  it("turns a missing extends parent into a warning when an include was not analysed", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": "include:\n  - template: T.yml\njob:\n  extends: .from-template\n  script: x\n",
    });
    expect(codes(result)).toEqual(["warning:include-not-analysed@.gitlab-ci.yml:2", "warning:extends-unknown@.gitlab-ci.yml:4"]);
  });
});

describe("include:rules", () => {
  const files = {
    ".gitlab-ci.yml": "include:\n  - local: a.yml\n    rules:\n      - if: $CI_COMMIT_BRANCH == \"main\"\n        when: always\nroot:\n  script: x\n",
    "a.yml": JOB("from-a"),
  };

  it.each([
    ["no callback: included", undefined, ["from-a", "root"], "loaded", []],
    ["callback says yes", () => true, ["from-a", "root"], "loaded", []],
    ["callback says no", () => false, ["root"], "skipped-by-rules", []],
    ["callback cannot decide: included with a warning", () => "unknown" as const, ["from-a", "root"], "loaded", ["warning:include-rules-unknown@.gitlab-ci.yml:2"]],
  ])("%s", async (_name, includeRuleMatches, jobs, status, diags) => {
    const result = await loadFiles(files, { includeRuleMatches });
    expect(result.config.jobs.map((j) => j.name)).toEqual(jobs);
    expect(result.config.includes[0].status).toBe(status);
    expect(codes(result)).toEqual(diags);
  });

  it("hands the rules, with their lines, to the callback and keeps them on the record", async () => {
    const seen: RuleDef[][] = [];
    const result = await loadFiles(files, { includeRuleMatches: (rules) => (seen.push(rules), true) });
    expect(seen[0][0].if).toEqual({ value: '$CI_COMMIT_BRANCH == "main"', pos: { file: ".gitlab-ci.yml", line: 4, col: 13 } });
    expect(result.config.includes[0].rules?.[0].when?.value).toBe("always");
  });
});

describe("include:inputs and spec:inputs", () => {
  const tpl = [
    "spec:",
    "  inputs:",
    "    stage:",
    "      default: test",
    "    name:",
    "    targets:",
    "      type: array",
    "      default: [x86]",
    "    mode:",
    "      options: [fast, slow]",
    "      default: fast",
    "---",
    "$[[ inputs.name ]]-job:",
    "  stage: $[[ inputs.stage ]]",
    "  script: echo $[[ inputs.mode ]] $[[ inputs.name | truncate(0,3) ]]",
    "  tags: $[[ inputs.targets ]]",
  ].join("\n");

  it("interpolates given inputs and defaults; a whole-value input keeps its type", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": "include:\n  - local: tpl.yml\n    inputs:\n      name: build\n      targets: [arm, x86]\n",
      "tpl.yml": tpl,
    });
    expect(findings(result)).toEqual([]);
    const j = job(result, "build-job");
    expect(j.stage.value).toBe("test");
    expect(j.script[0].text).toBe("echo fast bui");
    expect(j.tags.map((t) => t.value)).toEqual(["arm", "x86"]);
    expect(j.pos).toEqual({ file: "tpl.yml", line: 13, col: 1 });
  });

  it.each([
    ["a required input is missing", "include:\n  - local: tpl.yml\n", "`name` input: required value has not been provided"],
    ["an unknown input is given", "include:\n  - local: tpl.yml\n    inputs: {name: a, colour: red}\n", "unknown input arguments: colour"],
    ["a value is not among the options", "include:\n  - local: tpl.yml\n    inputs: {name: a, mode: medium}\n", "`mode` input: `medium` cannot be used because it is not in the list of allowed options"],
    ["a value has the wrong type", "include:\n  - local: tpl.yml\n    inputs: {name: a, targets: arm}\n", "`targets` input: provided value is not an array"],
    ["inputs for a file without spec", "include:\n  - local: plain.yml\n    inputs: {name: a}\n", "Given inputs not defined in the `spec` section of the included configuration file"],
  ])("reports an error at the include line when %s", async (_name, root, message) => {
    const result = await loadFiles({ ".gitlab-ci.yml": root, "tpl.yml": tpl, "plain.yml": JOB("plain") });
    const errors = result.diagnostics.filter((d) => d.code === "inputs-invalid");
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain(message);
    expect(errors[0].pos?.file).toBe(".gitlab-ci.yml");
    expect(errors[0].pos?.line).toBe(2);
  });

  // GitLab checks `regex` with RE2 (UntrustedRegexp) and words a pattern it cannot compile
  // "`name` input: invalid regular expression" (Ci::Inputs::StringInput spec, "when regex is invalid").
  it("reports a regex RE2 cannot compile as an invalid regular expression", async () => {
    const spec = "spec:\n  inputs:\n    name:\n      regex: 'a(?=b)'\n---\njob:\n  script: echo $[[ inputs.name ]]\n";
    const result = await loadFiles({ ".gitlab-ci.yml": "include:\n  - local: re.yml\n    inputs: {name: ab}\n", "re.yml": spec });
    const errors = result.diagnostics.filter((d) => d.code === "inputs-invalid");
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining("`name` input: invalid regular expression")]);
  });
});

describe("include errors and guard rails", () => {
  it.each([
    ["a missing local file, at the include line", { ".gitlab-ci.yml": "job:\n  script: x\ninclude:\n  - local: nope.yml\n" }, "error:include-missing@.gitlab-ci.yml:4"],
    ["a file without a YAML extension", { ".gitlab-ci.yml": "include: ci.txt\n", "ci.txt": "a: 1" }, "error:include-invalid@.gitlab-ci.yml:1"],
    ["an empty included file", { ".gitlab-ci.yml": "include: e.yml\n", "e.yml": "# nothing\n" }, "error:include-invalid@.gitlab-ci.yml:1"],
    ["an include entry of the wrong type", { ".gitlab-ci.yml": "include:\n  - 42\n" }, "error:include-invalid@.gitlab-ci.yml:2"],
    ["an unknown include key", { ".gitlab-ci.yml": "include:\n  - locale: a.yml\n" }, "error:include-invalid@.gitlab-ci.yml:2"],
    ["artifact outside trigger", { ".gitlab-ci.yml": "include:\n  - artifact: x.yml\n    job: gen\n" }, "error:include-invalid@.gitlab-ci.yml:2"],
    ["a missing root file", {}, "error:file-missing@.gitlab-ci.yml:1"],
    [
      "an include cycle, at the include line that closes it",
      { ".gitlab-ci.yml": "include: a.yml\n", "a.yml": "include: b.yml\n", "b.yml": "x:\n  script: y\ninclude: a.yml\n" },
      "error:include-cycle@b.yml:3",
    ],
  ])("%s", async (_name, files, expected) => {
    const result = await loadFiles(files as Record<string, string>);
    expect(codes(result)).toContain(expected);
  });

  it("names the cycle", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": "include: a.yml\n", "a.yml": "include: /.gitlab-ci.yml\n" });
    expect(findings(result, "error")).toEqual(["a.yml:1:10: error: include cycle: .gitlab-ci.yml → a.yml → .gitlab-ci.yml [include-cycle]"]);
  });

  it("allows 150 includes, duplicates counted, and refuses the 151st at its line", async () => {
    const list = (n: number) => `include:\n${Array.from({ length: n }, () => "  - a.yml").join("\n")}\n`;
    const ok = await loadFiles({ ".gitlab-ci.yml": list(150), "a.yml": JOB("a") });
    expect(findings(ok)).toEqual([]);
    const tooMany = await loadFiles({ ".gitlab-ci.yml": list(151), "a.yml": JOB("a") });
    expect(codes(tooMany)).toEqual(["error:include-limit@.gitlab-ci.yml:152"]);
  });

  it("refuses includes nested deeper than the limit", async () => {
    const files: Record<string, string> = { ".gitlab-ci.yml": "include: f1.yml\n" };
    for (let i = 1; i <= 12; i++) files[`f${i}.yml`] = i < 12 ? `include: f${i + 1}.yml\n` : JOB("deep");
    const result = await loadFiles(files, { limits: { maxIncludeDepth: 10 } });
    expect(codes(result)).toEqual(["error:include-limit@f9.yml:1"]);
  });

  it("stops reading when the included files exceed the total size budget", async () => {
    const big = `x:\n  script: "${"y".repeat(600)}"\n`;
    const result = await loadFiles(
      { ".gitlab-ci.yml": "include: [a.yml, b.yml, c.yml]\n", "a.yml": big, "b.yml": big, "c.yml": big },
      { limits: { maxTotalBytes: 1500 } },
    );
    expect(codes(result)).toEqual(["error:file-too-large@.gitlab-ci.yml:1"]);
  });

  it("refuses an included file over the per-file limit, naming it", async () => {
    const result = await loadFiles(
      { ".gitlab-ci.yml": "include: big.yml\nok:\n  script: x\n", "big.yml": `x: "${"y".repeat(2000)}"\n` },
      { limits: { maxFileBytes: 1000 } },
    );
    expect(findings(result, "error")[0]).toContain("big.yml is 2006 bytes");
    expect(result.config.jobs.map((j) => j.name)).toEqual(["ok"]);
  });
});
