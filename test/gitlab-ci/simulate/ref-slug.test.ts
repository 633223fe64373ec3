import { describe, expect, it } from "vitest";
import { slugify } from "../../../src/gitlab-ci/simulate/index.js";

describe("CI_COMMIT_REF_SLUG (GitLab's slugify)", () => {
  it.each([
    ["a stable branch", "staging-8.0", "staging-8-0"],
    ["upper case and slashes", "Feature/ABC_1", "feature-abc-1"],
    ["leading and trailing separators", "--/release/", "release"],
    ["a non-ASCII letter becomes one dash", "café", "caf"],
    ["an astral character becomes one dash", "a😀b", "a-b"],
    ["63 characters kept", "x".repeat(70), "x".repeat(63)],
    ["truncated first, then the trailing dash stripped", `${"a".repeat(62)}.b`, "a".repeat(62)],
    ["only separators", "///", ""],
  ])("%s: %s → %s", (_what, ref, slug) => {
    expect(slugify(ref)).toBe(slug);
  });
});
