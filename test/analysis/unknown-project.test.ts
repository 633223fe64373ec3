import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis/analyze.js";
import type { Analysis, ContextAnalysis } from "../../src/analysis/model.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";

/**
 * A project path nobody gave (no `project:`, no `--project`, no origin remote) is unknown: the
 * variables GitLab derives from it (ci/variables/predefined_variables.md: CI_PROJECT_PATH,
 * CI_PROJECT_NAMESPACE, CI_REGISTRY_IMAGE, ...) are set to a value not known here, so a rule that
 * compares one is uncertain, never a certain "no" for a made-up path.
 */
const CI = `
upstream-only:
  script: [make check]
  rules:
    - if: '$CI_PROJECT_NAMESPACE == "qemu-project"'
everywhere:
  script: [make build]
same-project-mr:
  script: [make mr]
  rules:
    - if: '$CI_MERGE_REQUEST_SOURCE_PROJECT_PATH == $CI_PROJECT_PATH'
registry-image:
  image: $CI_REGISTRY_IMAGE/builder:latest
  script: [make]
`;

async function analyzed(project: string | undefined, ci = CI): Promise<Analysis> {
  const settings = { ...defaultSettings(), defaultBranch: "master", ...(project ? { project } : {}) };
  return analyze({ base: new MemorySource({ ".gitlab-ci.yml": ci }), head: new MemorySource({ ".gitlab-ci.yml": ci }), settings });
}

const contextOf = (a: Analysis, kind: string): ContextAnalysis => {
  const c = a.contexts.find((x) => x.context.origin.kind === kind);
  if (!c) throw new Error(`no ${kind} context`);
  return c;
};
const job = (c: ContextAnalysis, name: string) => c.after.jobs.find((j) => j.name === name);

describe("a project path nobody gave", () => {
  it("makes a job whose rule compares CI_PROJECT_NAMESPACE uncertain, not absent; the job without rules stays certain", async () => {
    const c = contextOf(await analyzed(undefined), "default-branch");
    expect(job(c, "upstream-only")?.presence).toBe("uncertain");
    expect(job(c, "everywhere")).toMatchObject({ presence: "present", certainty: "certain" });
  });

  it("with the project given, the same rule is certain: present for qemu-project/qemu, absent for another namespace", async () => {
    expect(job(contextOf(await analyzed("qemu-project/qemu"), "default-branch"), "upstream-only")).toMatchObject({ presence: "present", certainty: "certain" });
    expect(job(contextOf(await analyzed("someone/qemu"), "default-branch"), "upstream-only")).toBeUndefined();
  });

  it("a pipeline whose only job needs the upstream namespace is not a certain \"no jobs\"", async () => {
    const only = `upstream-only:\n  script: [make check]\n  rules:\n    - if: '$CI_PROJECT_NAMESPACE == "qemu-project"'\n`;
    const c = contextOf(await analyzed(undefined, only), "default-branch");
    expect(c.after.creation).toBe("uncertain");
    const given = contextOf(await analyzed("qemu-project/qemu", only), "default-branch");
    expect({ created: given.after.created, creation: given.after.creation }).toEqual({ created: true, creation: "certain" });
  });

  it("keeps what GitLab guarantees: in a non-fork MR pipeline the source project is the project itself", async () => {
    const c = contextOf(await analyzed(undefined), "mr-pipeline");
    expect(job(c, "same-project-mr")).toMatchObject({ presence: "present", certainty: "certain" });
    expect(job(c, "upstream-only")?.presence).toBe("uncertain");
  });

  it("an image named after the project's registry path is unknown, not a made-up group/project image", async () => {
    const c = contextOf(await analyzed(undefined), "default-branch");
    const image = job(c, "registry-image")?.image;
    expect(image?.ref.known).toBe(false);
    expect(JSON.stringify(image)).not.toContain("group/project");
  });

  it("the fork context's namespace is not known either", async () => {
    const c = contextOf(await analyzed(undefined), "fork");
    expect(job(c, "upstream-only")?.presence).toBe("uncertain");
  });

  it("says so once, in the notes: not known, and rules that read it are uncertain", async () => {
    const notes = (await analyzed(undefined)).notes ?? [];
    expect(notes.filter((n) => n.includes("project path is not known"))).toEqual([expect.stringContaining("rules that read it are uncertain")]);
    expect(notes.join("\n")).not.toContain("assumed to be `group/project`");
  });
});

describe("naming a project in only/except and exists, with the project path not known", () => {
  // ci/yaml#onlyrefs--exceptrefs: `main@group/project` holds only in that project;
  // ci/yaml#rulesexistsproject: files of another project are not read here.
  const ci = `
only-upstream:
  script: [make]
  only: ['master@qemu-project/qemu']
exists-upstream:
  script: [make]
  rules:
    - exists:
        paths: [Makefile]
        project: group/project
`;
  it("is uncertain, and certain once the project is given", async () => {
    const unknown = contextOf(await analyzed(undefined, ci), "default-branch");
    expect(job(unknown, "only-upstream")?.presence).toBe("uncertain");
    expect(job(unknown, "exists-upstream")?.presence).toBe("uncertain");
    const given = contextOf(await analyzed("qemu-project/qemu", ci), "default-branch");
    expect(job(given, "only-upstream")).toMatchObject({ presence: "present", certainty: "certain" });
  });
});
