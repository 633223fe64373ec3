import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis/analyze.js";
import type { Analysis, ContextAnalysis } from "../../src/analysis/model.js";
import { loadSettings } from "../../src/config/load-settings.js";
import type { Settings } from "../../src/config/settings.js";
import { fixtureSource } from "./fixture.js";

/**
 * The seed story in miniature: every staging branch published its containers as `:latest`, so
 * `staging` and `staging-8.0` overwrote each other's images; the change gives stable branches
 * their own tag through `rules:variables`.
 */
const base = fixtureSource("staging-tags/base");
const head = fixtureSource("staging-tags/head");
const REGISTRY = "registry.example.com/acme/widget/ci";
const BRANCHES = ["main", "staging", "staging-7.2", "staging-8.0", "feature/x"];

/** `branches: null`: the platform lists none. */
async function run(extra: Partial<Settings> = {}, branches: string[] | null = BRANCHES): Promise<Analysis> {
  const { settings } = await loadSettings(head);
  return analyze({ base, head, settings: { ...settings, ...extra }, branches: branches ?? undefined });
}

function ctx(a: Analysis, name: string): ContextAnalysis {
  const found = a.contexts.find((c) => c.context.name === name);
  if (!found) throw new Error(`no context ${name} in ${a.contexts.map((c) => c.context.name).join(", ")}`);
  return found;
}

function pushed(c: ContextAnalysis, side: "before" | "after"): string[] {
  return c[side].jobs.flatMap((j) => j.builds.filter((b) => b.push).map((b) => b.image.text));
}

describe("the staging container tag story", () => {
  it("chooses the default branch, the real branches the rules test, an MR, a tag and a fork", async () => {
    const a = await run();
    expect(a.contexts.map((c) => [c.context.name, c.context.origin.kind])).toEqual([
      ["main", "default-branch"],
      ["staging", "rule-regex"],
      ["staging-7.2", "rule-regex"],
      ["staging-8.0", "rule-regex"],
      ["MR feature → main", "mr-pipeline"],
      ["tag v1.0.0", "tag"],
      ["main in a fork (contributor/widget)", "fork"],
    ]);
  });

  it.each([
    ["staging", `${REGISTRY}/debian:latest`, `${REGISTRY}/debian:latest`],
    ["staging-8.0", `${REGISTRY}/debian:latest`, `${REGISTRY}/debian:staging-8-0`],
    ["staging-7.2", `${REGISTRY}/debian:latest`, `${REGISTRY}/debian:staging-7-2`],
  ])("%s pushes %s before and %s after", async (name, before, after) => {
    const c = ctx(await run(), name);
    expect(pushed(c, "before")).toEqual([before]);
    expect(pushed(c, "after")).toEqual([after]);
    // The build job runs in the image its own pipeline pushed.
    expect(c.after.jobs.find((j) => j.name === "build-debian")?.image?.ref.text).toBe(after);
    expect(c.images.find((i) => i.repository === `${REGISTRY}/debian`)).toMatchObject({
      tagsBefore: [before.split(":").pop()],
      tagsAfter: [after.split(":").pop()],
      builtBy: ["debian-container"],
      dockerfiles: ["ci/dockerfiles/debian.docker"],
      usedBy: ["build-debian"],
    });
  });

  it("reports the tag collision between staging and staging-8.0 as fixed, and introduces nothing", async () => {
    const a = await run();
    const collisions = a.hazards.filter((h) => h.kind === "image-tag-collision");
    // One hazard for the group, not one per pair of branches.
    expect(collisions.map((h) => [h.status, h.contexts])).toEqual([["fixed", ["staging", "staging-7.2", "staging-8.0"]]]);
    expect(collisions[0].images).toEqual([`${REGISTRY}/debian:latest`]);
    expect(a.hazards.filter((h) => h.status === "introduced")).toEqual([]);
    expect(a.verdict.conclusion).toBe("success");
    expect(a.verdict.title).toBe("changes CI on 2 of 7 branch contexts · 1 hazard fixed");
  });

  it("synthesises stable branch names from the regexes when the platform lists no branches", async () => {
    const a = await run({}, null);
    expect(a.contexts.map((c) => c.context.name)).toContain("staging-1.0");
    const c = ctx(a, "staging-1.0");
    expect(c.context.origin).toMatchObject({ kind: "rule-regex", synthesised: true });
    expect(pushed(c, "after")).toEqual([`${REGISTRY}/debian:staging-1-0`]);
  });

  it.each([
    // A fork without the switch gets no jobs; PROJ_CI=1 gives manual jobs in the fork's own registry.
    ["a fork without PROJ_CI", {}, false, undefined],
    ["a fork with PROJ_CI=1", { PROJ_CI: "1" }, true, "manual"],
    ["a fork with PROJ_CI=2", { PROJ_CI: "2" }, true, "on_success"],
  ])("%s", async (_what, variables, created, when) => {
    const a = await run({
      contexts: [{ name: "fork", branch: "staging-8.0", project: "contributor/widget", source: "push", variables }],
    });
    const c = ctx(a, "fork");
    expect(c.after.created).toBe(created);
    if (!created) return;
    expect(c.after.jobs.map((j) => j.when)).toEqual([when, when]);
    // Not upstream, so the stable-branch rule does not apply: the fork publishes `latest` in its own registry.
    expect(pushed(c, "after")).toEqual(["registry.example.com/contributor/widget/ci/debian:latest"]);
  });

  it("lets a fork run as if upstream by overriding the upstream namespace", async () => {
    const a = await run({
      contexts: [
        { name: "fork as upstream", branch: "staging-8.0", project: "contributor/widget", source: "push", variables: { PROJ_CI_UPSTREAM: "contributor" } },
        { name: "upstream", branch: "staging-8.0", source: "push", variables: {} },
      ],
    });
    expect(pushed(ctx(a, "fork as upstream"), "after")).toEqual(["registry.example.com/contributor/widget/ci/debian:staging-8-0"]);
    expect(ctx(a, "fork as upstream").after.jobs.map((j) => j.when)).toEqual(["on_success", "on_success"]);
    // Different registries: the fork and upstream never collide.
    expect(a.hazards.filter((h) => h.kind === "image-tag-collision")).toEqual([]);
  });
});
