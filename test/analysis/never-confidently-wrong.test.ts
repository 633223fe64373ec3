import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis/analyze.js";
import type { Analysis } from "../../src/analysis/model.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import type { PipelineContext } from "../../src/gitlab-ci/context.js";
import type { Pipeline } from "../../src/gitlab-ci/pipeline.js";
import { simulatePipeline } from "../../src/gitlab-ci/simulate/index.js";
import { renderCheck } from "../../src/report/check.js";
import { renderComment, renderCommentText } from "../../src/report/comment.js";
import { renderExplainMarkdown, renderExplainText } from "../../src/report/explain.js";
import { readTree } from "../app/read-tree.js";
import { gitIn, runCli } from "../app/cli/run-cli.js";
import { branch, context, tag } from "../gitlab-ci/simulate/build.js";
import { tableRows, textOf, toHtml } from "../report/rendered.js";

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

const repos: string[] = [];
afterAll(() => repos.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A git repository with the fixture's base committed on `main` and its head on a branch. */
function gitRepo(dir: string): string {
  const repo = mkdtempSync(join(tmpdir(), "ci-explain-certainty-"));
  repos.push(repo);
  gitIn(repo, "init", "-q", "-b", "main");
  gitIn(repo, "remote", "add", "origin", "https://gitlab.example.com/group/project.git");
  cpSync(`${FIXTURES}${dir}/base`, repo, { recursive: true });
  gitIn(repo, "add", "-A");
  gitIn(repo, "commit", "-qm", "base");
  gitIn(repo, "checkout", "-q", "-b", "change");
  cpSync(`${FIXTURES}${dir}/head`, repo, { recursive: true });
  gitIn(repo, "add", "-A");
  gitIn(repo, "commit", "-qm", "head");
  return repo;
}

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

describe("2. what an unread include may define is unknown, not missing", () => {
  // A component (here danger-review, with `job_stage: check`) defines the job; the file read only
  // adds `rules:`. ci/yaml/includes.md: included files are merged first, the including file's keys
  // win, so the job's script and stage come from the component.
  it("a job that only adds rules is no configuration error: its details are uncertain, naming the include", async () => {
    const p = await simulateFixture("danger-review-override", MR);
    expect(p.errors).toEqual([]);
    expect(p.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(["script-missing", "stage-unknown"]));
    const job = named(p, "danger-review");
    expect(job).toMatchObject({ presence: "present", certainty: "uncertain" });
    expect(job?.unknownInputs).toEqual([expect.objectContaining({ kind: "include", include: expect.stringContaining("danger-review@2.1.0") })]);
  });

  it("`jobs` and `analyze` do not fail on it", async () => {
    const repo = mkdtempSync(join(tmpdir(), "ci-explain-certainty-"));
    repos.push(repo);
    cpSync(`${FIXTURES}danger-review-override`, repo, { recursive: true });
    const { code, stdout } = await runCli(["jobs", "--repo", repo, "--rev", "WORKTREE"], repo);
    expect(code).toBe(0);
    expect(stdout).not.toContain(": error:");
  });

  it("a need on a job defined only in an unread include is uncertain, not a missing need", async () => {
    const files = { ".gitlab-ci.yml": "include:\n  - component: gitlab.com/acme/build/build@1.0\ntest:\n  script: make check\n  needs: [compile]\n" };
    const p = await simulatePipeline(new MemorySource(files), context());
    expect(p.errors).toEqual([]);
    expect(p.creation).toBe("uncertain");
    expect(p.warnings.map((w) => w.message)).toContain("test job: undefined need: compile (it may come from an include that was not analysed)");
  });

  it("no job of the files read runs: the unread include may define one that does, so \"no jobs\" is uncertain", async () => {
    // Modelled on a project that takes SAST from a component: its jobs run on every branch push
    // (ci/yaml/includes.md: the included jobs are merged into the pipeline like local ones).
    const files = {
      ".gitlab-ci.yml":
        "include:\n  - component: gitlab.com/components/sast/sast@3.4.0\nworkflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH\n    - if: $CI_COMMIT_TAG\nrelease:\n  script: make release\n  rules:\n    - if: $CI_COMMIT_TAG\n",
    };
    const p = await simulatePipeline(new MemorySource(files), context());
    expect({ created: p.created, creation: p.creation, reason: p.notCreated?.reason }).toEqual({ created: false, creation: "uncertain", reason: "no-jobs" });
    expect(p.unknownInputs).toEqual([expect.objectContaining({ kind: "include", include: "component gitlab.com/components/sast/sast@3.4.0" })]);
    // Where a job of the files read surely runs, the include cannot take the pipeline away.
    const tagged = await simulatePipeline(new MemorySource(files), context({ ref: tag("v1.0") }));
    expect({ created: tagged.created, creation: tagged.creation }).toEqual({ created: true, creation: "certain" });
  });
});

describe("3. workflow:rules an unread include may define", () => {
  // ci/yaml/workflow.md: without workflow:rules, jobs without rules run only in branch and tag
  // pipelines; with them, in every pipeline the workflow allows. The other project's file may have some.
  it("the MR pipeline is uncertain, not surely \"not created\"", async () => {
    const p = await simulateFixture("workflow-from-project", MR);
    expect(p.errors).toEqual([]);
    expect(p.creation).toBe("uncertain");
    // Listed as it would run if the include's workflow:rules let it into MR pipelines.
    expect(p.jobs).toEqual([expect.objectContaining({ name: "build", presence: "uncertain" })]);
    expect(p.unknownInputs).toEqual([expect.objectContaining({ kind: "include", include: "project acme/ci-templates: /workflows/merge-request-pipelines.yml" })]);
  });

  it("the branch pipeline's creation is uncertain too", async () => {
    const p = await simulateFixture("workflow-from-project", context());
    expect({ created: p.created, creation: p.creation }).toEqual({ created: true, creation: "uncertain" });
  });
});

describe("4. matrix expressions in needs:parallel:matrix", () => {
  // ci/yaml/matrix_expressions.md (GitLab 18.6+): `$[[ matrix.ARCH ]]` is the needing job's own
  // value, a one-to-one need between two matrix jobs.
  it("each instance needs its own counterpart", async () => {
    const p = await simulateFixture("matrix-needs", context());
    expect(p.errors).toEqual([]);
    expect(p.jobs.map((j) => [j.name, j.needs ?? null])).toEqual([
      ["build: [amd64]", null],
      ["build: [arm64]", null],
      ["test: [amd64]", ["build: [amd64]"]],
      ["test: [arm64]", ["build: [arm64]"]],
    ]);
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

describe("6. a configuration GitLab rejects is an error everywhere", () => {
  // GitLab refuses the whole configuration: "jobs:build config contains unknown keys: rulse".
  it("`analyze` fails the check, exits 1 and names the key's file and line", async () => {
    const repo = gitRepo("rejected-key");
    const { code, stdout } = await runCli(["analyze", "--repo", repo, "--format", "json"], repo);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json.verdict.conclusion).toBe("failure");
    expect(json.hazards).toEqual([
      expect.objectContaining({ kind: "config-error", severity: "error", status: "introduced", message: expect.stringContaining("unknown keys: rulse"), source: { file: ".gitlab-ci.yml", line: 4 } }),
    ]);
    const comment = await runCli(["analyze", "--repo", repo], repo);
    expect(comment.code).toBe(1);
    expect(comment.stdout).toContain(".gitlab-ci.yml:4");
    expect(comment.stdout).toContain("rulse");
  });

  it.each([["jobs"], ["simulate"]])("`%s` exits 1 with the error at its line", async (command) => {
    const repo = gitRepo("rejected-key");
    const { code, stdout } = await runCli([command, "--repo", repo], repo);
    expect(code).toBe(1);
    expect(stdout).toContain(".gitlab-ci.yml:4:3: error: jobs:build config contains unknown keys: rulse [unknown-keyword]");
  });
});

describe("7. allow_failure: exit_codes is kept and compared", () => {
  // ci/yaml#allow_failureexit_codes: only a failure with one of these codes leaves the pipeline passing.
  it("the job allows failure for exit code 1 only, and the change is a change", async () => {
    const a = await analyzeFixture("exit-codes");
    const main = a.contexts.find((c) => c.context.name === "main");
    const lint = main?.after.jobs.find((j) => j.name === "lint");
    expect(lint).toMatchObject({ allowFailure: false, allowFailureExitCodes: [1] });
    expect(main?.changes.map((c) => c.fields.find((f) => f.field === "allowFailure"))).toEqual([{ field: "allowFailure", before: "false", after: "exit codes 1" }]);
    expect(a.hazards).toEqual([expect.objectContaining({ kind: "allow-failure", status: "introduced", jobs: ["lint"] })]);
  });

  it("the JSON keeps the exit codes", async () => {
    const repo = gitRepo("exit-codes");
    const { stdout } = await runCli(["simulate", "--repo", repo, "--format", "json"], repo);
    expect(JSON.parse(stdout).jobs).toEqual([expect.objectContaining({ name: "lint", allowFailure: false, allowFailureExitCodes: [1] })]);
  });
});

describe("8. an uncertain pipeline creation is uncertain on every surface", () => {
  // The only job runs when the commit message says `[ci full]`: whether GitLab creates a pipeline
  // at all depends on a message no one knows before the push.
  it("the summary table, the JSON and the CLI say uncertain, not \"none (no jobs)\"", async () => {
    const a = await analyzeFixture("commit-message");
    const main = a.contexts.find((c) => c.context.name === "main");
    expect({ created: main?.after.created, creation: main?.after.creation }).toEqual({ created: true, creation: "uncertain" });
    const md = renderComment(a, { platform: "gitlab" });
    const row = tableRows(md)[0].find((r) => r[0] === "main");
    expect(row?.[1]).toContain("pipeline uncertain");
    expect(textOf(toHtml(md))).not.toContain("no jobs");
    const repo = gitRepo("commit-message");
    const json = JSON.parse((await runCli(["simulate", "--repo", repo, "--format", "json"], repo)).stdout);
    expect(json.pipeline).toMatchObject({ created: true, creation: "uncertain", unknownInputs: [expect.objectContaining({ kind: "variable", name: "CI_COMMIT_MESSAGE" })] });
    expect(json.jobs).toEqual([expect.objectContaining({ name: "full-tests", presence: "uncertain" })]);
    expect((await runCli(["simulate", "--repo", repo], repo)).stdout).toContain("created: 1 job in 1 stage — uncertain: GitLab may not create it");
  });

  it("the terminal report, the GitHub check, the `/ci-explain` reply and the analysis JSON say so too", async () => {
    const a = await analyzeFixture("commit-message");
    const mainRow = (text: string) => text.split("\n").find((l) => /^\|? ?\**main\**\s*\|?\s/.test(l) || l.startsWith("main "));
    expect(mainRow(renderCommentText(a, { platform: "gitlab" }))).toContain("pipeline uncertain");
    expect(mainRow(renderCheck(a, { platform: "github" }).summary)).toContain("pipeline uncertain");
    const main = a.contexts.find((c) => c.context.name === "main");
    const request = { pipeline: main?.after as Pipeline, contextName: "main" };
    expect(renderExplainMarkdown(request, { platform: "gitlab" })).toContain("A pipeline is created with 1 job in stages `test`. ⚠️ Uncertain: GitLab may not create it.");
    expect(renderExplainText(request)).toContain("⚠️ Uncertain: GitLab may not create it.");
    const repo = gitRepo("commit-message");
    const json = JSON.parse((await runCli(["analyze", "--repo", repo, "--format", "json"], repo)).stdout);
    expect(json.contexts.find((c: { name: string }) => c.name === "main").after.pipeline).toMatchObject({ created: true, creation: "uncertain" });
  });

  // Each hazard twice: once decided by a known input (the branch name on `main`: the hazard
  // itself), once by an unknown one (the commit message, not known before the push; an include
  // not read): only possible, a notice.
  const lint = (rules: string) => `lint:\n  script: make lint\n${rules}`;
  const UNKNOWN = "$CI_COMMIT_MESSAGE =~ /\\[ci full\\]/";
  const hazardCases: Array<[string, string, string, string, string]> = [
    [
      "pipeline-lost",
      lint(""),
      lint("  rules:\n    - if: $CI_COMMIT_TAG\n"),
      `include:\n  - component: gitlab.com/acme/lint/lint@1.0\n${lint("  rules:\n    - if: $CI_COMMIT_TAG\n")}`,
      "error",
    ],
    ["jobs-lost", `${lint("")}build:\n  script: make\n`, `${lint("  rules:\n    - if: $CI_COMMIT_TAG\n")}build:\n  script: make\n`, `${lint(`  rules:\n    - if: ${UNKNOWN}\n`)}build:\n  script: make\n`, "warning"],
    ["jobs-manual", lint(""), lint("  rules:\n    - if: $CI_COMMIT_BRANCH\n      when: manual\n"), lint(`  rules:\n    - if: ${UNKNOWN}\n    - when: manual\n`), "notice"],
    ["allow-failure", lint(""), lint("  rules:\n    - if: $CI_COMMIT_BRANCH\n      allow_failure: true\n"), lint(`  rules:\n    - if: ${UNKNOWN}\n    - allow_failure: true\n`), "warning"],
    [
      "needs-missing",
      "build:\n  script: make\ntest:\n  script: make check\n  needs: [build]\n",
      "build:\n  script: make\n  rules:\n    - if: $CI_COMMIT_TAG\ntest:\n  script: make check\n  needs: [build]\n",
      `build:\n  script: make\n  rules:\n    - if: ${UNKNOWN}\ntest:\n  script: make check\n  needs: [build]\n`,
      "error",
    ],
  ];

  it.each(hazardCases)("%s: the hazard itself when known inputs decide it, possible (a notice) when unknown ones may", async (kind, before, sure, maybe, severity) => {
    const run = (head: string) =>
      analyze({ base: new MemorySource({ ".gitlab-ci.yml": before }), head: new MemorySource({ ".gitlab-ci.yml": head }), settings: { ...defaultSettings(), project: "group/project", defaultBranch: "main" } });
    const known = (await run(sure)).hazards.filter((h) => h.kind === kind);
    expect(known.map((h) => ({ severity: h.severity, possible: !!h.possible }))).toEqual([{ severity, possible: false }]);
    const unknown = await run(maybe);
    const found = unknown.hazards.filter((h) => h.kind === kind);
    expect(found.length).toBeGreaterThan(0);
    for (const h of found) expect({ severity: h.severity, possible: h.possible }).toEqual({ severity: "notice", possible: true });
    // A possible hazard never fails the check (others, such as duplicate pipelines, may warn).
    expect(unknown.verdict.conclusion).not.toBe("failure");
  });

  it("a job shown running as before that may run otherwise is a possible change and a possible hazard, not \"no change\"", async () => {
    // `[skip lint]` in the commit message makes the job manual and allowed to fail; otherwise it runs as before.
    const base = new MemorySource({ ".gitlab-ci.yml": lint("") });
    const head = new MemorySource({ ".gitlab-ci.yml": lint(`  rules:\n    - if: ${UNKNOWN}\n      when: manual\n      allow_failure: true\n    - when: on_success\n`) });
    const a = await analyze({ base, head, settings: { ...defaultSettings(), project: "group/project", defaultBranch: "main" } });
    const main = a.contexts.find((c) => c.context.name === "main");
    expect(main?.after.jobs).toEqual([expect.objectContaining({ name: "lint", when: "on_success", certainty: "uncertain", mayRunAs: [{ when: "manual", allowFailure: true }] })]);
    expect(main?.changes.map((c) => [c.job, c.fields.filter((f) => f.field === "when" || f.field === "allowFailure")])).toEqual([
      [
        "lint",
        [
          { field: "when", before: "on_success", after: "on_success or manual" },
          { field: "allowFailure", before: "false", after: "false or true" },
        ],
      ],
    ]);
    expect(a.verdict.title).not.toContain("no change to any pipeline");
    for (const kind of ["jobs-manual", "allow-failure"]) {
      expect(a.hazards.filter((h) => h.kind === kind).map((h) => ({ severity: h.severity, possible: h.possible, contexts: h.contexts }))).toEqual([{ severity: "notice", possible: true, contexts: ["main"] }]);
    }
  });

  it("a job that now only may run is a possible loss (a notice), never a certain one", async () => {
    const base = new MemorySource({ ".gitlab-ci.yml": "lint:\n  script: make lint\n" });
    const head = new MemorySource({ ".gitlab-ci.yml": "lint:\n  script: make lint\n  rules:\n    - if: $CI_COMMIT_MESSAGE =~ /lint/\n" });
    const a = await analyze({ base, head, settings: { ...defaultSettings(), project: "group/project", defaultBranch: "main" } });
    const lost = a.hazards.filter((h) => h.kind === "jobs-lost" || h.kind === "pipeline-lost");
    expect(lost.length).toBeGreaterThan(0);
    for (const h of lost) expect(h).toMatchObject({ severity: "notice", possible: true });
    expect(a.verdict.conclusion).toBe("success");
  });
});

describe("variables nobody gave", () => {
  const rule = "deploy:\n  script: ./deploy\n  rules:\n    - if: $QEMU_CI == \"1\"\n      when: manual\n    - if: $CI_COMMIT_BRANCH\n";
  it("a variable defined nowhere is unset, as in GitLab, and listed once as assumed", async () => {
    const p = await simulatePipeline(new MemorySource({ ".gitlab-ci.yml": rule }), context());
    expect(named(p, "deploy")).toMatchObject({ when: "on_success", certainty: "certain" });
    // CI_COMMIT_BRANCH is GitLab's: known, never "assumed".
    expect(p.assumedUnset).toEqual(["QEMU_CI"]);
  });

  it("the report names the variables assumed unset once, with the contexts they decided, so a reader knows what to declare", async () => {
    const base = new MemorySource({ ".gitlab-ci.yml": "deploy:\n  script: ./deploy\n" });
    const head = new MemorySource({ ".gitlab-ci.yml": rule });
    const settings = { ...defaultSettings(), project: "group/project", defaultBranch: "main" };
    const a = await analyze({ base, head, settings });
    const assumed = (a.notes ?? []).filter((n) => n.includes("QEMU_CI"));
    expect(assumed).toHaveLength(1);
    expect(assumed[0]).toContain("taken as unset, as GitLab does");
    const comment = renderComment(a, { platform: "gitlab" });
    expect(comment.split("`QEMU_CI`").length - 1).toBe(1);
    expect(assumed[0]).toContain("(every branch context)");
    // Given a value, it is no assumption — except in a fork, which does not get the project's variables.
    const given = await analyze({ base, head, settings: { ...settings, variables: { QEMU_CI: "1" } } });
    const fork = (given.notes ?? []).filter((n) => n.includes("QEMU_CI"));
    expect(fork).toEqual([expect.stringContaining("`QEMU_CI` (`main in a fork (contributor/project)`)")]);
  });

  it("`.ci-explain.yml` declaring a variable without a value makes it unknown on the command line too", async () => {
    const repo = mkdtempSync(join(tmpdir(), "ci-explain-certainty-"));
    repos.push(repo);
    gitIn(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, ".gitlab-ci.yml"), rule);
    writeFileSync(join(repo, ".ci-explain.yml"), "project: group/project\nvariables:\n  QEMU_CI:\n");
    gitIn(repo, "add", "-A");
    gitIn(repo, "commit", "-qm", "x");
    const { code, stdout } = await runCli(["simulate", "--repo", repo, "--branch", "main", "--format", "json"], repo);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.pipeline).toMatchObject({ assumedUnset: [], unknownInputs: [expect.objectContaining({ kind: "variable", name: "QEMU_CI" })] });
    expect(json.jobs).toEqual([expect.objectContaining({ name: "deploy", certainty: "uncertain", presence: "present" })]);
  });

  it("a variable given on the command line or in the settings is not assumed", async () => {
    const p = await simulatePipeline(new MemorySource({ ".gitlab-ci.yml": rule }), context({ variables: { QEMU_CI: "1" } }));
    expect(named(p, "deploy")).toMatchObject({ when: "manual", certainty: "certain" });
    expect(p.assumedUnset).toEqual([]);
  });

  it("a variable the settings declare without a value is unknown", async () => {
    const { parseSettingsText } = await import("../../src/config/parse-settings.js");
    const { settings, diagnostics } = parseSettingsText("variables:\n  QEMU_CI:\n", ".ci-explain.yml");
    expect(diagnostics).toEqual([]);
    expect(settings.variables).toEqual({ QEMU_CI: null });
    const p = await simulatePipeline(new MemorySource({ ".gitlab-ci.yml": rule }), context({ variables: settings.variables }));
    expect(named(p, "deploy")).toMatchObject({ certainty: "uncertain", presence: "present" });
    expect(p.unknownInputs).toEqual([expect.objectContaining({ kind: "variable", name: "QEMU_CI", maybeAbsent: true })]);
    expect(p.assumedUnset).toEqual([]);
  });
});

describe("an include whose rules cannot be decided", () => {
  // ci/yaml/includes.md "Use rules with include": the file is included only when its rules match.
  it("the jobs it defines may be absent: uncertain, naming the include, not surely there", async () => {
    const files = {
      ".gitlab-ci.yml": "include:\n  - local: ci/full.yml\n    rules:\n      - if: $CI_COMMIT_MESSAGE =~ /\\[full\\]/\nbuild:\n  script: make\n",
      "ci/full.yml": "include: ci/more.yml\nfull-tests:\n  script: make check-full\n",
      "ci/more.yml": "more-tests:\n  script: make check-more\n",
    };
    const p = await simulatePipeline(new MemorySource(files), context());
    // Included files merge first (ci/full.yml's own include before it), the root file last.
    expect(p.jobs.map((j) => [j.name, j.presence])).toEqual([
      ["more-tests", "uncertain"],
      ["full-tests", "uncertain"],
      ["build", "present"],
    ]);
    expect(named(p, "full-tests")?.unknownInputs).toEqual([expect.objectContaining({ kind: "include", include: "local ci/full.yml" })]);
  });
});
