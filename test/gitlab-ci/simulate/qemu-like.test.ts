import { describe, expect, it } from "vitest";
import type { PipelineContext } from "../../../src/gitlab-ci/context.js";
import { simulatePipeline } from "../../../src/gitlab-ci/simulate/index.js";
import { branch, context, fixture, job, mr, names, tag } from "./build.js";

const qemu = fixture("qemu-like");
const upstream = { path: "qemu-project/qemu", defaultBranch: "master" };
const fork = { path: "alice/qemu", defaultBranch: "master" };

function run(ctx: PipelineContext) {
  return simulatePipeline(qemu, ctx);
}

describe("a QEMU-style pipeline", () => {
  it.each([
    ["upstream staging", branch("staging"), "latest"],
    ["upstream staging-8.0", branch("staging-8.0"), "staging-8-0"],
    ["upstream staging-10.1", branch("staging-10.1"), "staging-10-1"],
  ])("%s: the container job pushes tag %s and the build job runs in it", async (_what, ref, tagName) => {
    const p = await run(context({ ref, project: upstream }));
    expect(p.created).toBe(true);
    expect(p.errors).toEqual([]);
    const container = job(p, "amd64-debian11-container");
    expect(container.when).toBe("on_success");
    expect(container.variables.QEMU_CI_CONTAINER_TAG?.value.text).toBe(tagName);
    expect(container.image?.ref.text).toBe("docker:latest");
    expect(job(p, "build-system-debian").image?.ref.text).toBe(`registry.gitlab.com/qemu-project/qemu/qemu/debian11:${tagName}`);
  });

  it("says which rule set the stable-branch tag, with the values it saw", async () => {
    const p = await run(context({ ref: branch("staging-8.0"), project: upstream }));
    const d = job(p, "amd64-debian11-container").decidedBy;
    expect(d.kind).toBe("rules");
    expect(d.rule).toMatchObject({ index: 4, pos: { file: ".gitlab-ci.d/base.yml" } });
    expect(d.rule?.if).toContain("staging-[[:digit:]]");
    expect(d.trace[4]?.reads).toMatchObject({ CI_PROJECT_NAMESPACE: "qemu-project", QEMU_CI_UPSTREAM: "qemu-project", CI_COMMIT_BRANCH: "staging-8.0" });
    expect(job(p, "amd64-debian11-container").variables.QEMU_CI_CONTAINER_TAG?.origin).toBe("rule");
  });

  it("a pipeline variable beats the rule's variable", async () => {
    const p = await run(context({ ref: branch("staging-8.0"), project: upstream, variables: { QEMU_CI_CONTAINER_TAG: "mine" } }));
    expect(job(p, "build-system-debian").image?.ref.text).toBe("registry.gitlab.com/qemu-project/qemu/qemu/debian11:mine");
  });

  it.each([
    ["a fork without QEMU_CI gets no pipeline", {}, false, undefined],
    ["a fork with QEMU_CI=1 gets blocking manual jobs", { QEMU_CI: "1" }, true, { when: "manual", allowFailure: false }],
    ["a fork with QEMU_CI=2 runs them", { QEMU_CI: "2" }, true, { when: "on_success", allowFailure: false }],
    ["a fork that names itself upstream behaves like upstream", { QEMU_CI_UPSTREAM: "alice" }, true, { when: "on_success" }],
  ])("%s", async (_what, variables, created, debian) => {
    const p = await run(context({ ref: branch("staging"), project: fork, variables }));
    expect(p.created).toBe(created);
    if (!created) expect(p.notCreated?.reason).toBe("no-jobs");
    if (debian) expect(job(p, "amd64-debian11-container")).toMatchObject(debian);
  });

  it("an optional job is manual and allowed to fail", async () => {
    const p = await run(context({ ref: branch("staging"), project: upstream }));
    expect(job(p, "amd64-fedora-container")).toMatchObject({ when: "manual", allowFailure: true });
  });

  it("upstream tags get no pipeline", async () => {
    const p = await run(context({ ref: tag("v8.0.2"), project: upstream }));
    expect(p.created).toBe(false);
    expect(p.excluded.map((e) => e.name)).toContain("amd64-debian11-container");
  });

  it("jobs with rules but no workflow:rules also run in MR pipelines, with GitLab's warning", async () => {
    const p = await run(context({ ref: mr("feature", "master"), project: upstream }));
    expect(names(p)).toContain("build-system-debian");
    expect(job(p, "build-system-debian").variables.CI_COMMIT_BRANCH).toBeUndefined();
    expect(p.warnings.map((w) => w.message).join("\n")).toMatch(/may allow multiple pipelines/);
  });

  it("orders jobs by stage, then definition, and lists the stages used", async () => {
    const p = await run(context({ ref: branch("staging"), project: upstream }));
    expect(p.stages).toEqual(["containers", "build", "test"]);
    expect(names(p)).toEqual(["amd64-debian11-container", "amd64-fedora-container", "build-system-debian", "check-system-debian"]);
    expect(job(p, "check-system-debian").needs).toEqual(["build-system-debian"]);
  });
});
