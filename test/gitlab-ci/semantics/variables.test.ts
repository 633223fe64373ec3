import { describe, it } from "vitest";
import { checkCase, type SemanticsCase } from "./harness.js";

describe("ci/variables#cicd-variable-precedence", () => {
  it.each<SemanticsCase>([
    {
      name: "VAR#precedence: job > workflow:rules:variables > top-level",
      files: "workflow:\n  rules:\n    - variables:\n        A: wf\n        B: wf\nvariables:\n  A: top\n  B: top\n  C: top\nj:\n  script: x\n  variables:\n    B: job\n",
      job: { j: { vars: { A: "wf", B: "job", C: "top" } } },
    },
    {
      name: "VAR#precedence: rules:variables > job variables > workflow variables",
      files: "workflow:\n  rules:\n    - variables:\n        A: wf\nj:\n  script: x\n  variables:\n    A: job\n  rules:\n    - variables:\n        A: rule\n",
      job: { j: { vars: { A: "rule" } } },
    },
    {
      name: "VAR#precedence: project (context) variables beat every YAML variable",
      files: "variables:\n  A: top\nj:\n  script: x\n  variables:\n    A: job\n  rules:\n    - variables:\n        A: rule\n",
      ctx: { variables: { A: "project" } },
      job: { j: { vars: { A: "project" } } },
    },
    {
      name: "VAR#precedence: a YAML variable overrides a predefined one",
      files: "variables:\n  CI_COMMIT_REF_SLUG: mine\nj:\n  script: x\n",
      job: { j: { vars: { CI_COMMIT_REF_SLUG: "mine" } } },
    },
    {
      name: "Y#inheritvariables: false drops top-level variables, keeps workflow ones? (both are default variables)",
      files: "variables:\n  A: top\nj:\n  script: x\n  inherit:\n    variables: false\n",
      job: { j: { vars: { A: null } } },
    },
    {
      name: "Y#inheritvariables: a list keeps only the named ones",
      files: "variables:\n  A: a\n  B: b\nj:\n  script: x\n  inherit:\n    variables: [B]\n",
      job: { j: { vars: { A: null, B: "b" } } },
    },
    {
      name: "Y#parallelmatrix: matrix variables override job variables",
      files: "j:\n  script: x\n  variables:\n    OS: none\n  parallel:\n    matrix:\n      - OS: [linux]\n",
      job: { "j: [linux]": { vars: { OS: "linux" } } },
    },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml#variables: values and expansion", () => {
  it.each<SemanticsCase>([
    { name: "Y#variables: a float is stored as Ruby prints it (1.10 → 1.1)", files: "variables:\n  VERSION: 1.10\nj:\n  script: x\n", job: { j: { vars: { VERSION: "1.1" } } } },
    { name: "Y#variables: an integer", files: "variables:\n  N: 010\nj:\n  script: x\n", job: { j: { vars: { N: "8" } } } },
    { name: "Y#variables: a boolean becomes true", files: "variables:\n  FLAG: true\n  DISABLED: no\nj:\n  script: x\n", job: { j: { vars: { FLAG: "true", DISABLED: "false" } } } },
    { name: "Y#variables: a quoted number stays as written", files: "variables:\n  V: \"1.10\"\nj:\n  script: x\n", job: { j: { vars: { V: "1.10" } } } },
    { name: "Y#variablesexpand: expand: false keeps $ literally, also when referenced", files: "variables:\n  RAW:\n    value: a$HOME\n    expand: false\n  USE: x-$RAW\nj:\n  script: x\n", job: { j: { vars: { RAW: "a$HOME", USE: "x-a$HOME" } } } },
    { name: "WV#expansion: $$ is a literal $", files: "variables:\n  P: cost$$5\nj:\n  script: x\n", job: { j: { vars: { P: "cost$5" } } } },
    { name: "WV#expansion: a variable refers to a later-defined one", files: "variables:\n  A: $B-x\n  B: b\nj:\n  script: x\n", job: { j: { vars: { A: "b-x" } } } },
    { name: "WV#expansion: a job variable refers to a top-level one", files: "variables:\n  REG: r.io\nj:\n  script: x\n  variables:\n    IMG: $REG/app\n", job: { j: { vars: { IMG: "r.io/app" } } } },
    { name: "Y#variablesvalue: the value/description form", files: "variables:\n  D:\n    value: dev\n    description: Which env\nj:\n  script: x\n", job: { j: { vars: { D: "dev" } } } },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});

describe("ci/yaml#image and default", () => {
  it.each<SemanticsCase>([
    { name: "Y#image: a name without a tag means :latest", files: "j:\n  image: debian\n  script: x\n", job: { j: { image: "debian:latest" } } },
    { name: "Y#image: a registry port is not a tag", files: "j:\n  image: reg:5000/debian\n  script: x\n", job: { j: { image: "reg:5000/debian:latest" } } },
    { name: "Y#image: variables expanded by the runner", files: "variables:\n  TAG: \"12\"\nj:\n  image: debian:$TAG\n  script: x\n", job: { j: { image: "debian:12" } } },
    { name: "Y#image: $$ escapes a dollar", files: "j:\n  image: debian:a$$b\n  script: x\n", job: { j: { image: "debian:a$b" } } },
    { name: "Y#default: default image when the job has none", files: "default:\n  image: alpine:3\nj:\n  script: x\n", job: { j: { image: "alpine:3" } } },
    { name: "Y#default: the job's image replaces it", files: "default:\n  image: alpine:3\nj:\n  image: debian:12\n  script: x\n", job: { j: { image: "debian:12" } } },
    { name: "Y#inheritdefault: false gives no default image", files: "default:\n  image: alpine:3\nj:\n  script: x\n  inherit:\n    default: false\n", job: { j: { image: undefined as unknown as string } } },
    { name: "Y#inheritdefault: a list", files: "default:\n  image: alpine:3\nj:\n  script: x\n  inherit:\n    default: [image]\n", job: { j: { image: "alpine:3" } } },
    { name: "Y#image: deprecated top-level image acts as default", files: "image: alpine:3\nj:\n  script: x\n", job: { j: { image: "alpine:3" } } },
    { name: "Y#image: a project variable in the image", files: "j:\n  image: $CI_REGISTRY_IMAGE/ci:$CI_COMMIT_REF_SLUG\n  script: x\n", ctx: { project: { path: "Group/My-Proj", defaultBranch: "main" } }, job: { j: { image: "registry.gitlab.com/group/my-proj/ci:main" } } },
  ])("$name", async (c) => {
    await checkCase(c);
  });
});
