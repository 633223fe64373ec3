import { describe, expect, it } from "vitest";
import { MemorySource } from "../../src/core/memory-source.js";
import { loadWorkflows, simulateActions } from "../../src/github-actions/index.js";
import { actionsContext } from "./actions-context.js";

/*
 * How GitHub evaluates expressions in a workflow, each case with the docs page that says so:
 * "Evaluate expressions in workflows and actions" (truthiness, a missing property is null) and
 * "Contexts reference" (context availability per workflow key).
 */
async function run(workflow: string) {
  const set = await loadWorkflows(new MemorySource({ ".github/workflows/ci.yml": workflow }));
  return simulateActions(set, actionsContext({ kind: "branch", name: "main" }, "push")).pipeline;
}

const job = (name: string, extra: string) => `  ${name}:\n    runs-on: ubuntu-latest\n${extra}    steps:\n      - run: make\n`;

describe("truthiness and null (Evaluate expressions: literals, operators)", () => {
  it.each<[string, string, boolean]>([
    ["a non-empty string literal in ${{ }} is truthy", "    if: ${{ 'hello' }}\n", true],
    ["a non-empty string literal without ${{ }} is truthy", "    if: \"'hello'\"\n", true],
    ["an empty string literal is falsy", "    if: ${{ '' }}\n", false],
    ["a property github does not have is null, which equals ''", "    if: github.does_not_exist == ''\n", true],
    ["null is falsy", "    if: github.does_not_exist\n", false],
  ])("%s", async (_name, extra, runs) => {
    const p = await run(`on: push\njobs:\n${job("j", extra)}`);
    expect(p.jobs.map((j) => j.name)).toEqual(runs ? [".github/workflows/ci.yml / j"] : []);
    expect(p.errors).toEqual([]);
  });

  it("continue-on-error counts an expression's value by truthiness, as if: does", async () => {
    const p = await run(`on: push\njobs:\n${job("j", "    continue-on-error: ${{ 'yes' }}\n")}`);
    expect(p.jobs[0].allowFailure).toBe(true);
  });
});

describe("context availability (Contexts reference: context availability)", () => {
  it.each<[string, string]>([
    ["jobs.<job_id>.env may not read env", "    env:\n      B: ${{ env.A }}\n"],
    ["jobs.<job_id>.if may not read matrix", "    if: matrix.os == 'linux'\n"],
    ["jobs.<job_id>.container may not read env", "    container: ghcr.io/acme/${{ env.A }}\n"],
  ])("%s: an error at the value's line", async (_name, extra) => {
    const p = await run(`on: push\nenv:\n  A: a\njobs:\n${job("j", extra)}`);
    expect(p.errors.map((e) => e.code)).toContain("expression-syntax");
    expect(p.errors.some((e) => /unrecognized named-value/.test(e.message))).toBe(true);
  });

  it.each<[string, string]>([
    ["steps may read env", "    env:\n      B: b\n    steps:\n      - run: echo ${{ env.B }}\n"],
    ["jobs.<job_id>.env may read github and vars", "    env:\n      B: ${{ github.ref }}-${{ vars.X }}\n"],
  ])("%s", async (_name, extra) => {
    const body = extra.includes("steps:") ? `  j:\n    runs-on: ubuntu-latest\n${extra}` : job("j", extra);
    const p = await run(`on: push\njobs:\n${body}`);
    expect(p.errors).toEqual([]);
  });
});
