import { describe, expect, it } from "vitest";
import { compilePattern } from "../../src/gitlab-ci/expr/regex.js";
import { synthesiseName } from "../../src/analysis/synthesise-name.js";

describe("synthesiseName", () => {
  it.each([
    ["/^staging-[[:digit:]]+\\.[[:digit:]]/", "staging-1.0"],
    ["/staging-[[:digit:]]+\\.[[:digit:]]/", "staging-1.0"],
    ["/staging/", "staging"],
    ["/^stable-/", "stable-1"],
    ["/^v\\d+\\.\\d+\\.\\d+$/", "v1.0.0"],
    ["/^(main|master)$/", "main"],
    ["/^release\\/.+$/", "release/x"],
    ["/^RELEASE-[a-z]{2,}$/i", "RELEASE-aa"],
    ["/^(?:feature|fix)\\/[^\\/]+$/", "feature/x"],
    ["/^v[0-9]+(\\.[0-9]+){2}$/", "v1.0.0"],
  ])("%s gives %s", (pattern, name) => {
    expect(synthesiseName(pattern)).toBe(name);
    const compiled = compilePattern(pattern);
    expect(compiled.ok && compiled.pattern.test(name)).toBe(true);
  });

  it.each([
    ["a pattern that needs a space", "/^release candidate$/"],
    ["a back-reference RE2 rejects", "/^(a)\\1$/"],
    ["a Unicode class", "/^\\p{Greek}+$/"],
  ])("gives up on %s", (_what, pattern) => {
    expect(synthesiseName(pattern)).toBeUndefined();
  });
});
