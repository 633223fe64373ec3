import { describe, expect, it } from "vitest";
import { compareRun } from "../../src/verify/compare-run.js";
import type { ObservedJob, ObservedRun } from "../../src/verify/observed-run.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { contextForRun, predictActionsRun } from "../../src/verify/predict.js";
import { predictedRun } from "../../src/verify/predicted-run.js";
import { context, simulateYaml } from "../gitlab-ci/simulate/build.js";

/**
 * A prediction against what GitLab (or GitHub) says it created. The prediction comes from the
 * real engine; what the platform says is written by hand from GitLab's documented behaviour
 * (rules, `when: manual` and its allow_failure default, jobs API statuses).
 */

const CI = `stages: [build, test, deploy]
build:
  stage: build
  script: make
docs:
  script: make docs
  when: manual
deploy:
  stage: deploy
  script: make deploy
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
      when: manual
review:
  script: make review
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
message:
  script: make release
  rules:
    - if: $CI_COMMIT_MESSAGE =~ /release/
`;

const observedRun = (jobs: ObservedJob[], over: Partial<ObservedRun> = {}): ObservedRun => ({
  platform: "gitlab",
  oracle: "pipeline",
  label: "pipeline #10",
  ref: { kind: "branch", name: "main" },
  source: "push",
  sha: "abc",
  created: true,
  errors: [],
  jobs,
  unseenInputs: [],
  downstream: [],
  ...over,
});

const real = (name: string, stage: string, over: Partial<ObservedJob> = {}): ObservedJob => ({ name, stage, status: "success", allowFailure: false, ran: true, ...over });

/** What GitLab creates for a push to main with this configuration (rules and when: manual docs). */
const asDocumented = (): ObservedJob[] => [
  real("build", "build"),
  // A job-level `when: manual` is an optional manual job: allow_failure defaults to true.
  real("docs", "test", { status: "manual", when: "manual", allowFailure: true }),
  // `rules: when: manual` makes a blocking manual job: allow_failure stays false.
  real("deploy", "deploy", { status: "manual", when: "manual", allowFailure: false }),
];

async function predictMain() {
  return predictedRun(await simulateYaml(CI, context()));
}

describe("compareRun", () => {
  it("agrees on every job GitLab created as documented, and on the ones it left out", async () => {
    const check = compareRun(await predictMain(), observedRun(asDocumented()));
    const outcome = Object.fromEntries(check.jobs.map((j) => [j.name, j.outcome]));
    expect(outcome).toEqual({ build: "agreed", docs: "agreed", deploy: "agreed", review: "agreed", message: "could-not-tell" });
    expect(check.counts).toEqual({ agreed: 4, differed: 0, "could-not-tell": 1, explained: 0 });
    expect(check.pipeline.outcome).toBe("agreed");
  });

  it("says a job whose rule reads the commit message could not be told, whichever way it went, with the unknown input", async () => {
    const check = compareRun(await predictMain(), observedRun([...asDocumented(), real("message", "test")]));
    const message = check.jobs.find((j) => j.name === "message");
    expect(message).toMatchObject({ outcome: "could-not-tell", certainty: "uncertain" });
    expect(message?.unknowns.join(" ")).toContain("CI_COMMIT_MESSAGE");
  });

  it("counts a certain `when` that GitLab contradicts as differed, naming the deciding rule", async () => {
    const jobs = asDocumented().map((j) => (j.name === "deploy" ? { ...j, status: "created", when: "on_success" as const } : j));
    const check = compareRun(await predictMain(), observedRun(jobs));
    const deploy = check.jobs.find((j) => j.name === "deploy");
    expect(deploy).toMatchObject({ outcome: "differed", differences: [{ field: "when", predicted: "manual", observed: "on_success" }] });
    expect(deploy?.predicted?.rule).toMatchObject({ kind: "rules", index: 0, if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", pos: { file: ".gitlab-ci.yml", line: 12 } });
    expect(check.counts.differed).toBe(1);
  });

  it("compares allow_failure and stage", async () => {
    const jobs = asDocumented().map((j) => (j.name === "docs" ? { ...j, allowFailure: false } : j.name === "build" ? { ...j, stage: "test" } : j));
    const check = compareRun(await predictMain(), observedRun(jobs));
    expect(check.jobs.find((j) => j.name === "docs")?.differences).toEqual([{ field: "allow_failure", predicted: "true", observed: "false" }]);
    expect(check.jobs.find((j) => j.name === "build")?.differences).toEqual([{ field: "stage", predicted: "build", observed: "test" }]);
  });

  it("does not compare `when` where the platform does not say it (a manual job already played shows its run status)", async () => {
    const jobs = asDocumented().map((j) => (j.name === "deploy" ? { ...j, status: "success", when: undefined } : j));
    expect(compareRun(await predictMain(), observedRun(jobs)).jobs.find((j) => j.name === "deploy")?.outcome).toBe("agreed");
  });

  it("counts a job predicted surely in the pipeline but missing, and one predicted surely out but created, as differed", async () => {
    const jobs = [...asDocumented().filter((j) => j.name !== "build"), real("review", "test")];
    const check = compareRun(await predictMain(), observedRun(jobs));
    expect(check.jobs.find((j) => j.name === "build")).toMatchObject({ outcome: "differed", differences: [{ field: "presence", predicted: "in the pipeline", observed: "not in the pipeline" }] });
    expect(check.jobs.find((j) => j.name === "review")).toMatchObject({ outcome: "differed", differences: [{ field: "presence", predicted: "not in the pipeline", observed: "success" }] });
  });

  it("counts a job the configuration does not define as differed, unless the platform explains it", async () => {
    const predicted = await predictMain();
    const stray = compareRun(predicted, observedRun([...asDocumented(), real("stray", "test")]));
    expect(stray.jobs.find((j) => j.name === "stray")).toMatchObject({ outcome: "differed", differences: [{ field: "presence", predicted: "not defined" }] });

    const policy = compareRun(predicted, observedRun([...asDocumented(), real("secret-scan", ".pipeline-policy-pre")]));
    expect(policy.jobs.find((j) => j.name === "secret-scan")).toMatchObject({ outcome: "explained" });
    expect(policy.jobs.find((j) => j.name === "secret-scan")?.explanation).toContain("pipeline execution policy");
  });

  it("explains a job GitLab created from an include the engine could not read", async () => {
    const withTemplate = `include:\n  - template: Security/SAST.gitlab-ci.yml\n${CI}`;
    const predicted = predictedRun(await simulateYaml(withTemplate, context()));
    expect(predicted.unread.length).toBeGreaterThan(0);
    const check = compareRun(predicted, observedRun([...asDocumented(), real("semgrep-sast", "test")]));
    const sast = check.jobs.find((j) => j.name === "semgrep-sast");
    expect(sast).toMatchObject({ outcome: "explained" });
    expect(sast?.explanation).toContain("SAST");
  });

  it("does not count a certain difference as wrong when the real run had inputs nobody could read", async () => {
    const jobs = asDocumented().filter((j) => j.name !== "build");
    const check = compareRun(await predictMain(), observedRun(jobs, { source: "push", unseenInputs: ["the schedule's variables"] }));
    expect(check.jobs.find((j) => j.name === "build")).toMatchObject({ outcome: "could-not-tell", unknowns: ["the schedule's variables"] });
  });

  it("says when GitLab created no pipeline where one was predicted", async () => {
    const check = compareRun(await predictMain(), observedRun([], { oracle: "lint", created: false, errors: ["Pipeline will not run for the selected trigger."] }));
    expect(check.pipeline).toMatchObject({ outcome: "differed", predicted: true, observed: false });
    expect(check.jobs.filter((j) => j.outcome === "differed").map((j) => j.name).sort()).toEqual(["build", "deploy", "docs"]);
  });

  it("pairs jobs that share a name one to one (GitHub may list two jobs with one name)", async () => {
    const twice = `a:\n  script: x\n`;
    const predicted = predictedRun(await simulateYaml(twice, context()));
    const check = compareRun(predicted, observedRun([real("a", "test"), real("a", "test")]));
    expect(check.jobs.map((j) => [j.name, j.outcome])).toEqual([
      ["a", "agreed"],
      ["a", "differed"],
    ]);
  });
});

describe("compareRun on GitHub Actions runs", () => {
  const WORKFLOW = `name: CI
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps: [{ run: make }]
  test:
    needs: build
    runs-on: ubuntu-latest
    steps: [{ run: make check }]
  lint:
    runs-on: ubuntu-latest
    steps: [{ run: make lint }]
`;
  const runs = (jobs: ObservedJob[]): ObservedRun => observedRun(jobs, { platform: "github", oracle: "runs", event: "push" });
  const actionsJob = (name: string, status: string, ran = true): ObservedJob => ({ name: `CI / ${name}`, stage: "CI", status, ran });

  async function predictPush() {
    const source = new MemorySource({ ".github/workflows/ci.yml": WORKFLOW });
    return predictActionsRun(source, contextForRun({ ref: { kind: "branch", name: "main" }, source: "push", event: "push", sha: "abc" }, { settings: defaultSettings(), path: "acme/demo", defaultBranch: "main" }, "github"));
  }

  it("explains a job GitHub skipped because a job it needs failed", async () => {
    const check = compareRun(await predictPush(), runs([actionsJob("build", "failure"), actionsJob("test", "skipped", false), actionsJob("lint", "success")]));
    expect(check.jobs.find((j) => j.name === "CI / test")).toMatchObject({ outcome: "explained", explanation: "skipped because a job it needs, build, ended failure" });
    expect(check.counts).toEqual({ agreed: 2, differed: 0, "could-not-tell": 0, explained: 1 });
  });

  it("counts a skip that no failed need explains as differed (GitHub evaluated an `if:` otherwise)", async () => {
    const check = compareRun(await predictPush(), runs([actionsJob("build", "success"), actionsJob("test", "success"), actionsJob("lint", "skipped", false)]));
    expect(check.jobs.find((j) => j.name === "CI / lint")).toMatchObject({ outcome: "differed", differences: [{ field: "presence", predicted: "in the pipeline", observed: "skipped" }] });
  });
});
