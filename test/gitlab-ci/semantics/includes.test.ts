import { describe, expect, it } from "vitest";
import { mr } from "../simulate/build.js";
import { checkCase, type SemanticsCase } from "./harness.js";

const job = (name: string) => `${name}:\n  script: x\n`;

describe("ci/yaml/includes: paths and forms", () => {
  it.each<SemanticsCase>([
    {
      name: "INC#include-local: a `/`-leading path is relative to the repository root",
      files: { ".gitlab-ci.yml": "include:\n  - local: /ci/a.yml\n", "ci/a.yml": job("a") },
      jobs: ["a"],
    },
    {
      name: "INC#include-local: a nested local include is relative to the root, not to the including file",
      files: { ".gitlab-ci.yml": "include: ci/a.yml\n", "ci/a.yml": "include:\n  - local: b.yml\n" + job("a"), "b.yml": job("root-b"), "ci/b.yml": job("nested-b") },
      jobs: ["root-b", "a"],
    },
    {
      name: "INC#include: the short form `include: path` is a local include",
      files: { ".gitlab-ci.yml": "include: 'ci/a.yml'\n", "ci/a.yml": job("a") },
      jobs: ["a"],
    },
    {
      name: "INC#include: an `https://` short form is a remote include (not analysed, not an error)",
      files: "include: 'https://example.com/ci.yml'\n" + job("b"),
      jobs: ["b"],
    },
    {
      name: "INC#include: the same file twice is allowed (merged twice, same result)",
      files: { ".gitlab-ci.yml": "include: [a.yml, a.yml]\n", "a.yml": job("a") },
      jobs: ["a"],
    },
    {
      name: "INC#include-project: this same project with a `file:` list",
      files: { ".gitlab-ci.yml": "include:\n  - project: qemu-project/qemu\n    file: [ci/a.yml, ci/b.yml]\n", "ci/a.yml": job("a"), "ci/b.yml": job("b") },
      jobs: ["a", "b"],
    },
    {
      name: "INC#include-with-ruleschanges: include:rules:changes includes when a matching file changed",
      files: { ".gitlab-ci.yml": "include:\n  - local: docs.yml\n    rules:\n      - changes: [docs/**/*]\n" + job("b"), "docs.yml": job("d") },
      ctx: { changedFiles: ["docs/a/x.md"] },
      jobs: ["d", "b"],
    },
    {
      name: "INC#include-with-ruleschanges: include:rules:changes skips when no matching file changed",
      files: { ".gitlab-ci.yml": "include:\n  - local: docs.yml\n    rules:\n      - changes: [docs/**/*]\n" + job("b"), "docs.yml": job("d") },
      ctx: { changedFiles: ["src/x.c"] },
      jobs: ["b"],
    },
    {
      name: "INC#include-with-rules: `when: never` excludes the include",
      files: { ".gitlab-ci.yml": "include:\n  - local: x.yml\n    rules:\n      - if: $CI_COMMIT_BRANCH == \"main\"\n        when: never\n      - when: always\n" + job("b"), "x.yml": job("x") },
      jobs: ["b"],
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });

  it("INC#include: the include limit (150) counts duplicates", async () => {
    const list = Array.from({ length: 151 }, () => "a.yml").join(", ");
    await checkCase({ name: "", files: { ".gitlab-ci.yml": `include: [${list}]\n`, "a.yml": job("a") }, error: "150" });
  });
});

describe("ci/yaml/includes: other projects are not analysed, never silently wrong", () => {
  it("a project include of another project warns and marks the config incomplete", async () => {
    const p = await checkCase({
      name: "",
      files: "include:\n  - project: other/templates\n    ref: v1\n    file: [a.yml]\n" + job("b"),
      jobs: ["b"],
    });
    expect(p.warnings.map((w) => w.message).join("\n")).toMatch(/other\/templates.*not analysed/);
  });

  it("a component include names the component in its warning", async () => {
    const p = await checkCase({
      name: "",
      files: "include:\n  - component: $CI_SERVER_FQDN/my-org/security/secret-detection@1.0.0\n" + job("b"),
      jobs: ["b"],
    });
    expect(p.warnings.map((w) => w.message).join("\n")).toContain("my-org/security/secret-detection@1.0.0");
  });
});

describe("ci/yaml/inputs", () => {
  const spec = (inputs: string, body: string) => `spec:\n  inputs:\n${inputs}---\n${body}`;
  const withInclude = (inputsGiven: string, inputs: string, body: string): Record<string, string> => ({
    ".gitlab-ci.yml": `include:\n  - local: t.yml\n    inputs:\n${inputsGiven}`,
    "t.yml": spec(inputs, body),
  });
  it.each<SemanticsCase>([
    {
      name: "IN#spec-inputs: the default is used when the include gives no value",
      files: withInclude("      {}\n", "    stage:\n      default: test\n", "j:\n  stage: $[[ inputs.stage ]]\n  script: x\n"),
      job: { j: { stage: "test" } },
    },
    {
      name: "IN#spec-inputs: a given string replaces the default",
      files: withInclude("      stage: deploy\n", "    stage:\n      default: test\n", "j:\n  stage: $[[ inputs.stage ]]\n  script: x\n"),
      job: { j: { stage: "deploy" } },
    },
    {
      name: "IN#input-types: a number inside text",
      files: withInclude("      n: 3\n", "    n:\n      type: number\n", "j:\n  variables:\n    N: \"n=$[[ inputs.n ]]\"\n  script: x\n"),
      job: { j: { vars: { N: "n=3" } } },
    },
    {
      name: "IN#input-types: a boolean given as a string is rejected",
      files: withInclude("      b: \"true\"\n", "    b:\n      type: boolean\n", "j:\n  script: x\n"),
      error: "b",
    },
    {
      name: "IN#input-types: an array input as a whole value stays a list",
      files: withInclude("      tags: [a, b]\n", "    tags:\n      type: array\n", "j:\n  needs: $[[ inputs.tags ]]\n  script: x\na:\n  stage: build\n  script: x\nb:\n  stage: build\n  script: x\n"),
      job: { j: { needs: ["a", "b"] } },
    },
    {
      name: "IN#options: a value not in options is rejected",
      files: withInclude("      env: qa\n", "    env:\n      options: [dev, prod]\n", "j:\n  script: x\n"),
      error: "env",
    },
    {
      name: "IN#regex: a value that does not match the regex is rejected",
      files: withInclude("      version: latest\n", "    version:\n      regex: ^v\\d+\\.\\d+$\n", "j:\n  script: x\n"),
      error: "version",
    },
    {
      name: "IN#regex: a value that matches the regex is accepted",
      files: withInclude("      version: v1.2\n", "    version:\n      regex: ^v\\d+\\.\\d+$\n", "j:\n  variables:\n    V: $[[ inputs.version ]]\n  script: x\n"),
      job: { j: { vars: { V: "v1.2" } } },
    },
    {
      name: "IN#truncate: truncate(offset, length)",
      files: withInclude("      name: abcdefgh\n", "    name: {}\n", "j:\n  variables:\n    V: $[[ inputs.name | truncate(1,3) ]]\n  script: x\n"),
      job: { j: { vars: { V: "bcd" } } },
    },
    {
      name: "IN#posix_escape: a value with spaces and a quote is escaped for the shell",
      files: withInclude("      msg: it's ok\n", "    msg: {}\n", "j:\n  variables:\n    V: $[[ inputs.msg | posix_escape ]]\n  script: x\n"),
      job: { j: { vars: { V: "it\\'s\\ ok" } } },
    },
    {
      // Job names are not expanded later, so only expand_vars can turn the variable into its value.
      name: "IN#expand_vars: a known pre-pipeline variable is expanded (in a job name)",
      files: withInclude("      ref: $CI_DEFAULT_BRANCH\n", "    ref: {}\n", "build-$[[ inputs.ref | expand_vars ]]:\n  script: x\n"),
      jobs: ["build-main"],
    },
    {
      name: "IN#expand_vars: without expand_vars the variable stays as written",
      files: withInclude("      ref: $CI_DEFAULT_BRANCH\n", "    ref: {}\n", "build-$[[ inputs.ref ]]:\n  script: x\n"),
      jobs: ["build-$CI_DEFAULT_BRANCH"],
    },
    {
      name: "IN#regex: the default must match the regex too",
      files: withInclude("      {}\n", "    v:\n      default: main\n      regex: ^v\\d\n", "j:\n  script: x\n"),
      error: "RegEx",
    },
    {
      name: "IN#pipeline inputs: spec:inputs in the root file use their defaults",
      files: spec("    where:\n      default: deploy\n", "j:\n  stage: $[[ inputs.where ]]\n  script: x\n"),
      job: { j: { stage: "deploy" } },
    },
    {
      name: "IN#spec-inputs: an input without default and without value is an error",
      files: withInclude("      {}\n", "    needed: {}\n", "j:\n  script: x\n"),
      error: "needed",
    },
    {
      name: "IN#spec-inputs: an unknown input in the include is an error",
      files: withInclude("      nope: 1\n", "    a:\n      default: x\n", "j:\n  script: x\n"),
      error: "nope",
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });

  it("an include in an MR context still interpolates inputs", async () => {
    await checkCase({
      name: "",
      files: withInclude("      s: deploy\n", "    s: {}\n", "j:\n  stage: $[[ inputs.s ]]\n  script: x\n  rules:\n    - when: always\n"),
      ctx: { ref: mr("f", "main") },
      job: { j: { stage: "deploy" } },
    });
  });
});
