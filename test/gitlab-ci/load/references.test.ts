import { describe, expect, it } from "vitest";
import { codes, findings, job, loadFiles, scriptOf } from "./load-memory.js";

describe("!reference", () => {
  it("reuses script lines from another file, flattening nested lists, after extends", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": [
        "include: setup.yml",
        "job:",
        "  script:",
        "    - !reference [.setup, script]",
        "    - !reference [.child, before_script]",
        "    - run",
      ].join("\n"),
      "setup.yml": ".setup:\n  script:\n    - one\n    - two\n.parent:\n  before_script: [from-parent]\n.child:\n  extends: .parent\n",
    });
    expect(findings(result)).toEqual([]);
    expect(scriptOf(job(result, "job").script)).toEqual(["one @setup.yml:3", "two @setup.yml:4", "from-parent @setup.yml:6", "run @.gitlab-ci.yml:6"]);
  });

  it("reuses rules, flattened one level, keeping the rules' own lines and renumbering them", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": [
        ".rules:",
        "  rules:",
        "    - if: $A",
        "      when: never",
        "    - if: $B",
        "job:",
        "  rules:",
        "    - !reference [.rules, rules]",
        "    - when: manual",
        "  script: x",
      ].join("\n"),
    });
    expect(findings(result)).toEqual([]);
    const rules = job(result, "job").rules ?? [];
    expect(rules.map((r) => `${r.index}:${r.if?.value ?? "-"}:${r.when?.value ?? "-"}@${r.pos.line}`)).toEqual(["0:$A:never@3", "1:$B:-@5", "2:-:manual@9"]);
  });

  it("resolves references inside referenced values (nested), and whole values such as variables", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": [
        ".vars:",
        "  variables: {A: a}",
        ".mid:",
        "  variables: !reference [.vars, variables]",
        "job:",
        "  variables: !reference [.mid, variables]",
        "  script: x",
      ].join("\n"),
    });
    expect(findings(result)).toEqual([]);
    expect(job(result, "job").variables.map((v) => `${v.name}=${v.value}@${v.pos.line}`)).toEqual(["A=a@2"]);
  });

  it.each([
    ["a reference to nothing", "job:\n  script:\n    - !reference [.nope, script]\n", "error:reference-unknown@.gitlab-ci.yml:3"],
    ["a reference to a missing key", ".t:\n  image: x\njob:\n  script: !reference [.t, script]\n", "error:reference-unknown@.gitlab-ci.yml:4"],
    ["references nested more than 10 levels (a loop)", ".a:\n  script: !reference [.b, script]\n.b:\n  script: !reference [.a, script]\njob:\n  script: !reference [.a, script]\n", "error:reference-depth@.gitlab-ci.yml:"],
    ["script lists nested more than 10 levels", `job:\n  script: ${"[".repeat(12)}x${"]".repeat(12)}\n`, "error:nesting-too-deep@.gitlab-ci.yml:2"],
  ])("reports %s at the tag's line", async (_name, text, expected) => {
    const result = await loadFiles({ ".gitlab-ci.yml": text });
    expect(codes(result).some((c) => c.startsWith(expected))).toBe(true);
  });
});
