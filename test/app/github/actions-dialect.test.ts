import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultGitHubAppDeps } from "../../../src/app/github-app.js";
import { FakeGitHub } from "../../platforms/github/fake-github.js";
import { serveWithNock, stopNock } from "../../platforms/github/nock-github.js";
import { MARKER, pullRequestPayload, startApp } from "./harness.js";
import { headlineLines } from "../../report/rendered.js";

/**
 * The real engine and report on pull requests that change GitHub Actions workflows: the
 * same sticky comment and check as for `.gitlab-ci.yml`, and both dialects in one report
 * when the repository has both.
 */

const WF = ".github/workflows/images.yml";
const workflow = (tag: string) => `name: Images
on:
  push:
    branches: [master, 'release/**']
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          push: true
          tags: ghcr.io/acme/demo:${tag}
`;
const GITLAB = ".gitlab-ci.yml";
const gitlab = (when: string) => `test:\n  script: make test\n  when: ${when}\n`;

describe("a pull request that changes GitHub Actions workflows", () => {
  let fake: FakeGitHub;
  beforeEach(() => {
    fake = new FakeGitHub();
    fake.branches = ["master", "release/1.x", "feature"];
  });
  afterEach(stopNock);

  const open = async (base: Record<string, string>, head: Record<string, string>, files: string[]) => {
    fake.addCommit("base1", base).addCommit("head1", head);
    fake.addPull({ number: 7, head: { sha: "head1", ref: "feature" }, base: { sha: "base1", ref: "master" }, files });
    serveWithNock(fake);
    const app = await startApp(defaultGitHubAppDeps());
    await app.receive("pull_request", pullRequestPayload());
  };

  it("without a .gitlab-ci.yml, gets a comment and a failing check for a tag pushed from two branches", async () => {
    await open({ [WF]: workflow("${{ github.ref_name }}") }, { [WF]: workflow("latest") }, [WF]);
    expect(fake.comments).toHaveLength(1);
    const body = fake.comments[0].body;
    expect(body).toContain(MARKER);
    expect(headlineLines(body)[0]).toBe("ci-explain: ⛔ master and release/1.x now push the same image demo:latest");
    expect(headlineLines(body)[1]).toMatch(/changes CI on 2 of \d+ branch contexts/);
    expect(body).toContain("ghcr.io/acme/demo:latest");
    expect(body).not.toContain("## GitLab CI");
    const check = fake.checkRuns[0];
    expect(check).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(check.output?.title).toContain("now push the same image");
  });

  it("with both dialects changed, gets one comment with a section each and the worst conclusion", async () => {
    await open(
      { [WF]: workflow("${{ github.ref_name }}"), [GITLAB]: gitlab("on_success") },
      { [WF]: workflow("latest"), [GITLAB]: gitlab("manual") },
      [GITLAB, WF],
    );
    expect(fake.comments).toHaveLength(1);
    const body = fake.comments[0].body;
    expect(headlineLines(body)[1]).toMatch(/^GitLab CI: changes \d+ of .* · GitHub Actions: changes 2 of /);
    const gitlabAt = body.indexOf("## GitLab CI (.gitlab-ci.yml)");
    const actionsAt = body.indexOf("## GitHub Actions (.github/workflows)");
    expect(gitlabAt).toBeGreaterThan(0);
    expect(actionsAt).toBeGreaterThan(gitlabAt);
    expect(body.slice(gitlabAt, actionsAt)).toContain("to be started by hand");
    expect(body.slice(actionsAt)).toContain("now push the same image");
    expect(body.split(MARKER)).toHaveLength(2);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0].conclusion).toBe("failure");
  });

  it("with both dialects but only a workflow changed, reports GitHub Actions alone", async () => {
    await open({ [WF]: workflow("${{ github.ref_name }}"), [GITLAB]: gitlab("on_success") }, { [WF]: workflow("latest"), [GITLAB]: gitlab("on_success") }, [WF]);
    const body = fake.comments[0].body;
    expect(body).toContain("now push the same image");
    expect(body).not.toContain("## GitLab CI");
  });
});
