import { describe, expect, it } from "vitest";
import { simulateYaml } from "./build.js";

describe("circular variable references", () => {
  it.each([
    ["two job variables", "build:\n  script: x\n  variables:\n    A: $B\n    B: $A\n", 'build: circular variable reference detected: ["A", "B"]', 4],
    ["three top-level variables", "variables:\n  A: x-${B}\n  B: $C\n  C: $A\nbuild:\n  script: x\n", 'build: circular variable reference detected: ["A", "B", "C"]', 2],
  ])("%s fail the pipeline with a configuration error at the variable's line", async (_what, yaml, message, line) => {
    const p = await simulateYaml(yaml);
    expect(p.created).toBe(false);
    expect(p.notCreated?.reason).toBe("config-error");
    expect(p.errors.map((e) => [e.code, e.message, e.pos?.line])).toEqual([["variable-cycle", message, line]]);
    expect(p.notCreated?.pos?.line).toBe(line);
  });

  it.each([
    ["a variable that refers to itself (not a cycle in GitLab)", "build:\n  script: x\n  variables:\n    A: a-$A\n"],
    ["a cycle only in a job that does not run", "build:\n  script: x\nother:\n  script: x\n  rules:\n    - when: never\n  variables:\n    A: $B\n    B: $A\n"],
    ["a chain without a cycle", "build:\n  script: x\n  variables:\n    A: $B\n    B: $C\n    C: c\n"],
  ])("%s is no error", async (_what, yaml) => {
    const p = await simulateYaml(yaml);
    expect(p.errors).toEqual([]);
    expect(p.created).toBe(true);
  });
});
