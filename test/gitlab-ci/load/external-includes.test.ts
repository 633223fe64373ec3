import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemorySource } from "../../../src/core/memory-source.js";
import { loadConfig } from "../../../src/gitlab-ci/load/load-config.js";
import { IncludeResolver, highestRelease } from "../../../src/gitlab-ci/load/include-resolver.js";
import type { LoadResult } from "../../../src/gitlab-ci/model.js";
import { LruBlobCache } from "../../../src/platforms/blob-cache.js";
import { createGitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import { GitLabIncludeSource } from "../../../src/platforms/gitlab/gitlab-include-source.js";
import { FakeGitLab, stopNock } from "../../platforms/gitlab/fake-gitlab.js";
import { addIncludedProjects, COMPONENT_COMMITS, COMPONENTS_PROJECT, TEMPLATES_NEW, TEMPLATES_OLD, TEMPLATES_PROJECT } from "../../platforms/gitlab/include-fixtures.js";

const URL = "https://gitlab.example.com";
const NO_RETRY = { retries: 0, baseMs: 0, maxWaitMs: 0, timeoutMs: 30_000 };

let fake: FakeGitLab;
let cache: LruBlobCache;

beforeEach(() => {
  fake = new FakeGitLab();
  addIncludedProjects(fake);
  fake.serveWithNock(URL);
  cache = new LruBlobCache();
});
afterEach(() => stopNock());

/** The include source as the bot builds it; `uncached`: without the long-lived text cache. */
function source({ uncached = false } = {}) {
  return new GitLabIncludeSource({ api: createGitLabApi({ url: URL, token: "t", retry: NO_RETRY }), serverUrl: URL, project: 1, ...(uncached ? {} : { cache }), remoteHosts: [] });
}

async function load(root: string, files: Record<string, string> = {}, options: { uncached?: boolean } = {}): Promise<LoadResult> {
  return loadConfig(new MemorySource({ ".gitlab-ci.yml": root, ...files }), {
    project: "nm/networkmanager",
    includes: new IncludeResolver(source(options)),
    includeVariables: { CI_SERVER_FQDN: "gitlab.example.com" },
  });
}

const errors = (r: LoadResult) => r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
const job = (r: LoadResult, name: string) => r.config.jobs.find((j) => j.name === name);

const PINNED = `include:
  - project: 'freedesktop/ci-templates'
    ref: ${TEMPLATES_OLD}
    file: '/templates/fedora.yml'
build-fedora:
  extends: .fdo.container-build@fedora
  variables:
    FDO_DISTRIBUTION_VERSION: '40'
    FDO_DISTRIBUTION_TAG: 'tag-abc'
`;

describe("include: project", () => {
  it("reads the file at the pinned commit, with its nested local include from the same project and commit", async () => {
    const r = await load(PINNED);
    expect(errors(r)).toEqual([]);
    const build = job(r, "build-fedora")!;
    // From templates/common.yml (a `local:` include inside the project's file) and fedora.yml.
    expect(build.stage.value).toBe("build");
    expect(build.tags.map((t) => t.value)).toEqual(["kvm"]);
    expect(build.image?.name.value).toBe("quay.io/freedesktop.org/ci-templates:container-build-base-2023-06-27.0");
    expect(build.script[1].pos.file).toBe(`freedesktop/ci-templates@${TEMPLATES_OLD.slice(0, 12)}:templates/fedora.yml`);
    expect(r.config.includes[0]).toMatchObject({ status: "loaded", external: { target: TEMPLATES_PROJECT, ref: TEMPLATES_OLD, commit: TEMPLATES_OLD } });
    // A commit SHA needs no ref lookup: the file, then the file it includes, each one GraphQL query.
    expect(fake.calls().filter((c) => c.includes("ci-templates"))).toEqual([]);
    expect(fake.graphqlAsks()).toEqual([{ [TEMPLATES_OLD]: ["templates/fedora.yml"] }, { [TEMPLATES_OLD]: ["templates/common.yml"] }]);
  });

  it("asks for the files base and head need at once in one query, as for the project's own files (a bumped pin)", async () => {
    const shared = source();
    const both = [TEMPLATES_OLD, TEMPLATES_NEW].map((ref) =>
      loadConfig(new MemorySource({ ".gitlab-ci.yml": PINNED.replace(TEMPLATES_OLD, ref) }), { project: "nm/networkmanager", includes: new IncludeResolver(shared), includeVariables: {} }),
    );
    const [base, head] = await Promise.all(both);
    expect(errors(base)).toEqual([]);
    expect(job(base, "build-fedora")?.image?.name.value).toBe("quay.io/freedesktop.org/ci-templates:container-build-base-2023-06-27.0");
    expect(job(head, "build-fedora")?.image?.name.value).toBe("quay.io/freedesktop.org/ci-templates:container-build-base-2024-01-09.0");
    expect(fake.graphqlAsks()).toEqual([
      { [TEMPLATES_OLD]: ["templates/fedora.yml"], [TEMPLATES_NEW]: ["templates/fedora.yml"] },
      { [TEMPLATES_OLD]: ["templates/common.yml"], [TEMPLATES_NEW]: ["templates/common.yml"] },
    ]);
  });

  it("resolves a branch, and no ref at all to the default branch, to the commit it names", async () => {
    const r = await load(`include:
  - project: freedesktop/ci-templates
    ref: master
    file: /templates/ci-fairy.yml
  - project: freedesktop/ci-templates
    file: [/templates/fedora.yml]
`);
    expect(errors(r)).toEqual([]);
    expect(r.config.includes.filter((i) => i.pos.file === ".gitlab-ci.yml").map((i) => i.external)).toEqual([
      { target: TEMPLATES_PROJECT, ref: "master", commit: TEMPLATES_NEW },
      { target: TEMPLATES_PROJECT, commit: TEMPLATES_NEW },
    ]);
  });

  it.each([
    ["a ref the project does not have", "ref: v9\n    file: /templates/fedora.yml", "Project `freedesktop/ci-templates` reference `v9` does not exist!"],
    ["a file the project does not have", `ref: ${TEMPLATES_OLD}\n    file: /templates/nope.yml`, "Project `freedesktop/ci-templates` file `templates/nope.yml` does not exist!"],
  ])("fails as GitLab does for %s", async (_what, spec, message) => {
    const r = await load(`include:\n  - project: freedesktop/ci-templates\n    ${spec}\n`);
    expect(errors(r)).toEqual([message]);
  });

  it("leaves a project the token cannot see unread, saying why, instead of failing", async () => {
    const r = await load("include:\n  - project: secret/templates\n    file: /a.yml\njob:\n  script: x\n");
    expect(errors(r)).toEqual([]);
    expect(r.config.includes[0]).toMatchObject({ status: "not-analysed", unread: expect.stringContaining("not found on gitlab.example.com, or the token cannot read it") });
  });

  it("a second analysis of the same commits asks the API nothing (what each path holds at a commit, and texts by blob id, cached)", async () => {
    await load(PINNED);
    const before = fake.requests.length;
    const again = await load(PINNED);
    expect(errors(again)).toEqual([]);
    expect(fake.requests.length).toBe(before);
  });

  it("the configuration read from the warm cache is the one read without any cache, byte for byte", async () => {
    await load(PINNED);
    const before = fake.requests.length;
    const cached = await load(PINNED);
    expect(fake.requests.length).toBe(before);
    const uncached = await load(PINNED, {}, { uncached: true });
    expect(fake.requests.length).toBeGreaterThan(before);
    expect(JSON.stringify(cached)).toBe(JSON.stringify(uncached));
  });

  it("reports a cycle through another project's files", async () => {
    fake.projects.get(TEMPLATES_PROJECT)!.commits[TEMPLATES_OLD]["templates/loop.yml"] = "include:\n  - local: /templates/loop2.yml\n";
    fake.projects.get(TEMPLATES_PROJECT)!.commits[TEMPLATES_OLD]["templates/loop2.yml"] = "include:\n  - local: /templates/loop.yml\n";
    const r = await load(`include:\n  - project: freedesktop/ci-templates\n    ref: ${TEMPLATES_OLD}\n    file: /templates/loop.yml\n`);
    expect(errors(r)).toEqual([
      `include cycle: freedesktop/ci-templates@${TEMPLATES_OLD.slice(0, 12)}:templates/loop.yml → freedesktop/ci-templates@${TEMPLATES_OLD.slice(0, 12)}:templates/loop2.yml → freedesktop/ci-templates@${TEMPLATES_OLD.slice(0, 12)}:templates/loop.yml`,
    ]);
  });

  it("stops at GitLab's 150 included files, counting another project's files too", async () => {
    const files = Array.from({ length: 151 }, (_, i) => `/templates/f${i}.yml`);
    const commit = fake.projects.get(TEMPLATES_PROJECT)!.commits[TEMPLATES_OLD];
    files.forEach((f, i) => (commit[f.slice(1)] = `.f${i}:\n  script: x\n`));
    const r = await load(`include:\n  - project: freedesktop/ci-templates\n    ref: ${TEMPLATES_OLD}\n    file:\n${files.map((f) => `      - ${f}`).join("\n")}\n`);
    expect(errors(r)).toEqual(["more than 150 includes (duplicates count); stopped here"]);
    expect(r.config.includes[0].files).toHaveLength(150);
  });
});

describe("include: component", () => {
  const component = (version: string, inputs = "      image-tag: v1\n") =>
    `include:\n  - component: $CI_SERVER_FQDN/${COMPONENTS_PROJECT}/container-image@${version}\n    inputs:\n${inputs}`;

  it.each([
    ["an exact tag", "1.0.0", COMPONENT_COMMITS["1.0.0"], undefined],
    ["a commit SHA", COMPONENT_COMMITS["1.1.0"], COMPONENT_COMMITS["1.1.0"], undefined],
    ["a branch", "main", COMPONENT_COMMITS.main, undefined],
    ["~latest: the highest release, not a pre-release", "~latest", COMPONENT_COMMITS["2.0.0"], "2.0.0"],
    ["a major version: its highest release", "1", COMPONENT_COMMITS["1.1.0"], "1.1.0"],
    ["a major.minor version: its highest patch", "1.0", COMPONENT_COMMITS["1.0.0"], "1.0.0"],
  ])("resolves %s as GitLab does", async (_what, version, commit, resolved) => {
    const r = await load(component(version));
    expect(errors(r)).toEqual([]);
    expect(r.config.includes[0].external).toEqual({ target: COMPONENTS_PROJECT, ref: version, commit, ...(resolved ? { version: resolved } : {}) });
  });

  it("reads templates/<name>.yml, and templates/<name>/template.yml when that is how the version lays it out", async () => {
    const v1 = await load(component("1.1.0"));
    expect(job(v1, "container-image")?.pos.file).toBe(`${COMPONENTS_PROJECT}@${COMPONENT_COMMITS["1.1.0"].slice(0, 12)}:templates/container-image.yml`);
    const v2 = await load(component("2.0.0"));
    expect(job(v2, "container-image-v2")?.pos.file).toBe(`${COMPONENTS_PROJECT}@${COMPONENT_COMMITS["2.0.0"].slice(0, 12)}:templates/container-image/template.yml`);
  });

  it("interpolates the inputs, with the defaults of those not given", async () => {
    const r = await load(component("1.1.0", "      image-tag: v1\n      stage: deploy\n"), {});
    const j = job(r, "container-image")!;
    expect(j.stage.value).toBe("deploy");
    expect(j.script[0].text).toBe('docker build -t "$CI_REGISTRY_IMAGE/fedora:v1" .');
  });

  it.each([
    ["a required input missing", "      stage: build\n", "`image-tag` input: required value has not been provided"],
    ["a value outside the options", "      image-tag: v1\n      distro: arch\n", "`distro` input: `arch` cannot be used because it is not in the list of allowed options"],
    ["a value the regex refuses", "      image-tag: V_1\n", "`image-tag` input: provided value does not match required RegEx pattern"],
    ["a value of the wrong type", "      image-tag: [a]\n", "`image-tag` input: provided value is not a string"],
    ["an input the component does not declare", "      image-tag: v1\n      colour: red\n", "unknown input arguments: colour"],
  ])("words %s as GitLab does", async (_what, inputs, message) => {
    const r = await load(component("1.1.0", inputs));
    expect(errors(r).map((e) => e.replace(/^[^:]+:[^:]+: /, ""))).toEqual([message]);
  });

  it("fails as GitLab does for a version that does not exist", async () => {
    const r = await load(component("9.9.9"));
    expect(errors(r)).toEqual([`component 'gitlab.example.com/${COMPONENTS_PROJECT}/container-image@9.9.9' - content not found`]);
  });

  // GitLab lists releases newest first; ci-explain reads the newest 100. A partial version with no
  // match there may be an older release: unread, not GitLab's "content not found".
  it("a partial version with no match among the newest 100 releases is unread, not missing", async () => {
    fake.projects.get(COMPONENTS_PROJECT)!.releases = Array.from({ length: 100 }, (_, i) => `5.0.${99 - i}`);
    const r = await load(component("1"));
    expect(errors(r)).toEqual([]);
    expect(r.config.includes[0]).toMatchObject({ status: "not-analysed", unread: expect.stringContaining("no release matching 1 among the 100 newest") });
  });

  it("a partial version with no match among all the releases fails as GitLab does", async () => {
    const r = await load(component("3"));
    expect(errors(r)).toEqual([`component 'gitlab.example.com/${COMPONENTS_PROJECT}/container-image@3' - content not found`]);
  });

  it("leaves a component on another instance unread", async () => {
    const r = await load(`include:\n  - component: gitlab.com/${COMPONENTS_PROJECT}/container-image@1.0.0\n`);
    expect(errors(r)).toEqual([]);
    expect(r.config.includes[0]).toMatchObject({ status: "not-analysed", unread: "component gitlab.com/gnome/ci-components/container-image@1.0.0 is on gitlab.com; includes are read from gitlab.example.com" });
  });
});

describe("include: template", () => {
  it("reads an instance template through the templates API", async () => {
    fake.templates.set("Workflows/MergeRequest-Pipelines", "workflow:\n  rules:\n    - if: $CI_MERGE_REQUEST_IID\n");
    const r = await load("include:\n  - template: Workflows/MergeRequest-Pipelines.gitlab-ci.yml\njob:\n  script: x\n");
    expect(errors(r)).toEqual([]);
    expect(r.config.workflow?.rules?.[0].if?.value).toBe("$CI_MERGE_REQUEST_IID");
    expect(r.config.workflow?.pos.file).toBe("template:Workflows/MergeRequest-Pipelines.gitlab-ci.yml");
  });

  it("fails as GitLab does for a template that does not exist", async () => {
    const r = await load("include:\n  - template: Nope.gitlab-ci.yml\n");
    expect(errors(r)).toEqual(["Included file `Nope.gitlab-ci.yml` is empty or does not exist!"]);
  });
});

describe("component versions", () => {
  const releases = ["1.0.0", "1.10.0", "1.9.3", "2.0.0-rc1", "v3.0.0", "1.2"].map((tag) => ({ tag }));
  it.each([
    ["~latest", "1.10.0"],
    ["1", "1.10.0"],
    ["1.9", "1.9.3"],
    ["2", undefined],
  ])("%s picks %s (semantic order, no pre-release, catalog-style tags only)", (wanted, tag) => {
    expect(highestRelease(releases, wanted)?.tag).toBe(tag);
  });
});
