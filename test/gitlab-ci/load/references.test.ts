import { describe, expect, it } from "vitest";
import { codes, findings, job, loadFiles, scriptOf } from "./load-memory.js";
import { ParseCache } from "../../../src/gitlab-ci/load/parse-cache.js";

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

  it("builds a rule many jobs share once, at each job's index, and reports a bad shared rule once, at its line", async () => {
    const files = {
      ".gitlab-ci.yml": [
        ".rules:",
        "  rules:",
        "    - if: $A",
        "      variables: {X: x}",
        "    - if: $B",
        "      when: sometimes",
        "a:",
        "  rules: !reference [.rules, rules]",
        "  script: x",
        "b:",
        "  rules:",
        "    - when: manual",
        "    - !reference [.rules, rules]",
        "  script: x",
        "c:",
        "  extends: .rules",
        "  script: x",
      ].join("\n"),
    };
    const cache = new ParseCache();
    // The second load reuses the parsed nodes (and so the rules built from them); the third parses afresh.
    const [first, second, cold] = [await loadFiles(files, { parseCache: cache }), await loadFiles(files, { parseCache: cache }), await loadFiles(files)];
    for (const result of [first, second]) expect(result).toEqual(cold);
    const rules = (name: string) => (job(cold, name).rules ?? []).map((r) => `${r.index}:${r.if?.value ?? "-"}:${r.when?.value ?? "-"}@${r.pos.line}`);
    expect(rules("a")).toEqual(["0:$A:-@3", "1:$B:-@5"]);
    expect(rules("b")).toEqual(["0:-:manual@12", "1:$A:-@3", "2:$B:-@5"]);
    expect(rules("c")).toEqual(["0:$A:-@3", "1:$B:-@5"]);
    expect(job(cold, "a").rules?.[0]).toEqual(job(cold, "c").rules?.[0]);
    expect(job(cold, "b").rules?.[1]).toEqual({ ...job(cold, "a").rules?.[0], index: 1 });
    expect(findings(cold)).toEqual([
      ".gitlab-ci.yml:6:13: error: a:rules:1:when is `sometimes`; it should be one of on_success, on_failure, always, never, manual, delayed [invalid-value]",
    ]);
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
