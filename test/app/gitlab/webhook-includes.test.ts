import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultGitLabAppDeps } from "../../../src/app/gitlab-webhook.js";
import { createGitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import { FakeGitLab, stopNock } from "../../platforms/gitlab/fake-gitlab.js";
import { addIncludedProjects, COMPONENT_COMMITS, COMPONENTS_PROJECT, TEMPLATES_NEW, TEMPLATES_OLD, TEMPLATES_PROJECT } from "../../platforms/gitlab/include-fixtures.js";
import { GITLAB, mrHook, SECRET, startReceiver } from "./harness.js";

/**
 * The bot's webhook flow reads other projects' includes through its own API client (the fake
 * GitLab on nock), and says in its note which version it read and what a bump does.
 */

const CI = (componentVersion: string) => `include:
  - project: 'freedesktop/ci-templates'
    ref: ${TEMPLATES_OLD}
    file: '/templates/fedora.yml'
  - project: 'freedesktop/ci-templates'
    file: '/templates/ci-fairy.yml'
  - component: $CI_SERVER_FQDN/gnome/ci-components/container-image@${componentVersion}
    inputs:
      image-tag: v1

fedora:40@container-prep:
  extends: .fdo.container-build@fedora
  variables:
    FDO_DISTRIBUTION_VERSION: '40'
    FDO_DISTRIBUTION_TAG: 'tag-abc'
`;

/** Requests to the two included projects (the analysed project is id 1). */
const includeCalls = (fake: FakeGitLab) => fake.calls().filter((c) => /ci-templates|ci-components/.test(c));

describe("the GitLab bot reads external includes with its token", () => {
  let fake: FakeGitLab;
  beforeEach(() => {
    fake = new FakeGitLab();
    addIncludedProjects(fake);
    fake.addCommit("mergebase1", { ".gitlab-ci.yml": CI("1.1.0"), Dockerfile: "FROM fedora\n" });
    fake.addCommit("head1", { ".gitlab-ci.yml": CI("2.0.0"), Dockerfile: "FROM fedora\n" });
    fake.versions = [{ base: "mergebase1", head: "head1" }];
    fake.diffPaths = [".gitlab-ci.yml"];
    fake.pipelines = [{ id: 42, sha: "head1" }];
    fake.serveWithNock(GITLAB);
  });
  afterEach(stopNock);

  it("reports the component bump and its effect, at 9 requests for the include set", async () => {
    const api = createGitLabApi({ url: GITLAB, token: "t", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 30_000 } });
    const receiver = await startReceiver(defaultGitLabAppDeps({ api, secret: SECRET, log: pino({ level: "silent" }) }));
    await receiver.send("Merge Request Hook", mrHook());
    await receiver.close();
    const note = fake.notes[0]?.body ?? "";
    expect(note).toContain("`gnome/ci-components/container-image` (component) **changed:** `1.1.0 (110000000000)` → `2.0.0 (200000000000)`");
    expect(note).toContain(`\`freedesktop/ci-templates: /templates/fedora.yml\` (project) at \`${TEMPLATES_OLD.slice(0, 12)}\``);
    expect(note).toContain("`freedesktop/ci-templates: /templates/ci-fairy.yml` (project) at `default branch (8d1a2f0e5c3b)`");
    // A position in another project's file is not linked into this repository.
    expect(note).toContain(`\`freedesktop/ci-templates@${TEMPLATES_OLD.slice(0, 12)}:templates/fedora.yml:10\``);
    expect(note).not.toContain("/-/blob/head1/freedesktop");
    // The bump's effect: the component's job is gone from the default branch.
    expect(note).toContain("`container-image` no longer runs on main");
    expect(note).toMatch(/- \*\*`container-image`\*\* {2}\n {2}removed/);
    // Counted by hand. Refs: ci-fairy.yml without a ref: the default branch, its commit (2); the
    // component's tags 1.1.0 and 2.0.0 (2). Files, by GraphQL as the project's own are: the pinned
    // commit's fedora.yml, then its nested common.yml, then ci-fairy.yml (3 queries); the
    // component's templates/container-image.yml at both versions in one query, then at 2.0.0, where
    // it is missing, templates/container-image/template.yml (2). Base and head, and every context,
    // share each answer: 9 requests.
    expect(includeCalls(fake)).toEqual([
      "GET /api/v4/projects/freedesktop%2Fci-templates",
      "GET /api/v4/projects/freedesktop%2Fci-templates/repository/commits/master",
      "GET /api/v4/projects/gnome%2Fci-components/repository/commits/1.1.0",
      "GET /api/v4/projects/gnome%2Fci-components/repository/commits/2.0.0",
    ]);
    expect(fake.graphqlAsks(TEMPLATES_PROJECT)).toEqual([{ [TEMPLATES_OLD]: ["templates/fedora.yml"] }, { [TEMPLATES_OLD]: ["templates/common.yml"] }, { [TEMPLATES_NEW]: ["templates/ci-fairy.yml"] }]);
    expect(fake.graphqlAsks(COMPONENTS_PROJECT)).toEqual([
      { [COMPONENT_COMMITS["1.1.0"]]: ["templates/container-image.yml"], [COMPONENT_COMMITS["2.0.0"]]: ["templates/container-image.yml"] },
      { [COMPONENT_COMMITS["2.0.0"]]: ["templates/container-image/template.yml"] },
    ]);
  });

  it("a later push reads no file of a commit it has read before", async () => {
    const api = createGitLabApi({ url: GITLAB, token: "t", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 30_000 } });
    const receiver = await startReceiver(defaultGitLabAppDeps({ api, secret: SECRET, log: pino({ level: "silent" }) }));
    await receiver.send("Merge Request Hook", mrHook());
    const first = includeCalls(fake).length;
    const [firstTemplates, firstComponents] = [fake.graphqlAsks(TEMPLATES_PROJECT).length, fake.graphqlAsks(COMPONENTS_PROJECT).length];
    fake.addCommit("head2", { ".gitlab-ci.yml": CI("2.0.0"), Dockerfile: "FROM fedora\n", "README.md": "x" });
    fake.versions = [{ base: "mergebase1", head: "head2" }, ...fake.versions];
    await receiver.send("Merge Request Hook", mrHook({ headSha: "head2", oldrev: "head1" }));
    await receiver.close();
    const second = includeCalls(fake).slice(first);
    // Refs are asked again (a branch or tag may have moved); files at a known commit are not.
    expect(fake.graphqlAsks(TEMPLATES_PROJECT).slice(firstTemplates)).toEqual([]);
    expect(fake.graphqlAsks(COMPONENTS_PROJECT).slice(firstComponents)).toEqual([]);
    expect(second.filter((c) => c.includes("/repository/commits/")).length).toBeGreaterThan(0);
  });
});
