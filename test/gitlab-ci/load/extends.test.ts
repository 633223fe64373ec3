import { describe, expect, it } from "vitest";
import { codes, findings, job, loadFiles, scriptOf } from "./load-memory.js";

describe("extends", () => {
  it("merges parents in order (the last parent wins) and the job last; lists are replaced", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": [
        ".a:",
        "  image: a-image",
        "  variables: {A: a, SHARED: from-a}",
        "  tags: [a]",
        ".b:",
        "  variables: {B: b, SHARED: from-b}",
        "  tags: [b1, b2]",
        "job:",
        "  extends: [.a, .b]",
        "  variables: {J: j}",
        "  script: x",
      ].join("\n"),
    });
    expect(findings(result)).toEqual([]);
    const j = job(result, "job");
    expect(j.extends).toEqual([".a", ".b"]);
    expect(j.image?.name.value).toBe("a-image");
    expect(j.variables.map((v) => `${v.name}=${v.value}@${v.pos.line}`)).toEqual(["A=a@3", "SHARED=from-b@6", "B=b@6", "J=j@10"]);
    expect(j.tags.map((t) => t.value)).toEqual(["b1", "b2"]);
  });

  it("removes an inherited key with `key: null`", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": ".base:\n  image: base\n  variables: {A: a, B: b}\njob:\n  extends: .base\n  image: null\n  variables: {B: null}\n  script: x\n",
    });
    const j = job(result, "job");
    expect(j.image).toBeUndefined();
    expect(j.variables.map((v) => `${v.name}=${v.value}`)).toEqual(["A=a", "B="]);
  });

  it("follows chains across files, with visible jobs as parents too, keeping the place that won", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": "include: templates.yml\nbuild:\n  extends: .build\n  script: make\ntest:\n  extends: build\n  stage: test\n",
      "templates.yml": ".build:\n  stage: build\n  before_script:\n    - setup\n",
    });
    expect(findings(result)).toEqual([]);
    const t = job(result, "test");
    expect(t.stage).toEqual({ value: "test", pos: { file: ".gitlab-ci.yml", line: 7, col: 10 } });
    expect(scriptOf(t.beforeScript)).toEqual(["setup @templates.yml:4"]);
    expect(scriptOf(t.script)).toEqual(["make @.gitlab-ci.yml:4"]);
    expect(job(result, "build").stage.pos.file).toBe("templates.yml");
  });

  const chain = (ancestors: number) => {
    const lines = [`job:\n  extends: .p1\n  script: x`];
    for (let i = 1; i <= ancestors; i++) lines.push(i < ancestors ? `.p${i}:\n  extends: .p${i + 1}` : `.p${i}:\n  stage: build`);
    return lines.join("\n");
  };

  // GitLab's Extendable::Entry refuses an `extends` whose entry already has more than 10
  // ancestors: 11 `extends:` in a row are fine, the 12th is not.
  it("allows 11 levels of extends", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": chain(11) });
    expect(findings(result)).toEqual([]);
    expect(job(result, "job").stage.value).toBe("build");
  });

  it.each([
    ["deeper than 11 levels", chain(12), "error:extends-depth@.gitlab-ci.yml:"],
    ["an unknown parent", "job:\n  extends: .nope\n  script: x\n", "error:extends-unknown@.gitlab-ci.yml:2"],
    ["a cycle", ".a:\n  extends: .b\n.b:\n  extends: .a\njob:\n  extends: .a\n  script: x\n", "error:extends-cycle@.gitlab-ci.yml:"],
    ["a job extending itself", "job:\n  extends: job\n  script: x\n", "error:extends-cycle@.gitlab-ci.yml:2"],
    ["a parent that is not a hash", ".p: [1]\njob:\n  extends: .p\n  script: x\n", "error:invalid-type@.gitlab-ci.yml:3"],
    ["extends of the wrong type", "job:\n  extends: {a: 1}\n  script: x\n", "error:invalid-type@.gitlab-ci.yml:2"],
  ])("reports %s at the extends line", async (_name, text, expected) => {
    const result = await loadFiles({ ".gitlab-ci.yml": text });
    expect(codes(result).some((c) => c.startsWith(expected))).toBe(true);
  });

  it("names the jobs of a cycle", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": ".a:\n  extends: .b\n.b:\n  extends: .a\njob:\n  extends: .a\n  script: x\n" });
    expect(findings(result, "error")).toEqual([".gitlab-ci.yml:2:3: error: .a: circular dependency in `extends` (.a → .b → .a) [extends-cycle]"]);
  });
});
