import { describe, expect, it } from "vitest";
import { computeMetadataTags, type MetadataEvent } from "../../src/github-actions/images/metadata-action.js";
import { OpaqueTable } from "../../src/github-actions/images/opaque-text.js";

/*
 * docker/metadata-action's documented behaviour. Expected values are the action's own: its
 * README tables (sections named in each case) and its test table __tests__/meta.test.ts (case
 * names such as `push17`), whose fixtures are a push to `dev` (event_push_dev.env, commit
 * 860c1904…) and to `master` (event_push_master.env, commit 26657411…) of a repository whose
 * default branch is `master` (fixtures/repo.json), with the clock at 2020-01-10T00:30:00Z.
 */
const DEV_SHA = "860c1904a1ce19322e91ac35af1ab07466440c37";
const MASTER_SHA = "266574110acf203503badf966df2ea24b5d732d7";
const NOW = "2020-01-10T00:30:00.000Z";
const push = (branch: string, sha: string): MetadataEvent => ({ eventName: "push", ref: `refs/heads/${branch}`, sha, defaultBranch: "master", now: NOW });
const tagPush = (tag: string): MetadataEvent => ({ eventName: "push", ref: `refs/tags/${tag}`, sha: DEV_SHA, defaultBranch: "master", now: NOW });

function run(tags: string, ev: MetadataEvent, o: { images?: string; flavor?: string; env?: Partial<MetadataEvent> } = {}) {
  const r = computeMetadataTags({ images: o.images ?? "user/app", tags, flavor: o.flavor ?? "" }, { ...ev, ...o.env }, new OpaqueTable());
  return { tags: r.tags.map((t) => t.ref.text), version: r.version?.text, errors: r.errors };
}

describe("meta.test.ts push cases", () => {
  it.each<[string, string, MetadataEvent, string, string[], string | undefined]>([
    ["push01: defaults on a branch", "", push("dev", DEV_SHA), "user/app", ["user/app:dev"], "dev"],
    ["push02: type=edge on the default branch", "type=edge", push("master", MASTER_SHA), "user/app", ["user/app:edge"], "edge"],
    ["push07: ref and short sha, two images", "type=ref,event=branch\ntype=sha", push("dev", DEV_SHA), "org/app\nghcr.io/user/app", ["org/app:dev", "org/app:sha-860c190", "ghcr.io/user/app:dev", "ghcr.io/user/app:sha-860c190"], "dev"],
    ["push09: edge,branch=dev", "type=edge,branch=dev\ntype=sha", push("dev", DEV_SHA), "org/app\nghcr.io/user/app", ["org/app:edge", "org/app:sha-860c190", "ghcr.io/user/app:edge", "ghcr.io/user/app:sha-860c190"], "edge"],
    ["push10: edge for another branch makes nothing", "type=edge,branch=dev\ntype=sha", push("master", MASTER_SHA), "org/app\nghcr.io/user/app", ["org/app:sha-2665741", "ghcr.io/user/app:sha-2665741"], "sha-2665741"],
    ["push13: priority=2000 puts ref first", "type=ref,priority=2000,event=branch\ntype=edge", push("master", MASTER_SHA), "user/app", ["user/app:master", "user/app:edge"], "master"],
    ["push14: semver and pep440 from value= on a branch", "type=semver,pattern={{version}},value=v1.2.3\ntype=pep440,pattern={{version}},value=v1.2.3\ntype=edge", push("master", MASTER_SHA), "user/app", ["user/app:1.2.3", "user/app:edge", "user/app:latest"], "1.2.3"],
    ["push15: match with value=", "type=match,pattern=v(.*),group=1,value=v1.2.3\ntype=edge", push("master", MASTER_SHA), "user/app", ["user/app:1.2.3", "user/app:edge", "user/app:latest"], "1.2.3"],
    ["push16: enable=false", "type=match,enable=false,pattern=v(.*),group=1,value=v1.2.3\ntype=edge", push("master", MASTER_SHA), "user/app", ["user/app:edge"], "edge"],
    ["push18: sha,format=long", "type=ref,event=branch\ntype=sha,format=long", push("dev", DEV_SHA), "org/app\nghcr.io/user/app", ["org/app:dev", `org/app:sha-${DEV_SHA}`, "ghcr.io/user/app:dev", `ghcr.io/user/app:sha-${DEV_SHA}`], "dev"],
    ["push19: enable={{is_default_branch}} off the default branch", "type=edge,branch=master\ntype=ref,event=branch,enable=false\ntype=sha,format=long\ntype=raw,value=defbranch,enable={{is_default_branch}}", push("dev", DEV_SHA), "org/app\nghcr.io/user/app", [`org/app:sha-${DEV_SHA}`, `ghcr.io/user/app:sha-${DEV_SHA}`], `sha-${DEV_SHA}`],
    ["push20: an image with enable=false", "type=edge,branch=master\ntype=ref,event=branch,enable=false\ntype=sha,format=long", push("dev", DEV_SHA), "org/app\nghcr.io/user/app,enable=false", [`org/app:sha-${DEV_SHA}`], `sha-${DEV_SHA}`],
    ["push22: enable={{is_not_default_branch}}", "type=edge,branch=master\ntype=sha,format=long\ntype=raw,value=notdefbranch,enable={{is_not_default_branch}}", push("dev", DEV_SHA), "org/app", ["org/app:notdefbranch", `org/app:sha-${DEV_SHA}`], "notdefbranch"],
  ])("%s", (_name, tags, ev, images, expected, version) => {
    const r = run(tags, ev, { images });
    expect(r.errors).toEqual([]);
    expect(r.tags).toEqual(expected);
    expect(r.version).toBe(version);
  });

  it("push17/push21: every global expression, {{date}} with a time zone, and no images (bare tags)", () => {
    const tags = [
      "type=raw,value=mytag-{{branch}}",
      "type=raw,value=mytag-{{date 'YYYYMMDD'}}",
      "type=raw,value=mytag-{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
      "type=raw,value=mytag-tag-{{tag}}",
      "type=raw,value=mytag-baseref-{{base_ref}}",
      "type=raw,value=mytag-defbranch,enable={{is_default_branch}}",
    ].join("\n");
    // A push payload without base_ref: {{base_ref}} is empty, as the action renders it.
    const r = run(tags, { ...push("master", MASTER_SHA), pushBaseRef: null }, { images: "" });
    expect(r.tags).toEqual(["mytag-master", "mytag-20200110", "mytag-20200110-093000", "mytag-tag-", "mytag-baseref-", "mytag-defbranch"]);
  });
});

describe("README tables", () => {
  it.each<[string, string, string, string[]]>([
    // type=semver table
    ["type=semver: {{raw}}", "type=semver,pattern={{raw}}", "v1.2.3", ["user/app:v1.2.3", "user/app:latest"]],
    ["type=semver: {{version}}", "type=semver,pattern={{version}}", "v1.2.3", ["user/app:1.2.3", "user/app:latest"]],
    ["type=semver: v{{major}}", "type=semver,pattern=v{{major}}", "v1.2.3", ["user/app:v1", "user/app:latest"]],
    ["type=semver: match= picks group 1 of p1/v1.2.3", "type=semver,pattern={{version}},match=v(\\d.\\d.\\d)$", "p1/v1.2.3", ["user/app:1.2.3", "user/app:latest"]],
    ["type=semver: a pre-release keeps {{raw}}", "type=semver,pattern={{raw}}", "v2.0.8-beta.67", ["user/app:v2.0.8-beta.67"]],
    ["type=semver: a pre-release gives {{version}} for {{major}}", "type=semver,pattern={{major}}", "v2.0.8-beta.67", ["user/app:2.0.8-beta.67"]],
    // type=pep440 table
    ["type=pep440: v1.2.3 {{version}}", "type=pep440,pattern={{version}}", "v1.2.3", ["user/app:1.2.3", "user/app:latest"]],
    ["type=pep440: match= on p1/v1.2.3", "type=pep440,pattern={{version}},match=v(\\d.\\d.\\d)$", "p1/v1.2.3", ["user/app:1.2.3", "user/app:latest"]],
    ["type=pep440: a post-release", "type=pep440,pattern={{major}}.{{minor}}", "1.2.3post1", ["user/app:1.2.3.post1"]],
    ["type=pep440: beta normalised", "type=pep440,pattern={{major}}.{{minor}}", "1.2.3beta2", ["user/app:1.2.3b2"]],
    ["type=pep440: a dev release", "type=pep440,pattern={{major}}.{{minor}}", "1.0dev4", ["user/app:1.0.dev4"]],
    // type=match table
    ["type=match: group 0", "type=match,pattern=\\d.\\d.\\d", "v1.2.3", ["user/app:1.2.3", "user/app:latest"]],
    ["type=match: v(\\d.\\d) group 1", "type=match,pattern=v(\\d.\\d),group=1", "v2.0.8-beta.67", ["user/app:2.0", "user/app:latest"]],
    ["type=match: a tag with a slash", "type=match,pattern=p1/v(\\d.\\d.\\d),group=1", "p1/v1.2.3", ["user/app:1.2.3", "user/app:latest"]],
    // type=ref table
    ["type=ref,event=tag", "type=ref,event=tag", "v2.0.8-beta.67", ["user/app:v2.0.8-beta.67", "user/app:latest"]],
  ])("%s", (_name, tags, tag, expected) => {
    expect(run(tags, tagPush(tag)).tags).toEqual(expected);
  });

  it("type=ref on a branch with a slash (type=ref table: refs/heads/my/branch → my-branch)", () => {
    expect(run("type=ref,event=branch", push("my/branch", DEV_SHA)).tags).toEqual(["user/app:my-branch"]);
  });

  it("type=sha: DOCKER_METADATA_SHORT_SHA_LENGTH sets the short SHA's length (type=sha, environment variables)", () => {
    expect(run("type=sha", push("dev", DEV_SHA), { env: { shortShaLength: "12" } }).tags).toEqual(["user/app:sha-860c1904a1ce"]);
    expect(run("type=raw,value=x-{{sha}}", push("dev", DEV_SHA), { env: { shortShaLength: "12" } }).tags).toEqual(["user/app:x-860c1904a1ce"]);
  });

  it("DOCKER_METADATA_SHORT_SHA_LENGTH that is not a number fails the step", () => {
    expect(run("type=sha", push("dev", DEV_SHA), { env: { shortShaLength: "twelve" } }).errors).toEqual(["DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: twelve"]);
  });

  it("{{date}} renders moment's format: the README's `Friday, January 10th 2020, 3:25:50 pm`, sanitised (Global expressions, {{date}})", () => {
    // The README's format without its commas: a comma ends a field of the `tags` line.
    const ev = { ...push("master", MASTER_SHA), now: "2020-01-10T15:25:50Z" };
    expect(run("type=raw,value={{date 'dddd MMMM Do YYYY h:mm:ss a'}}", ev).tags).toEqual(["user/app:Friday-January-10th-2020-3-25-50-pm"]);
  });

  it("{{base_ref}} of a pull request is its target; of a tag push, the payload's base_ref (Global expressions, {{base_ref}})", () => {
    expect(run("type=raw,value=b-{{base_ref}}", { eventName: "pull_request", ref: "refs/pull/2/merge", sha: DEV_SHA, defaultBranch: "master", prBaseRef: "master" }).tags).toEqual(["user/app:b-master"]);
    expect(run("type=raw,value=b-{{base_ref}}", { ...tagPush("v1.2.3"), pushBaseRef: "refs/heads/master" }).tags).toEqual(["user/app:b-master"]);
  });

  it("flavor: latest=false, prefix and suffix with onlatest (flavor input, Latest tag)", () => {
    expect(run("type=semver,pattern={{version}}", tagPush("v1.2.3"), { flavor: "latest=false" }).tags).toEqual(["user/app:1.2.3"]);
    expect(run("type=ref,event=branch", push("dev", DEV_SHA), { flavor: "latest=true\nprefix=p-,onlatest=true\nsuffix=-s" }).tags).toEqual(["user/app:p-dev-s", "user/app:p-latest"]);
  });

  it("a `#` inside a line is part of the value; a line starting with `#` is a comment (__tests__/context.test.ts case 5)", () => {
    expect(run("type=raw,value=foo#bar\n#comment", push("dev", DEV_SHA), { flavor: "prefix=v#1\n#comment" }).tags).toEqual(["user/app:v-1foo-bar"]);
  });
});
