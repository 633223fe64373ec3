import { describe, expect, it } from "vitest";
import { DEFAULT_LOAD_LIMITS, parseYaml } from "../../../src/gitlab-ci/index.js";
import { nodeToPlain, scalarText, type YNode } from "../../../src/gitlab-ci/yaml/node.js";
import { resolvePsychScalar } from "../../../src/gitlab-ci/yaml/psych-scalar.js";

const valueOf = (yamlValue: string, schema?: "psych" | "core-1.2") => {
  const parsed = parseYaml("ci.yml", `v: ${yamlValue}\n`, DEFAULT_LOAD_LIMITS, { schema });
  const body = parsed.body;
  return body?.kind === "map" ? body.entries.get("v")?.value : undefined;
};

describe("plain scalars as Ruby Psych reads them (GitLab)", () => {
  it.each([
    ["y stays a string", "y", "y"],
    ["Y stays a string", "Y", "Y"],
    ["n stays a string", "n", "n"],
    ["N stays a string", "N", "N"],
    ["yes", "yes", true],
    ["Yes", "Yes", true],
    ["YES", "YES", true],
    ["mixed case yEs (Psych is case-insensitive)", "yEs", true],
    ["on", "on", true],
    ["ON", "ON", true],
    ["true", "true", true],
    ["tRuE", "tRuE", true],
    ["no", "no", false],
    ["off", "off", false],
    ["Off", "Off", false],
    ["FALSE", "FALSE", false],
    ["null", "null", null],
    ["NULL", "NULL", null],
    ["~", "~", null],
    ["yes please is a string", "yes please", "yes please"],
    ["octal 0755", "0755", 493],
    ["08 is not octal, so a string", "08", "08"],
    ["underscores 1_000", "1_000", 1000],
    ["commas 1,000 (Psych's legacy integers)", "1,000", 1000],
    ["hex 0x1F", "0x1F", 31],
    ["binary 0b101", "0b101", 5],
    ["negative -42", "-42", -42],
    ["float 1.5", "1.5", 1.5],
    ["1e3 without a dot is a string", "1e3", "1e3"],
    ["1.0e+3 is a float", "1.0e+3", 1000],
    [".inf", ".inf", Infinity],
    ["-.Inf", "-.Inf", -Infinity],
    ["sexagesimal 1:30", "1:30", 90],
    ["a version 3.10 is the float 3.1", "3.10", 3.1],
    ["a lone dot is a string", ".", "."],
  ])("%s", (_name, text, expected) => {
    expect(resolvePsychScalar(text)).toEqual(expected);
    expect(nodeToPlain(valueOf(text) as YNode)).toEqual(expected);
  });

  it.each([
    ["a quoted 'yes' stays a string", "'yes'", "yes"],
    ["an explicit !!str tag wins", "!!str on", "on"],
  ])("%s", (_name, text, expected) => {
    expect(nodeToPlain(valueOf(text) as YNode)).toEqual(expected);
  });

  it.each([
    ["octal 0755", "0755", "493"],
    ["1_000", "1_000", "1000"],
    ["3.10", "3.10", "3.1"],
    ["1.0", "1.0", "1.0"],
    [".inf", ".inf", "Infinity"],
    ["y", "y", "y"],
    ["on", "on", "true"],
  ])("a variable value %s is the text %s", (_name, text, expected) => {
    const node = valueOf(text);
    expect(node?.kind).toBe("scalar");
    if (node?.kind === "scalar") expect(scalarText(node)).toBe(expected);
  });

  it("a key reads like a value: `y:` is the key y, `on:` the key true", () => {
    const body = parseYaml("ci.yml", "y: 1\non: 2\n", DEFAULT_LOAD_LIMITS).body;
    expect(nodeToPlain(body as YNode)).toEqual({ y: 1, true: 2 });
  });
});

describe("the YAML 1.2 core schema (GitHub Actions)", () => {
  it.each([
    ["on stays a string", "on", "on"],
    ["yes stays a string", "yes", "yes"],
    ["y stays a string", "y", "y"],
    ["true is a boolean", "true", true],
    ["0755 is decimal", "0755", 755],
    ["1_000 is a string", "1_000", "1_000"],
  ])("%s", (_name, text, expected) => {
    expect(nodeToPlain(valueOf(text, "core-1.2") as YNode)).toEqual(expected);
  });

  it("keeps the key `on` as the string on", () => {
    const body = parseYaml("w.yml", "on: push\n", DEFAULT_LOAD_LIMITS, { schema: "core-1.2" }).body;
    expect(nodeToPlain(body as YNode)).toEqual({ on: "push" });
  });
});
