import { RE2JS } from "re2js";
import { describe, expect, it } from "vitest";
import { isValidRefName, synthesiseName } from "../../../src/analysis/synthesise-name.js";
import { chooseContexts } from "../../../src/analysis/contexts.js";
import { fromCondition } from "../../../src/analysis/ref-mentions.js";
import { defaultSettings } from "../../../src/config/defaults.js";

/** RE2 search of a GitLab `/body/flags` pattern, independent of the code under test. */
function re2Matches(pattern: string, subject: string): boolean {
  const m = /^\/(.*)\/([ismU]*)$/s.exec(pattern);
  if (!m) throw new Error(`not a pattern: ${pattern}`);
  const flags = m[2] ? `(?${m[2]})` : "";
  return RE2JS.compile(`${flags}${m[1]}`).matcher(subject).find();
}

const pos = { file: ".gitlab-ci.yml", line: 1 };

describe("context discovery: synthesised names are valid git refs that the pattern (RE2) matches", () => {
  it.each<[string, string]>([
    ["alternation with a slash", "/^(main|release\\/.*)$/"],
    ["inline (?i) flag", "/(?i)^release-\\d{2}$/"],
    ["i flag on the literal", "/^Stable-\\d+$/i"],
    ["two-digit counts and escaped dots", "/^\\d{2}\\.\\d{2}$/"],
    ["character class range", "/^[A-Z]+-[0-9]+$/"],
    ["POSIX class", "/^staging-[[:digit:]]+\\.[[:digit:]]+$/"],
    ["optional group", "/^v\\d+(\\.\\d+)?$/"],
    ["unanchored", "/hotfix/"],
    ["word class", "/^feature\\/\\w+$/"],
    ["negated class", "/^release-[^\\/]+$/"],
    ["an unanchored pattern that starts with a dot", "/\\.x$/"],
    ["a name that would end in .lock", "/^(.*\\.lock|main)$/"],
  ])("%s: %s", (_name, pattern) => {
    const name = synthesiseName(pattern);
    if (name === undefined) return expect.fail(`no name synthesised for ${pattern}`);
    expect(isValidRefName(name), name).toBe(true);
    expect(re2Matches(pattern, name), name).toBe(true);
  });

  it.each<[string, string]>([
    ["every match has a component starting with a dot", "/^ci\\/\\.tmp$/"],
    ["every match ends in .lock", "/^\\w+\\.lock$/"],
  ])("no name is synthesised when %s: %s", (_name, pattern) => {
    expect(synthesiseName(pattern)).toBeUndefined();
  });

  it.each<[string, string]>([
    ["a component starting with a dot", "ci/.tmp"],
    ["a leading dot", ".hidden"],
    ["a component ending in .lock", "a.lock/b"],
    ["the single character @", "@"],
    ["HEAD", "HEAD"],
    ["a backslash", "a\\b"],
    ["a space", "release candidate"],
  ])("isValidRefName rejects %s (git check-ref-format)", (_name, ref) => {
    expect(isValidRefName(ref)).toBe(false);
  });

  it.each<[string, string]>([
    ["a slash-separated name", "release/8.0"],
    ["dots inside", "v1.2.3"],
    ["an @ inside", "user@feature"],
  ])("isValidRefName accepts %s", (_name, ref) => {
    expect(isValidRefName(ref)).toBe(true);
  });
});

describe("context discovery: the ref tests a rule makes", () => {
  it.each<[string, string, Array<{ target: string; value: string; pattern: boolean }>]>([
    ["CI_COMMIT_REF_NAME literal", '$CI_COMMIT_REF_NAME == "stable-8.0"', [{ target: "branch", value: "stable-8.0", pattern: false }]],
    ["MR target branch literal", '$CI_MERGE_REQUEST_TARGET_BRANCH_NAME == "staging"', [{ target: "branch", value: "staging", pattern: false }]],
    ["literal on the left", '"main" == $CI_COMMIT_BRANCH', [{ target: "branch", value: "main", pattern: false }]],
    ["escaped slash in a regex literal", "$CI_COMMIT_BRANCH =~ /^release\\/.+$/", [{ target: "branch", value: "/^release/.+$/", pattern: true }]],
    ["a tag regex", "$CI_COMMIT_TAG =~ /^v\\d+/", [{ target: "tag", value: "/^v\\d+/", pattern: true }]],
    ["a string on the right of =~ that is not a pattern names no branch", '$CI_COMMIT_BRANCH =~ "main staging"', []],
  ])("%s", (_name, cond, want) => {
    expect(fromCondition(cond, pos).map(({ target, value, pattern }) => ({ target, value, pattern }))).toEqual(want);
  });
});

describe("context discovery: literal names a rule compares with", () => {
  const choose = (cond: string) =>
    chooseContexts({
      settings: defaultSettings(),
      project: "qemu-project/qemu",
      defaultBranch: "master",
      mentions: fromCondition(cond, pos),
      changedFiles: [],
    });

  it("a literal that is a valid branch name becomes a context", () => {
    expect(choose('$CI_COMMIT_REF_NAME == "staging-8.0"').contexts.map((c) => c.name)).toContain("staging-8.0");
  });

  it("a literal no branch can have (a space) gives no context, with a note", () => {
    const choice = choose('$CI_COMMIT_BRANCH == "release candidate"');
    expect(choice.contexts.map((c) => c.name)).not.toContain("release candidate");
    expect(choice.notes.join("\n")).toContain("release candidate");
  });
});
