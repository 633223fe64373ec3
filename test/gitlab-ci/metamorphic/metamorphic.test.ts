import { describe, expect, it } from "vitest";
import { prePipelineVariables, pipelinePhaseVariables } from "../../../src/gitlab-ci/simulate/index.js";
import { context, tag } from "../simulate/build.js";
import { checkConfiguration, configurationRoots, rootName } from "./harness.js";
import { documentedDomain } from "./documented-domains.js";

/**
 * No certain answer may depend on an input the simulation reports as unknown, and no answer may
 * be uncertain when every value of its unknown inputs gives it alike (harness.ts). Run over every
 * configuration of the test fixtures and of `examples/`.
 */
describe("certain answers do not depend on unknown inputs", () => {
  const roots = configurationRoots();

  it("finds the configurations", () => {
    expect(roots.map(rootName)).toEqual(expect.arrayContaining(["examples/staging-containers/base", "test/fixtures/certainty/uncertain-gate"]));
  });

  it.each(roots.map((dir) => [rootName(dir), dir]))("%s", async (_name, dir) => {
    const run = await checkConfiguration(dir);
    expect(run.violations).toEqual([]);
    expect(run.unearned).toEqual([]);
  });

  it("tries values for every reported unknown input of the certainty fixtures", async () => {
    const run = await checkConfiguration(roots.find((d) => rootName(d) === "test/fixtures/certainty/uncertain-gate") as string);
    // The MR pipeline reads CI_MERGE_REQUEST_ASSIGNEES, which GitLab sets only when there are assignees.
    expect(run.unknownsTried).toBeGreaterThan(0);
    expect(run.simulations).toBeGreaterThan(run.contexts);
  });

  it.each(["test/fixtures/certainty/danger-review-override", "test/fixtures/certainty/workflow-from-project", "test/fixtures/certainty/no-jobs-unread-include"])(
    "tries concrete contents for the includes %s does not read",
    async (name) => {
      const run = await checkConfiguration(roots.find((d) => rootName(d) === name) as string);
      expect(run.includeWorldsTried).toBe(2 * run.contexts);
    },
  );
});

describe("the predefined-variable table matches GitLab's documentation", () => {
  it.each([
    ["a branch push", context()],
    ["an MR pipeline without a number", context({ ref: { kind: "mr", source: "feature", target: "main" } })],
    ["an MR pipeline for merged results", context({ ref: { kind: "mr", source: "feature", target: "main", iid: 7, eventType: "merged_result" } })],
    ["a tag pipeline", context({ ref: tag("v1.0") })],
    ["a schedule", context({ source: "schedule" })],
  ])("%s: every unknown predefined variable has its documented domain", (_what, ctx) => {
    for (const e of [...prePipelineVariables(ctx), ...pipelinePhaseVariables(ctx)]) {
      if (e.unknown === undefined) continue;
      const documented = documentedDomain(e.name, ctx);
      // Instance settings (the Pages domain) are not in the table: unknown, maybe empty.
      if (!documented) continue;
      expect({ name: e.name, maybeAbsent: !!e.maybeAbsent, nonEmpty: !!e.nonEmpty }).toEqual({ name: e.name, ...documented });
    }
  });
});
