import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/commands/parse-command.js";
import { parseSettingsText } from "../../src/config/parse-settings.js";

const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `l${i}: &l${i} [${Array(10).fill(i === 0 ? "*a" : `*l${i - 1}`).join(", ")}]`)].join("\n");

describe("a hostile .ci-explain.yml gets an error at its line, and the defaults apply", () => {
  it.each([
    ["invalid YAML", "project: [1\n", "yaml-syntax@.ci-explain.yml:2"],
    ["a list instead of a hash", "- 1\n", "config-invalid@.ci-explain.yml:1"],
    ["a scalar", "hello\n", "config-invalid@.ci-explain.yml:1"],
    ["a binary file", "\u0000\u00ff\u0000", "config-invalid@.ci-explain.yml:1"],
    ["a billion-laughs alias bomb", `${bomb}\n`, "yaml-alias-limit@.ci-explain.yml:"],
    ["flow nesting that would exhaust memory", `project: ${"[".repeat(30_000)}${"]".repeat(30_000)}\n`, "nesting-too-deep@.ci-explain.yml:1"],
    ["several documents", "project: a/b\n---\nproject: c/d\n", "yaml-syntax@.ci-explain.yml:"],
    ["a CRLF file with a BOM and a bad key", "\ufeffproject: a/b\r\nnope: 1\r\n", "config-invalid@.ci-explain.yml:2"],
  ])("%s", (_what, text, expected) => {
    const { settings, diagnostics } = parseSettingsText(text, ".ci-explain.yml");
    expect(diagnostics.map((d) => `${d.code}@${d.pos?.file}:${d.pos?.line}`).join(" ")).toContain(expected);
    expect(diagnostics.every((d) => d.severity === "error" || d.severity === "warning")).toBe(true);
    expect(settings.ciConfigPath).toBe(".gitlab-ci.yml");
  });
});

describe("a hostile /ci-explain comment gets a usage message, never an exception", () => {
  it.each([
    ["an unterminated quote", "/ci-explain 'staging", "unterminated ' quote"],
    ["a megabyte in one quoted token", `/ci-explain "${"a".repeat(1_000_000)}`, "unterminated \" quote"],
    ["a megabyte token", `/ci-explain ${"a".repeat(1_000_000)}`, "longer than 255 characters"],
    ["a hundred thousand branches", `/ci-explain ${"x ".repeat(100_000)}`, "at most 10 branches"],
    ["--var without a name", "/ci-explain --var =x", "is not a variable name"],
    ["job without a name", "/ci-explain job", "`job` needs a job name"],
    ["an unknown option", "/ci-explain --rm -rf", "unknown option `--rm`"],
  ])("%s", (_what, body, message) => {
    const parsed = parseCommand(body);
    expect(parsed.kind).toBe("usage-error");
    expect(parsed.kind === "usage-error" ? parsed.message : "").toContain(message);
  });

  it.each([
    ["a NUL before the command", "\u0000/ci-explain", "none"],
    ["a longer word", "/ci-explainer staging", "none"],
    ["CRLF after the command", "/ci-explain staging\r\nthanks", "command"],
  ])("%s → %s", (_what, body, kind) => {
    expect(parseCommand(body).kind).toBe(kind);
  });
});
