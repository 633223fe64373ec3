import { describe, expect, it } from "vitest";
import { compareJobs } from "../../src/analysis/compare.js";
import type { AnalysedJob, Analysis, ContextAnalysis } from "../../src/analysis/model.js";
import { renderExplainReply } from "../../src/platforms/change-report.js";
import type { ReportOptions } from "../../src/report/options.js";
import { analysis, build, context, image, job, pipeline, pos, ruleDecision } from "./build.js";
import { tablesIntact } from "./markdown-check.js";

/**
 * `/ci-explain staging-8.0 job NAME` on a change that retags the container images of
 * `staging-8.0`: the reply says what the change does to the job before explaining its head side.
 */
const REG = "registry.example/acme/app";
const BASE = ".gitlab-ci.d/base.yml";
const gitlab: ReportOptions = { platform: "gitlab" };

function containerJob(tag: string, rule: { index: number; line: number; if: string }): AnalysedJob {
  return job("amd64-container", {
    stage: "containers",
    source: pos(".gitlab-ci.d/containers.yml", 10),
    decidedBy: ruleDecision(rule.index, pos(BASE, rule.line), rule.if),
    builds: [build("amd64-container", `${REG}/amd64:${tag}`, "docker/amd64.docker", pos(".gitlab-ci.d/container-template.yml", 16))],
  });
}

const lint = job("lint", { image: image("node:20", pos(".gitlab-ci.yml", 5)), source: pos(".gitlab-ci.yml", 4) });
const docs = job("docs", { source: pos(".gitlab-ci.yml", 20), decidedBy: ruleDecision(0, pos(".gitlab-ci.yml", 22), '$CI_COMMIT_BRANCH == "staging-8.0"') });
const testJob = (tag: string) => job("test", { image: image(`${REG}/amd64:${tag}`, pos(".gitlab-ci.yml", 12), `${REG}/amd64:$TAG`), source: pos(".gitlab-ci.yml", 11) });

/** One context, compared by the analysis' own comparison. */
function staging80(): ContextAnalysis {
  const ctx = context("staging-8.0");
  const before = pipeline(ctx, [containerJob("latest", { index: 14, line: 120, if: "$CI_COMMIT_BRANCH =~ /^staging/" }), lint, testJob("latest")]);
  const after = pipeline(ctx, [containerJob("staging-8-0", { index: 15, line: 123, if: "$CI_COMMIT_BRANCH =~ /^staging-/" }), lint, testJob("staging-8-0"), docs]);
  return { context: ctx, before, after, ...compareJobs(before, after), images: [] };
}

const changeAnalysis = (contexts: ContextAnalysis[] = [staging80()]): Analysis => analysis({ contexts });
const reply = (jobName: string, targets = ["staging-8.0"]) => renderExplainReply([changeAnalysis()], { targets, job: jobName, variables: {} }, "2222222222abcdef", gitlab);

describe("/ci-explain <branch> job NAME says what the change does to the job", () => {
  it.each([
    ["the new image tag it pushes", "amd64-container", "builds and pushes: `push registry.example/acme/app/amd64:latest from docker/amd64.docker` → `push registry.example/acme/app/amd64:staging-8-0 from docker/amd64.docker`"],
    ["the deciding rule on each side, with file:line", "amd64-container", "decided by: rule 15 at `.gitlab-ci.d/base.yml:120` `if: $CI_COMMIT_BRANCH =~ /^staging/` → rule 16 at `.gitlab-ci.d/base.yml:123` `if: $CI_COMMIT_BRANCH =~ /^staging-/`"],
    ["the image it runs in, old tag → new tag", "test", "image: `registry.example/acme/app/amd64:latest` → `registry.example/acme/app/amd64:staging-8-0`"],
    ["that a job the change does not touch is unchanged", "lint", "**This change (base → head):** unchanged by this change."],
    ["that a job is new", "docs", "**This change (base → head):** added by this change"],
  ])("%s", (_what, jobName, shown) => {
    expect(reply(jobName)).toContain(shown);
  });

  it("lists only the fields that differ", () => {
    const md = reply("test");
    const block = md.slice(md.indexOf("**This change"), md.indexOf("- stage:"));
    expect(block).toBe("**This change (base → head):**  \nimage: `registry.example/acme/app/amd64:latest` → `registry.example/acme/app/amd64:staging-8-0`\n\n");
  });

  it("puts the change first in the job's section, then the head side's full explanation", () => {
    const md = reply("amd64-container");
    const heading = md.indexOf("#### `amd64-container` — defined at `.gitlab-ci.d/containers.yml:10`");
    const change = md.indexOf("This change (base → head)");
    const headFacts = md.indexOf("pushes: `registry.example/acme/app/amd64:staging-8-0` from `docker/amd64.docker`");
    expect(heading).toBeGreaterThan(-1);
    expect(change).toBeGreaterThan(heading);
    expect(headFacts).toBeGreaterThan(change);
    expect(tablesIntact(md)).toBe(true);
  });

  it("says a job that only the base runs is removed", () => {
    const ctx = context("staging-8.0");
    const before = pipeline(ctx, [lint, docs]);
    const after = pipeline(ctx, [lint]);
    const ca: ContextAnalysis = { context: ctx, before, after, ...compareJobs(before, after), images: [] };
    const md = renderExplainReply([changeAnalysis([ca])], { targets: [], job: "docs", variables: {} }, "2222222222", gitlab);
    expect(md).toContain("removed by this change — the job is not in the head pipeline. In the base it ran, decided by rule 1 at `.gitlab-ci.yml:22`");
  });
});

describe("the reply's heading", () => {
  it.each([
    ["one job", "lint"],
    ["a job that does not exist", "nope"],
  ])("names the command and the context once, for %s", (_what, jobName) => {
    const md = reply(jobName);
    expect(md.split("\n")[0]).toBe(`**/ci-explain** at \`22222222\` for \`staging-8.0\`, job \`${jobName}\``);
    expect(md).not.toContain("ci-explain: ");
    expect(md.match(/\/ci-explain/g)).toHaveLength(1);
    expect(md.match(/^#{1,3} /gm)).toBeNull();
  });

  it("names the context it explains when none was asked for", () => {
    const md = renderExplainReply([changeAnalysis()], { targets: [], job: "lint", variables: {} }, "2222222222", gitlab);
    expect(md.split("\n")[0]).toBe("**/ci-explain** at `22222222` for `staging-8.0`, job `lint`");
  });

  it("heads each section with its context's name alone when several are explained", () => {
    const other = { ...staging80(), context: context("staging-7.2") };
    const md = renderExplainReply([changeAnalysis([staging80(), other])], { targets: [], job: "lint", variables: {} }, "2222222222", gitlab);
    expect(md.match(/^### .*$/gm)).toEqual(["### `staging-8.0`", "### `staging-7.2`"]);
    expect(md.match(/\/ci-explain/g)).toHaveLength(1);
  });
});
