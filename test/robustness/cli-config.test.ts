import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/app/cli/main.js";

/** A directory outside git: every command reads its files as they are on disk. */
type Files = Record<string, string | Uint8Array>;
const made: string[] = [];
afterEach(() => made.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function run(files: Files, ...args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "ci-explain-robustness-"));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  let stdout = "";
  let stderr = "";
  const code = await main([...args, ...(args[0] === "eval" ? [] : ["--repo", dir])], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, env: {} });
  return { code, stdout, stderr };
}

const ci = (text: string | Uint8Array): Files => ({ ".gitlab-ci.yml": text });
const job = "job:\n  script: make\n";
const extendsChain = (n: number) =>
  Array.from({ length: n }, (_, i) => `.t${i}:\n  extends: .t${i + 1}\n`).join("") + `.t${n}:\n  script: x\njob:\n  extends: .t0\n`;
const aliasBomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `l${i}: &l${i} [${Array(10).fill(i === 0 ? "*a" : `*l${i - 1}`).join(", ")}]`)].join("\n") + "\n";
const wildcard150 = Object.fromEntries([[".gitlab-ci.yml", "include: 'ci/*.yml'\n"], ...Array.from({ length: 160 }, (_, i) => [`ci/f${i}.yml`, `j${i}:\n  script: x\n`])]);
/** GitLab's default `max_yaml_size_bytes`: `2.megabytes` in Rails (CI/CD limits docs, 17.3+). */
const MIB2 = 2 * 1024 * 1024;
/** A valid CI file of exactly `n` bytes: one job, then a comment line filling the rest. */
const ofBytes = (n: number) => `${job}#${"x".repeat(n - job.length - 2)}\n`;
const values = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(", ")}]`;

/** Config errors: exit 1, and the message names the file and line (and says what is wrong). */
const broken: Array<[string, Files, string]> = [
  ["an empty file", ci(""), ".gitlab-ci.yml:1: error: .gitlab-ci.yml is empty"],
  ["no CI file at all", { README: "x" }, ".gitlab-ci.yml:1: error: .gitlab-ci.yml does not exist"],
  ["a YAML list", ci("- a\n- b\n"), ".gitlab-ci.yml:1:1: error: .gitlab-ci.yml should be a hash of jobs and keywords, not a list"],
  ["a scalar", ci("hello\n"), "not a single value"],
  ["two YAML documents", ci(`${job}---\n${job}`), "has 2 YAML documents"],
  ["a list as a hash key", ci(`${job}? [a]\n: z\n`), ".gitlab-ci.yml:3:3: error: a hash key must be a plain value"],
  ["a binary file", ci(new Uint8Array([0x6a, 0x3a, 0x0a, 0x00, 0xff, 0xfe, 0x0a])), ".gitlab-ci.yml:2:1: error: .gitlab-ci.yml contains a NUL byte"],
  ["invalid YAML with CRLF line ends", ci("job:\r\n  script: x\r\nbad: [\r\n"), ".gitlab-ci.yml:4:1: error: YAML syntax error"],
  ["invalid YAML after a BOM", ci("\ufeffjob:\n  image: [a\n"), "[yaml-syntax]"],
  ["an include cycle", { ".gitlab-ci.yml": `include: a.yml\n${job}`, "a.yml": "include: b.yml\n", "b.yml": "include: a.yml\n" }, "b.yml:1:10: error: include cycle: a.yml → b.yml → a.yml"],
  ["a file including itself", ci(`include: .gitlab-ci.yml\n${job}`), "include cycle: .gitlab-ci.yml → .gitlab-ci.yml"],
  ["160 includes through one wildcard", wildcard150, ".gitlab-ci.yml:1:10: error: more than 150 includes"],
  ["an extends loop through an include", { ".gitlab-ci.yml": "include: a.yml\n.a:\n  extends: .b\njob:\n  extends: .a\n", "a.yml": ".b:\n  extends: .a\n" }, "a.yml:2:3: error: .b: circular dependency in `extends` (.b → .a → .b)"],
  ["a 2,000-deep extends chain", ci(extendsChain(2000)), ".gitlab-ci.yml:24:3: error: .t0: `extends` is nested deeper than 11 levels"],
  ["a !reference loop", ci(".a:\n  script: !reference [.b, script]\n.b:\n  script: !reference [.a, script]\njob:\n  script: !reference [.a, script]\n"), "references are nested deeper than 10 levels"],
  ["an anchor defined in another file", { ".gitlab-ci.yml": "include: a.yml\njob:\n  <<: *t\n", "a.yml": ".t: &t\n  script: x\n" }, ".gitlab-ci.yml:3:7: error: alias *t refers to itself or to nothing"],
  ["a billion-laughs alias bomb", ci(aliasBomb), "YAML aliases expand to more than 1000000 values"],
  ["500-deep flow nesting", ci(`${job}  variables: ${"{a: ".repeat(500)}1${"}".repeat(500)}\n`), "error: YAML is nested deeper than 100 levels"],
  ["a file one byte over GitLab's 2 MB (2 MiB) per-file limit", ci(ofBytes(MIB2 + 1)), "is 2097153 bytes; the limit for one CI file is 2097152 bytes [file-too-large]"],
];

describe("a broken .gitlab-ci.yml: exit 1 with file:line, never a crash", () => {
  it.each(broken)("jobs: %s", async (_what, files, message) => {
    const { code, stdout } = await run(files, "jobs");
    expect(code).toBe(1);
    expect(stdout).toContain(message);
  });

  it.each(broken)("simulate: %s", async (_what, files, message) => {
    const { code, stdout } = await run(files, "simulate", "--branch", "main");
    expect(code).toBe(1);
    expect(stdout).toContain("NOT CREATED (config-error)");
    expect(stdout).toContain(message);
  });
});

const badExpressions: Array<[string, Files, string]> = [
  ["an unbalanced rules:if", ci(`${job}  rules:\n    - if: '$A == ((('\n`), ".gitlab-ci.yml:4:11: error: job rule 1: invalid expression `$A == (((`: unmatched `(`"],
  ["a back-reference RE2 refuses", ci(`${job}  rules:\n    - if: '$CI_COMMIT_BRANCH =~ /(a)\\1/'\n`), "GitLab uses RE2"],
];

describe("an invalid rules:if is a configuration error as soon as the file is read, as in GitLab's lint", () => {
  it.each(badExpressions)("jobs: %s", async (_what, files, message) => {
    const { code, stdout } = await run(files, "jobs");
    expect(code).toBe(1);
    expect(stdout).toContain(message);
  });
});

describe("limits and bad expressions that the simulation meets: exit 1 with file:line", () => {
  it.each([
    ["parallel:matrix of 225 jobs", ci(`${job}  parallel:\n    matrix:\n      - A: ${values(15)}\n        B: ${values(15)}\n`), ".gitlab-ci.yml:4:5: error: job: parallel:matrix generates too many jobs (maximum is 200)"],
    ["an unbalanced rules:if", ci(`${job}  rules:\n    - if: '$A == ((('\n`), ".gitlab-ci.yml:4:11: error: job rule 1: invalid expression `$A == (((`: unmatched `(`"],
    ["a back-reference RE2 refuses", ci(`${job}  rules:\n    - if: '$CI_COMMIT_BRANCH =~ /(a)\\1/'\n`), "GitLab uses RE2"],
    ["an if: over the 100-token limit", ci(`${job}  rules:\n    - if: '${Array(40).fill('$A == "x"').join(" && ")}'\n`), "GitLab rejects an expression once it reaches 100 tokens"],
  ])("%s", async (_what, files, message) => {
    const { code, stdout } = await run(files, "simulate", "--branch", "main");
    expect(code).toBe(1);
    expect(stdout).toContain(message);
  });
});

describe("odd but valid input still loads (exit 0)", () => {
  it.each([
    ["a catastrophic-backtracking regex (RE2 is linear)", ci(`${job}  rules:\n    - if: '$CI_COMMIT_BRANCH =~ /^(a+)+$/'\n`), "job"],
    ["a file of exactly 2 MiB, GitLab's per-file limit", ci(ofBytes(MIB2)), "job"],
    ["a script line of 900 kB", ci(`job:\n  script: "docker build -t ${"a".repeat(900_000)} ."\n`), "job"],
    ["shell lines with unbalanced quotes and 5,000 nested $(", ci(`job:\n  script:\n    - docker build -t "x:$(echo \${A:-'b}\n    - docker push ${"$(".repeat(5000)}\n`), "job"],
    ["an image ref with odd characters", ci(`${job}  image: "UPPER/../@@::sha256:zz"\n  services: [{name: '::'}]\n`), "image: UPPER/../@@::sha256:zz"],
    ["CRLF line ends and a BOM", ci("\ufeffjob:\r\n  script: make\r\n"), "job"],
    ["Latin-1 bytes (not UTF-8)", ci(new Uint8Array([...Buffer.from("job:\n  script: caf"), 0xe9, 0x0a])), "job"],
    ["keys that are numbers, booleans and null", ci("1:\n  script: x\ntrue:\n  script: y\n"), "true"],
  ])("%s", async (_what, files, shown) => {
    const { code, stdout } = await run(files, "simulate", "--branch", "main");
    expect(code).toBe(0);
    expect(stdout).toContain(shown);
  });

  it("prints a job name's control characters as escapes, so a name cannot drive the terminal", async () => {
    const { code, stdout } = await run(ci('"evil\\u001b[2J\\u0007":\n  script: x\n'), "jobs");
    expect(code).toBe(0);
    expect(stdout).toContain("evil\\u{1b}[2J\\u{7}");
    expect(stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });

  it("reports a broken .ci-explain.yml on stderr with its line and still simulates with the defaults", async () => {
    const { code, stdout, stderr } = await run({ ...ci(job), ".ci-explain.yml": "project: [1\n" }, "simulate", "--branch", "main");
    expect(code).toBe(0);
    expect(stdout).toContain("created: 1 job");
    expect(stderr).toContain(".ci-explain.yml:2:1: error:");
  });
});

describe("eval: a hostile expression is a usage error with its column (exit 2)", () => {
  it.each([
    ["an empty expression", "", "at column 1: empty expression"],
    ["5,000 nested parentheses", `${"(".repeat(5000)}$A${")".repeat(5000)}`, "GitLab rejects an expression once it reaches 100 tokens"],
    ["5,000 unclosed parentheses", "(".repeat(5000), "too many tokens"],
    ["a 200 kB string", `$A == '${"x".repeat(200_000)}'`, "expression is longer than 65536 characters"],
    ["an unterminated string", "$A == 'abc", "at column 7: unterminated string"],
    ["an unterminated regex", "$A =~ /abc", "at column 7: unterminated regular expression"],
    ["a lookahead", "$A =~ /(?=a)/", "GitLab uses RE2"],
    ["two values in a row", "$A $B", "at column 4: missing operator"],
    ["5,000 bangs", `${"!".repeat(5000)}$A`, "is not an operator"],
  ])("%s", async (_what, expression, message) => {
    const { code, stderr } = await run({}, "eval", expression);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr.length).toBeLessThan(2000);
  });

  it("answers a catastrophic-backtracking regex at once (RE2 semantics)", async () => {
    const { code, stdout } = await run({}, "eval", "$A =~ /^(a+)+$/", "--var", `A=${"a".repeat(40)}!`);
    expect(code).toBe(0);
    expect(stdout).toBe("false\n");
  });
});
