import { describe, expect, it } from "vitest";
import { codes, findings, job, loadFiles, scriptOf } from "./load-memory.js";

const base = [
  "default:",
  "  image: default-image",
  "  tags: [default-tag]",
  "  interruptible: true",
  "  before_script: [default-setup]",
  "  retry: 2",
].join("\n");

describe("default: and inherit:", () => {
  it("gives jobs the default keywords they do not set, at the default's lines", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": `${base}\njob:\n  script: x\n` });
    expect(findings(result)).toEqual([]);
    const j = job(result, "job");
    expect(j.image?.name).toEqual({ value: "default-image", pos: { file: ".gitlab-ci.yml", line: 2, col: 10 } });
    expect(j.tags.map((t) => `${t.value}@${t.pos.line}`)).toEqual(["default-tag@3"]);
    expect(j.interruptible?.value).toBe(true);
    expect(scriptOf(j.beforeScript)).toEqual(["default-setup @.gitlab-ci.yml:5"]);
  });

  it("replaces a default with the job's own value, without merging", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": `${base}\njob:\n  tags: [own]\n  before_script: [own-setup]\n  script: x\n` });
    const j = job(result, "job");
    expect(j.tags.map((t) => t.value)).toEqual(["own"]);
    expect(scriptOf(j.beforeScript)).toEqual(["own-setup @.gitlab-ci.yml:9"]);
  });

  it.each([
    ["inherit:default false takes nothing", "  inherit:\n    default: false\n", undefined, []],
    ["inherit:default as a list takes only those", "  inherit:\n    default: [tags]\n", undefined, ["default-tag"]],
    ["inherit:default true takes all", "  inherit:\n    default: true\n", "default-image", ["default-tag"]],
  ])("%s", async (_name, inherit, image, tags) => {
    const result = await loadFiles({ ".gitlab-ci.yml": `${base}\njob:\n${inherit}  script: x\n` });
    const j = job(result, "job");
    expect(j.image?.name.value).toBe(image);
    expect(j.tags.map((t) => t.value)).toEqual(tags);
  });

  it.each([
    ["true", "true", true],
    ["false", "false", false],
    ["a list", "[A]", ["A"]],
  ])("records inherit:variables %s for the simulator", async (_name, value, expected) => {
    const result = await loadFiles({ ".gitlab-ci.yml": `variables: {A: a}\njob:\n  inherit:\n    variables: ${value}\n  script: x\n` });
    expect(job(result, "job").inherit.variables).toEqual(expected);
  });

  it("treats the deprecated top-level image/services/before_script as defaults", async () => {
    const result = await loadFiles({
      ".gitlab-ci.yml": "image: old-image\nservices: [docker:dind]\nbefore_script: [old-setup]\njob:\n  script: x\n",
    });
    expect(findings(result)).toEqual([]);
    const j = job(result, "job");
    expect(j.image?.name.value).toBe("old-image");
    expect(j.services.map((s) => s.name.value)).toEqual(["docker:dind"]);
    expect(j.beforeScript.map((l) => l.text)).toEqual(["old-setup"]);
  });

  it("rejects a keyword set both at the top level and in default: (GitLab: defined in top-level and `default:` entry)", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": "image: old\ndefault:\n  image: new\njob:\n  script: x\n" });
    expect(codes(result)).toEqual(["error:config-invalid@.gitlab-ci.yml:1"]);
  });

  it("does not inherit keywords GitLab does not take from default:", async () => {
    const result = await loadFiles({ ".gitlab-ci.yml": "default:\n  stage: build\n  variables: {A: a}\njob:\n  script: x\n" });
    expect(job(result, "job").stage.value).toBe("test");
    expect(codes(result)).toEqual(["error:unknown-keyword@.gitlab-ci.yml:2", "error:unknown-keyword@.gitlab-ci.yml:3"]);
  });
});
