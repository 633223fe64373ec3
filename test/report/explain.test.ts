import { describe, expect, it } from "vitest";
import { renderExplainMarkdown, renderExplainText, type ExplainRequest } from "../../src/report/explain.js";
import { REPLY_MARKER } from "../../src/report/marker.js";
import { context, excluded, job, noRuleMatched, pipeline, pos, ruleDecision, variable } from "./build.js";
import { tablesIntact } from "./markdown-check.js";
import { headings, tableHeaders, tableRows, tableWidths, textOf, toHtml } from "./rendered.js";
import { qemuLikeAnalysis } from "./qemu-like.js";

const staging80 = qemuLikeAnalysis().contexts[2].after;
const branch: ExplainRequest = { pipeline: staging80, contextName: "staging-8.0" };
const oneJob: ExplainRequest = { ...branch, job: "amd64-debian11-container" };

describe("explaining one job", () => {
  const md = renderExplainMarkdown(oneJob, { platform: "gitlab" });
  const text = renderExplainText(oneJob);

  it.each([
    ["the final when and the rule it came from", "when: `on_success` — from rule 15 at `.gitlab-ci.d/base.yml:123`"],
    ["allow_failure", "allow_failure: `false`"],
    ["the image pushed, its recipe and the line", "pushes: `registry.gitlab.com/qemu-project/qemu/qemu/amd64-debian11:staging-8-0` from `tests/docker/dockerfiles/amd64-debian11.docker` at `.gitlab-ci.d/container-template.yml:16`"],
    ["a rule that did not match, with the values it read", "- ✘ false · rule 1 at `.gitlab-ci.d/base.yml:37`  \n  `if: $CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM && $CI_COMMIT_BRANCH =~ /^stable-/`  \n  read: `$CI_PROJECT_NAMESPACE` = `\"qemu-project\"`, `$QEMU_CI_UPSTREAM` = `\"qemu-project\"`, `$CI_COMMIT_BRANCH` = `\"staging-8.0\"`"],
    ["a variable that is not defined", "`$CI_COMMIT_TAG` = *not defined*"],
    ["the deciding rule", "- ✔ true · rule 15 at `.gitlab-ci.d/base.yml:123`"],
    ["where a variable's value came from", "- `$QEMU_CI_CONTAINER_TAG` = `staging-8-0` — rules:variables at `.gitlab-ci.d/base.yml:126`"],
    ["a job variable", "- `$NAME` = `amd64-debian11` — job variables at `.gitlab-ci.d/containers.yml:12`"],
  ])("markdown says %s", (_what, fact) => {
    expect(md).toContain(fact);
  });

  it("is a reply the bot recognises as its own, with whole tables no wider than four columns", () => {
    expect(md).toContain(REPLY_MARKER);
    expect(tablesIntact(md)).toBe(true);
    expect(Math.max(0, ...tableWidths(md))).toBeLessThanOrEqual(4);
  });

  it.each([
    ["the when and its rule", "when: on_success — from rule 15 at .gitlab-ci.d/base.yml:123"],
    ["a value's origin", "rules:variables at .gitlab-ci.d/base.yml:126"],
    ["a value not defined", "$CI_COMMIT_TAG = not defined"],
  ])("terminal text says %s", (_what, fact) => {
    expect(text).toContain(fact);
  });

  it("terminal text has no markdown", () => {
    expect(text).not.toMatch(/\*\*|`|<br>|\|\s---/);
  });

  it("explains a job that is not in the pipeline", () => {
    const md2 = renderExplainMarkdown({ ...branch, job: "pages" }, { platform: "gitlab" });
    expect(md2).toContain("`pages` — not in this pipeline");
    expect(md2).toContain("rule 4 at `.gitlab-ci.d/base.yml:49`");
    expect(md2).toContain("→ `when: never`");
  });

  it("names the jobs when asked about one that does not exist", () => {
    const md2 = renderExplainMarkdown({ ...branch, job: "nope" }, { platform: "gitlab" });
    expect(md2).toContain("No job `nope` is defined for this context. Jobs: `amd64-debian11-container`");
  });
});

describe("explaining a branch", () => {
  it("lists every job, how each group was decided, and the excluded jobs with why", () => {
    const md = renderExplainMarkdown(branch, { platform: "gitlab" });
    expect(md).toContain("A pipeline is created with 24 jobs in stages `containers`, `build`, `test`.");
    const rows = tableRows(md).flat();
    expect(rows).toContainEqual(["build-system-amd64-debian11", "on_success", "amd64-debian11:staging-8-0", "—"]);
    expect(textOf(toHtml(md))).toContain("pages at .gitlab-ci.d/buildtest.yml:640: rule 4 at .gitlab-ci.d/base.yml:49");
    expect(headings(md)).toContain("How the jobs were decided");
    expect(tablesIntact(md)).toBe(true);
  });

  it("folds each way the jobs were decided, its rules in order, and the excluded jobs, under one line each", () => {
    const md = renderExplainMarkdown(branch, { platform: "gitlab" });
    const html = toHtml(md);
    const shown = textOf(html.replace(/<details>[\s\S]*?<\/details>/g, (d) => d.slice(0, d.indexOf("</summary>"))));
    // What a reader sees before opening anything: the tables, and one line per way jobs were decided.
    expect(shown).toContain("amd64-debian11:staging-8-0");
    expect(shown).toMatch(/rule 15 at \.gitlab-ci\.d\/base\.yml:123 .*— \d+ jobs/);
    expect(shown).toMatch(/Not in this pipeline\s*\d+ jobs? defined but not run, and why/);
    // The rules in order and the excluded jobs are there once opened, not in the first view.
    expect(shown).not.toContain("✘ false");
    expect(textOf(html)).toContain("✘ false");
    expect(shown).not.toContain("pages at .gitlab-ci.d/buildtest.yml:640");
    // The closing line is italic as GitHub renders it, no stars left showing.
    expect(html).toContain("<em>Ask about one job for its variables and where each value came from:</em>");
  });

  it("shows the images each job pushes, by tag, in tables of four columns (one per stage)", () => {
    const md = renderExplainMarkdown(branch, { platform: "gitlab" });
    expect(textOf(toHtml(md))).toContain("Images in registry.gitlab.com/qemu-project/qemu/qemu/:");
    expect(tableHeaders(md).every((h) => h.join() === "job,when,image,pushes")).toBe(true);
    expect(tableRows(md).flat()).toContainEqual(["amd64-debian11-container", "on_success", "docker:latest", "amd64-debian11:staging-8-0"]);
  });

  it("shows an unknown image as unknown", () => {
    const md = renderExplainMarkdown(branch, { platform: "gitlab" });
    expect(tableRows(md).flat()).toContainEqual(["build-user-hexagon", "on_success", "debian-hexagon-cross:«$HEXAGON_TAG» (unknown part)", "—"]);
  });

  it("explains a pipeline that workflow:rules do not create", () => {
    const ctx = context("feature/x");
    const trace = [{ index: 0, pos: pos(".gitlab-ci.yml", 3), if: '$CI_COMMIT_BRANCH == "main"', result: false as const, reads: { CI_COMMIT_BRANCH: "feature/x" } }];
    const p = pipeline(ctx, [], {
      created: false,
      notCreated: { reason: "workflow-no-match", message: "no workflow rule matches", pos: pos(".gitlab-ci.yml", 2) },
      workflow: { ...noRuleMatched(trace), kind: "workflow" },
      excluded: [excluded("test", noRuleMatched([]), pos(".gitlab-ci.yml", 10))],
    });
    const text = renderExplainText({ pipeline: p, contextName: "feature/x" });
    expect(text).toContain("No pipeline is created. no workflow rule matches at .gitlab-ci.yml:2");
    expect(text).toContain("workflow: no workflow rule matched (1 rule checked, last at .gitlab-ci.yml:3)");
    expect(text).toContain('$CI_COMMIT_BRANCH = "feature/x"');
  });

  it("keeps a huge pipeline's reply within the comment budget, with whole tables", () => {
    const ctx = context("main");
    const jobs = Array.from({ length: 4000 }, (_, i) =>
      job(`job-${i}`, {
        decidedBy: ruleDecision(i % 30, pos(`ci/${i % 30}.yml`, i % 300), `$A == "${i % 30}"`, "on_success", [
          { index: i % 30, pos: pos(`ci/${i % 30}.yml`, i % 300), if: `$A == "${i % 30}"`, result: true, reads: { A: String(i % 30) } },
        ]),
        variables: { A: variable(String(i % 30), "job", pos("ci/vars.yml", 1)) },
      }),
    );
    const md = renderExplainMarkdown({ pipeline: pipeline(ctx, jobs), contextName: "main" }, { platform: "github" });
    expect(md.length).toBeLessThan(60_000);
    expect(tablesIntact(md)).toBe(true);
    expect(md).toMatch(/and \d+ more jobs/);
  });
});
