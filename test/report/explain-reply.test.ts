import { describe, expect, it } from "vitest";
import { compareJobs } from "../../src/analysis/compare.js";
import type { AnalysedJob, Analysis, ContextAnalysis } from "../../src/analysis/model.js";
import { renderExplainReply } from "../../src/platforms/change-report.js";
import type { ReportOptions } from "../../src/report/options.js";
import { analysis, build, context, image, job, pipeline, pos, ruleDecision } from "./build.js";
import { tablesIntact } from "./markdown-check.js";
import { largeAnalysis } from "./large.js";
import { COMMENT_BUDGET } from "../../src/report/options.js";
import { REPLY_MARKER } from "../../src/report/marker.js";
import { applyCommand } from "../../src/commands/apply-command.js";
import { parseCommand } from "../../src/commands/parse-command.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { error } from "../../src/core/diagnostic.js";

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

describe("a reply too long for one comment chooses less detail, never cuts, and points only to what exists", () => {
  const big = (jobs: number, contexts: number) => largeAnalysis(jobs, contexts);
  /** Contexts whose least detailed explanations together are still past the comment budget. */
  const MANY = 80;

  it("steps every context down together until the reply fits, whole tables and all", () => {
    const md = renderExplainReply([big(3000, 3)], { targets: [], variables: {} }, "2222222222", gitlab);
    expect(md.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(tablesIntact(md)).toBe(true);
    // Less detail, counted: the job tables name their first rows and count the rest.
    expect(md.match(/^and \d+ more jobs$/gm)?.length).toBe(3);
    expect(md.match(/^### /gm)).toHaveLength(3);
    expect(md).not.toContain("cut to fit");
    expect(md).toContain(REPLY_MARKER);
  });

  it("lists the contexts, each with the command that explains it alone, when even the least detail of all is too long", () => {
    const analysis = big(200, MANY);
    const md = renderExplainReply([analysis], { targets: [], variables: { QEMU_CI: "1" } }, "2222222222", gitlab);
    expect(md.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(md).toContain(`The explanation of ${MANY} contexts is too long for one comment. Ask about one at a time:`);
    const asks = [...md.matchAll(/`(\/ci-explain [^`]+)`/g)].map((m) => m[1]);
    expect(asks).toHaveLength(MANY);
    // Each pointer is a command the bot answers with that one context: parsed and applied as the bot does.
    for (const [i, ask] of asks.entries()) {
      const parsed = parseCommand(ask);
      if (parsed.kind !== "command") throw new Error(`${ask} does not parse: ${parsed.kind}`);
      expect(parsed.command).toEqual({ targets: [`release-${i}.x`], variables: { QEMU_CI: "1" } });
      const settings = applyCommand(defaultSettings(), parsed.command);
      expect(settings.contexts).toEqual([{ name: `release-${i}.x`, branch: `release-${i}.x`, source: "push", variables: {} }]);
    }
  });

  it("gives no command for a context that cannot be asked for alone (an MR pipeline)", () => {
    const mrContext = context("MR feature → main", { kind: "mr-pipeline" }, { kind: "mr", source: "feature", target: "main" });
    const analysis = big(200, MANY);
    analysis.contexts[0] = { ...analysis.contexts[0], context: { ...mrContext, source: "merge_request_event" } };
    const md = renderExplainReply([analysis], { targets: [], variables: {} }, "2222222222", gitlab);
    const lines = md.split("\n").filter((l) => l.startsWith("- "));
    expect(lines).toHaveLength(MANY);
    expect(lines[0]).toMatch(/^- `MR feature → main` — \d+ jobs$/);
    expect(lines[1]).toMatch(/^- `release-1\.x` — \d+ jobs: `\/ci-explain release-1\.x`$/);
    // The job asked about goes with each command, quoted as the grammar reads it.
    const withJob = renderExplainReply([analysis], { targets: [], job: "build job", variables: {} }, "2222222222", { ...gitlab, maxChars: 3000 });
    expect(withJob).toContain('`/ci-explain release-1.x job "build job"`');
  });

  it("says why when no context could be analysed, instead of pointing elsewhere", () => {
    const broken = analysis({ contexts: [], head: { sha: "h", label: "head", ciFiles: [".gitlab-ci.yml"], diagnostics: [error("yaml-syntax", "bad indentation", pos(".gitlab-ci.yml", 3))] } });
    const md = renderExplainReply([broken], { targets: ["main"], variables: {} }, "2222222222", gitlab);
    expect(md).toContain("No pipeline context could be analysed: the head configuration does not load.");
    expect(md).toContain("`.gitlab-ci.yml:3`: bad indentation");
    expect(md).not.toMatch(/check|commit status|summary comment/);
  });
});
