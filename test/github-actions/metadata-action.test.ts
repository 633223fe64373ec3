import { describe, expect, it } from "vitest";
import { computeMetadataTags, type MetadataEvent } from "../../src/github-actions/images/metadata-action.js";
import { OpaqueTable } from "../../src/github-actions/images/opaque-text.js";

const SHA = "90dd6032fac8bda1b6c4436a2e65de27961ed071";
const events: Record<string, MetadataEvent> = {
  "push main": { eventName: "push", ref: "refs/heads/main", sha: SHA, defaultBranch: "main" },
  "push feature/x": { eventName: "push", ref: "refs/heads/feature/x", sha: SHA, defaultBranch: "main" },
  "push tag v1.2.3": { eventName: "push", ref: "refs/tags/v1.2.3", sha: SHA, defaultBranch: "main" },
  "push tag v2.0.0-rc.1": { eventName: "push", ref: "refs/tags/v2.0.0-rc.1", sha: SHA, defaultBranch: "main" },
  "push tag 1.0rc1 (pep440)": { eventName: "push", ref: "refs/tags/1.0rc1", sha: SHA, defaultBranch: "main" },
  "pull_request #7": { eventName: "pull_request", ref: "refs/pull/7/merge", sha: SHA, defaultBranch: "main", prBaseRef: "main" },
  schedule: { eventName: "schedule", ref: "refs/heads/main", sha: SHA, defaultBranch: "main" },
};

function tags(tagInput: string, event: string, flavor = "", images = "ghcr.io/acme/app"): string[] {
  const r = computeMetadataTags({ images, tags: tagInput, flavor }, events[event], new OpaqueTable());
  expect(r.errors).toEqual([]);
  return r.tags.map((t) => t.ref.text);
}

const I = "ghcr.io/acme/app";

describe("docker/metadata-action tags per event", () => {
  it.each<[string, string, string, string[], string?]>([
    // defaults when `tags` is empty: schedule, ref branch, ref tag, ref pr
    ["defaults on a branch push", "", "push main", [`${I}:main`]],
    ["defaults sanitise slashes in branch names", "", "push feature/x", [`${I}:feature-x`]],
    ["defaults on a tag push (latest is automatic for ref,event=tag)", "", "push tag v1.2.3", [`${I}:v1.2.3`, `${I}:latest`]],
    ["defaults on a pull request", "", "pull_request #7", [`${I}:pr-7`]],
    ["defaults on a schedule (its ref is the default branch, so ref,event=branch adds one)", "", "schedule", [`${I}:nightly`, `${I}:main`]],
    // type=schedule
    ["schedule with a custom pattern on schedule", "type=schedule,pattern=cron", "schedule", [`${I}:cron`]],
    ["schedule on a push makes nothing", "type=schedule", "push main", []],
    // type=semver
    ["semver {{version}} on a tag", "type=semver,pattern={{version}}", "push tag v1.2.3", [`${I}:1.2.3`, `${I}:latest`]],
    [
      "semver several patterns on a tag",
      "type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}",
      "push tag v1.2.3",
      [`${I}:1.2.3`, `${I}:1.2`, `${I}:1`, `${I}:latest`],
    ],
    ["semver prerelease keeps only {{version}} and no latest", "type=semver,pattern={{major}}.{{minor}}", "push tag v2.0.0-rc.1", [`${I}:2.0.0-rc.1`]],
    ["semver on a branch makes nothing", "type=semver,pattern={{version}}", "push main", []],
    ["semver with value= works on a branch", "type=semver,pattern={{major}},value=v3.1.0", "push main", [`${I}:3`, `${I}:latest`]],
    // type=pep440
    ["pep440 prerelease on a tag", "type=pep440,pattern={{version}}", "push tag 1.0rc1 (pep440)", [`${I}:1.0rc1`]],
    ["pep440 release on a tag", "type=pep440,pattern={{major}}.{{minor}}", "push tag v1.2.3", [`${I}:1.2`, `${I}:latest`]],
    // type=match
    ["match group 1 on a tag", "type=match,pattern=v(\\d+),group=1", "push tag v1.2.3", [`${I}:1`, `${I}:latest`]],
    ["match on a PR makes nothing", "type=match,pattern=v(\\d+),group=1", "pull_request #7", []],
    // type=edge
    ["edge on the default branch", "type=edge", "push main", [`${I}:edge`]],
    ["edge on another branch makes nothing", "type=edge", "push feature/x", []],
    ["edge with branch=", "type=edge,branch=feature/x", "push feature/x", [`${I}:edge`]],
    // type=ref
    ["ref,event=branch on a tag makes nothing", "type=ref,event=branch", "push tag v1.2.3", []],
    ["ref,event=pr with a suffix", "type=ref,event=pr,suffix=-dev", "pull_request #7", [`${I}:pr-7-dev`]],
    ["ref,event=tag with flavor latest=false", "type=ref,event=tag", "push tag v1.2.3", [`${I}:v1.2.3`], "latest=false"],
    // type=raw
    ["raw value on a branch", "type=raw,value=latest", "push feature/x", [`${I}:latest`]],
    ["raw shorthand", "foo\nbar", "push main", [`${I}:foo`, `${I}:bar`]],
    ["raw with {{branch}} on a branch", "type=raw,value={{branch}}-x", "push feature/x", [`${I}:feature-x-x`]],
    ["{{branch}} is empty on a PR event", "type=raw,value={{branch}}", "pull_request #7", []],
    ["{{tag}} on a tag", "type=raw,value=rel-{{tag}}", "push tag v1.2.3", [`${I}:rel-v1.2.3`]],
    ["{{is_default_branch}} enables latest on main", "type=raw,value=latest,enable={{is_default_branch}}", "push main", [`${I}:latest`]],
    ["{{is_default_branch}} disables it elsewhere", "type=raw,value=latest,enable={{is_default_branch}}", "push feature/x", []],
    ["enable=false", "type=raw,value=x,enable=false", "push main", []],
    // type=sha
    ["sha short", "type=sha", "push main", [`${I}:sha-90dd603`]],
    ["sha long without prefix", "type=sha,format=long,prefix=", "pull_request #7", [`${I}:${SHA}`]],
    ["{{sha}} in a raw value", "type=raw,value=build-{{sha}}", "push tag v1.2.3", [`${I}:build-90dd603`]],
    // priority
    ["a higher priority becomes the main tag", "type=raw,value=b,priority=1\ntype=raw,value=a,priority=2", "push main", [`${I}:a`, `${I}:b`]],
  ])("%s", (_name, input, event, expected, flavor = "") => {
    expect(tags(input, event, flavor)).toEqual(expected);
  });
});

describe("flavor", () => {
  it.each<[string, string, string, string, string[]]>([
    ["latest=true on a branch", "type=ref,event=branch", "latest=true", "push main", [`${I}:main`, `${I}:latest`]],
    ["prefix applies to every tag but latest", "type=ref,event=tag", "prefix=app-", "push tag v1.2.3", [`${I}:app-v1.2.3`, `${I}:latest`]],
    ["prefix with onlatest", "type=ref,event=tag", "prefix=app-,onlatest=true", "push tag v1.2.3", [`${I}:app-v1.2.3`, `${I}:app-latest`]],
    ["suffix", "type=ref,event=branch", "suffix=-slim", "push main", [`${I}:main-slim`]],
    ["a tag's own prefix wins over the flavor", "type=ref,event=branch,prefix=b-", "prefix=f-", "push main", [`${I}:b-main`]],
  ])("%s", (_name, input, flavor, event, expected) => {
    expect(tags(input, event, flavor)).toEqual(expected);
  });
});

describe("images and unknowns", () => {
  it("several images, lower-cased, one per line", () => {
    expect(tags("type=ref,event=branch", "push main", "", "ghcr.io/Acme/App\ndocker.io/acme/app")).toEqual(["ghcr.io/acme/app:main", "docker.io/acme/app:main"]);
  });

  it("the old comma-separated image list", () => {
    expect(tags("type=ref,event=branch", "push main", "", "a/b,c/d")).toEqual(["a/b:main", "c/d:main"]);
  });

  it("no images: bare tags", () => {
    expect(tags("type=ref,event=branch", "push main", "", "")).toEqual(["main"]);
  });

  it("an unknown commit makes type=sha unknown, not guessed", () => {
    const r = computeMetadataTags({ images: I, tags: "type=sha", flavor: "" }, { ...events["push main"], sha: undefined }, new OpaqueTable());
    expect(r.tags.map((t) => [t.ref.text, t.ref.known])).toEqual([[`${I}:sha-«short commit SHA»`, false]]);
  });

  it("{{date}} is unknown", () => {
    const r = computeMetadataTags({ images: I, tags: "type=schedule,pattern={{date 'YYYYMMDD'}}", flavor: "" }, events.schedule, new OpaqueTable());
    expect(r.tags[0].ref.known).toBe(false);
  });

  it("an undecidable enable= makes the tag uncertain", () => {
    const table = new OpaqueTable();
    const enable = table.marker("github.event.inputs.publish");
    const r = computeMetadataTags({ images: I, tags: `type=ref,event=branch\ntype=raw,value=latest,enable=${enable}`, flavor: "" }, events["push main"], table);
    expect(r.tags.map((t) => [t.ref.text, t.certainty])).toEqual([
      [`${I}:main`, "certain"],
      [`${I}:latest`, "uncertain"],
    ]);
  });

  it.each<[string, string]>([
    ["unknown type", "type=nope"],
    ["semver without pattern", "type=semver"],
    ["ref without event", "type=ref"],
    ["enable that is not a boolean", "type=raw,value=x,enable=maybe"],
  ])("input error: %s", (_name, input) => {
    const r = computeMetadataTags({ images: I, tags: input, flavor: "" }, events["push main"], new OpaqueTable());
    expect(r.errors.length).toBeGreaterThan(0);
  });
});
