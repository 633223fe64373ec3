import { describe, expect, it } from "vitest";
import { withPredictionMiss } from "../../src/report/prediction-miss.js";
import { compareRun } from "../../src/verify/compare-run.js";
import type { ObservedJob, ObservedRun } from "../../src/verify/observed-run.js";
import { predictedRun } from "../../src/verify/predicted-run.js";
import { context, simulateYaml } from "../gitlab-ci/simulate/build.js";

/** The sticky comment's lines about pipelines that ran otherwise than a certain prediction said. */

const CI = `build:
  script: make
deploy:
  script: make deploy
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
`;
const job = (name: string, over: Partial<ObservedJob> = {}): ObservedJob => ({ name, stage: "test", status: "success", allowFailure: false, ran: true, ...over });
const run = (id: number, jobs: ObservedJob[]): ObservedRun => ({
  platform: "gitlab",
  oracle: "pipeline",
  label: `pipeline #${id}`,
  url: `https://gitlab.example.com/acme/demo/-/pipelines/${id}`,
  ref: { kind: "branch", name: "main" },
  source: "push",
  sha: "0123456789abcdef",
  created: true,
  errors: [],
  jobs,
  unseenInputs: [],
  downstream: [],
});

async function check(id: number, jobs: ObservedJob[]) {
  return compareRun(predictedRun(await simulateYaml(CI, context())), run(id, jobs));
}

const REPORT = "<!-- ci-explain -->\n**ci-explain**: the report\n";

describe("withPredictionMiss", () => {
  it("adds a section at the comment's end: the pipeline, the job, both outcomes and the deciding rule", async () => {
    const body = withPredictionMiss(REPORT, await check(1, [job("build")]), "gitlab");
    expect(body.startsWith(`${REPORT.trimEnd()}\n\n<!-- ci-explain:prediction-misses -->\n\n`)).toBe(true);
    expect(body).toContain(
      "⚠️ **Prediction check:** [pipeline \\#\u200b1](https://gitlab.example.com/acme/demo/-/pipelines/1) (push to main at `01234567`) differed from a certain prediction: `deploy` (presence: predicted in the pipeline, GitLab not in the pipeline — rule 1 at `.gitlab-ci.yml:6` `if: $CI_COMMIT_BRANCH == \"main\"`).",
    );
  });

  it("keeps one line per pipeline: another pipeline adds a line, a newer comparison of the same one replaces its line", async () => {
    let body = withPredictionMiss(REPORT, await check(1, [job("build")]), "gitlab");
    body = withPredictionMiss(body, await check(2, [job("deploy")]), "gitlab");
    body = withPredictionMiss(body, await check(1, [job("build"), job("deploy", { stage: "deploy" })]), "gitlab");
    const lines = body.slice(body.indexOf("prediction-misses")).split("\n").filter((l) => l.startsWith("⚠️"));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("pipelines/2");
    expect(lines[1]).toContain("pipelines/1");
    expect(lines[1]).toContain("`deploy` (stage: predicted test, GitLab deploy");
    expect(body.match(/<!-- ci-explain:prediction-misses -->/g)).toHaveLength(1);
  });

  it("names three jobs and counts the rest", async () => {
    const many = `${CI}${["a", "b", "c", "d"].map((n) => `${n}:\n  script: x\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n`).join("")}`;
    const result = compareRun(predictedRun(await simulateYaml(many, context())), run(3, [job("build")]));
    expect(withPredictionMiss(REPORT, result, "gitlab")).toContain("; and 2 more.");
  });
});
