import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis/analyze.js";
import type { Analysis } from "../../src/analysis/model.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import type { PipelineContext } from "../../src/gitlab-ci/context.js";
import type { Pipeline } from "../../src/gitlab-ci/pipeline.js";
import { simulatePipeline } from "../../src/gitlab-ci/simulate/index.js";
import { readTree } from "../app/read-tree.js";
import { branch, context } from "../gitlab-ci/simulate/build.js";

/**
 * The numbered cases of "never confidently wrong", each a minimal reproduction under
 * test/fixtures/certainty/, asserting what GitLab does (docs cited per case).
 */
const FIXTURES = fileURLToPath(new URL("../fixtures/certainty/", import.meta.url));
const source = (dir: string) => new MemorySource(readTree(`${FIXTURES}${dir}`), dir);
const MR: PipelineContext = context({ ref: { kind: "mr", source: "feature", target: "main" } });

async function simulateFixture(dir: string, ctx: PipelineContext): Promise<Pipeline> {
  return simulatePipeline(source(dir), ctx);
}

async function analyzeFixture(dir: string): Promise<Analysis> {
  return analyze({ base: source(`${dir}/base`), head: source(`${dir}/head`), settings: { ...defaultSettings(), project: "group/project", defaultBranch: "main" } });
}

const named = (p: Pipeline, name: string) => p.jobs.find((j) => j.name === name);

describe("1. a job whose rules cover every value of an unknown variable is in the pipeline", () => {
  // ci/yaml#rules: the first matching rule decides; `== "bot"` and `!= "bot"` together match
  // every value, and no value at all (`!=` holds for nil).
  it("in an MR pipeline the gate and the job that needs it are both there; only the gate's `when` is uncertain", async () => {
    const p = await simulateFixture("uncertain-gate", MR);
    expect({ created: p.created, creation: p.creation, errors: p.errors }).toEqual({ created: true, creation: "certain", errors: [] });
    expect(p.jobs.map((j) => [j.name, j.presence])).toEqual([
      ["gate", "present"],
      ["build", "present"],
    ]);
    expect(named(p, "gate")?.certainty).toBe("uncertain");
    expect(named(p, "gate")?.unknownInputs?.map((u) => (u.kind === "variable" ? u.name : u.kind))).toEqual(["CI_MERGE_REQUEST_ASSIGNEES"]);
    expect(named(p, "build")).toMatchObject({ certainty: "certain", needs: ["gate"] });
  });

  it("in a branch pipeline GitLab does not set the MR variables: the gate is surely manual", async () => {
    const p = await simulateFixture("uncertain-gate", context({ ref: branch("main") }));
    expect(named(p, "gate")).toMatchObject({ when: "manual", certainty: "certain", presence: "present" });
  });
});

describe("5. variables GitLab always sets in an MR pipeline are known to be set", () => {
  // ci/variables/predefined_variables.md, "Predefined variables for merge request pipelines":
  // CI_MERGE_REQUEST_IID is the MR's number, set in every MR pipeline.
  it("`if: $CI_MERGE_REQUEST_IID` holds in an MR pipeline whose number is not given", async () => {
    const p = await simulateFixture("mr-iid/head", MR);
    expect({ created: p.created, creation: p.creation }).toEqual({ created: true, creation: "certain" });
    expect(named(p, "review")).toMatchObject({ when: "manual", certainty: "certain", presence: "present" });
  });

  it("a change that makes the MR job manual is a change of the MR pipeline", async () => {
    const a = await analyzeFixture("mr-iid");
    const mr = a.contexts.find((c) => c.context.ref.kind === "mr");
    expect(mr?.changes.map((c) => [c.job, c.kind, c.fields.find((f) => f.field === "when")])).toEqual([["review", "changed", { field: "when", before: "on_success", after: "manual" }]]);
    expect(a.verdict.title).not.toContain("no change to any pipeline");
  });
});
