import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultGitHubAppDeps } from "../../../src/app/github-app.js";
import type { CheckAnnotation } from "../../../src/report/annotations.js";
import { FakeGitHub } from "../../platforms/github/fake-github.js";
import { serveWithNock, stopNock } from "../../platforms/github/nock-github.js";
import { readTree } from "../read-tree.js";
import { pullRequestPayload, startApp } from "./harness.js";
import { headlineLines } from "../../report/rendered.js";

/**
 * What a maintainer reads on the Checks tab for a QEMU-shaped PR (real engine and report):
 * the PR makes the container tag per-branch on staging-X.Y branches, while the base already
 * pushes the same `latest` tags from several branches.
 */

const FIXTURE = fileURLToPath(new URL("../../fixtures/github/qemu-like/", import.meta.url));
const base = readTree(join(FIXTURE, "base"));
const head = readTree(join(FIXTURE, "head"));

describe("the check run of a QEMU-like PR", () => {
  let fake: FakeGitHub;
  beforeEach(() => {
    fake = new FakeGitHub();
    fake.addCommit("base1", base).addCommit("head1", head);
    fake.branches = ["master", "staging", "staging-8.0", "staging-7.2", "feature"];
    fake.addPull({ number: 7, head: { sha: "head1", ref: "feature" }, base: { sha: "base1", ref: "master" }, files: Object.keys(head).filter((p) => head[p] !== base[p]) });
    serveWithNock(fake);
  });
  afterEach(stopNock);

  async function review(): Promise<{ title: string; conclusion?: string; annotations: CheckAnnotation[]; headline: string }> {
    const app = await startApp(defaultGitHubAppDeps());
    await app.receive("pull_request", pullRequestPayload());
    const run = fake.checkRuns[0];
    const headline = headlineLines(fake.comments[0].body)[0].replace(/^ci-explain: /, "");
    return { title: run.output?.title ?? "", conclusion: run.conclusion, annotations: run.annotations as CheckAnnotation[], headline };
  }

  it("titles the check with the comment's first line, cut only between whole phrases", async () => {
    const { title, headline } = await review();
    expect(title.length).toBeLessThanOrEqual(100);
    // Either the whole headline, or its leading phrases and a marked drop ("…, …" / "… · …").
    const kept = title.replace(/(, | · )…$/, "$1");
    expect(title === headline || (title.endsWith("…") && headline.startsWith(kept) && kept !== title)).toBe(true);
  });

  it("does not show a hazard the base already had as a failure on a check that does not fail", async () => {
    const { conclusion, annotations } = await review();
    expect(conclusion).not.toBe("failure");
    expect(annotations.filter((a) => a.annotation_level === "failure")).toEqual([]);
    const collision = annotations.find((a) => a.path === ".gitlab-ci.d/container-template.yml" && a.start_line === 11);
    expect(collision).toMatchObject({ annotation_level: "warning" });
    expect(collision?.message).toMatch(/^Still present: /);
  });

  it.each([
    ["the rule that now decides the staging-X.Y tag", ".gitlab-ci.d/base.yml", 15, "notice", "CI behaviour changes here"],
    ["the image line the jobs now run in", ".gitlab-ci.d/buildtest-template.yml", 13, "notice", "image changes here"],
    ["the image line of the job left on `latest` (image used but not built)", ".gitlab-ci.d/buildtest-template.yml", 4, "warning", "image used but not built"],
  ])("pins %s", async (_what, path, line, level, title) => {
    const { annotations } = await review();
    const at = annotations.find((a) => a.path === path && a.start_line === line);
    expect(at?.annotation_level).toBe(level);
    expect(at?.title.split("; ")).toContain(title);
  });

  it("names every kind of note merged on one line in the annotation's title", async () => {
    const { annotations } = await review();
    const push = annotations.find((a) => a.path === ".gitlab-ci.d/container-template.yml" && a.start_line === 11);
    expect(push?.title).toBe("image tag pushed by more than one branch; image push changes here");
    expect(push?.message).toContain("staging-8.0: amd64-fedora-container pushes registry.gitlab.com/demo-project/demo/demo/fedora:staging-8-0");
  });
});
