import { describe, expect, it } from "vitest";
import { compilePattern, compilePatterns, isSelected, literalOf, synthesiseName } from "../../src/github-actions/filter-pattern.js";

function selected(patterns: string[], name: string): boolean {
  const { patterns: compiled, errors } = compilePatterns(patterns);
  expect(errors).toEqual([]);
  return isSelected(compiled, name).selected;
}

// The cases of the "filter pattern cheat sheet" in GitHub's workflow syntax docs.
describe("patterns to match branches and tags", () => {
  it.each<[string[], string, boolean]>([
    [["feature/*"], "feature/my-branch", true],
    [["feature/*"], "feature/your-branch", true],
    [["feature/*"], "feature/a/b", false],
    [["feature/**"], "feature/beta-a/my-branch", true],
    [["feature/**"], "feature/mona/the/octocat", true],
    [["main", "releases/mona-the-octocat"], "main", true],
    [["main", "releases/mona-the-octocat"], "releases/mona-the-octocat", true],
    [["main", "releases/mona-the-octocat"], "releases/other", false],
    [["*"], "main", true],
    [["*"], "releases", true],
    [["*"], "releases/x", false],
    [["**"], "all/the/branches", true],
    [["**"], "every/tag", true],
    [["*feature"], "mona-feature", true],
    [["*feature"], "feature", true],
    [["*feature"], "ver-10-feature", true],
    [["v2*"], "v2", true],
    [["v2*"], "v2.0", true],
    [["v2*"], "v2.9", true],
    [["v2*"], "v3", false],
    [["v[12].[0-9]+.[0-9]+"], "v1.10.1", true],
    [["v[12].[0-9]+.[0-9]+"], "v2.0.0", true],
    [["v[12].[0-9]+.[0-9]+"], "v3.0.0", false],
    [["v[12].[0-9]+.[0-9]+"], "v1.x.0", false],
    // `?` is zero or one of the preceding character, `.` is literal
    [["Octoc?at"], "Octocat", true],
    [["Octoc?at"], "Octoat", true],
    [["v1.0"], "v1x0", false],
  ])("%j selects %s: %s", (patterns, name, expected) => {
    expect(selected(patterns, name)).toBe(expected);
  });
});

describe("patterns to match file paths", () => {
  it.each<[string[], string, boolean]>([
    [["*"], "README.md", true],
    [["*"], "server.rb", true],
    [["*"], "docs/README.md", false],
    [["*.jsx?"], "page.js", true],
    [["*.jsx?"], "page.jsx", true],
    [["*.jsx?"], "page.jsxx", false],
    [["**"], "all/the/files.md", true],
    [["*.js"], "app.js", true],
    [["*.js"], "js/index.js", false],
    [["**.js"], "index.js", true],
    [["**.js"], "js/index.js", true],
    [["**.js"], "src/js/app.js", true],
    [["docs/*"], "docs/README.md", true],
    [["docs/*"], "docs/file.txt", true],
    [["docs/*"], "docs/mona/octocat.txt", false],
    [["docs/**"], "docs/README.md", true],
    [["docs/**"], "docs/mona/octocat.txt", true],
    [["docs/**/*.md"], "docs/README.md", true],
    [["docs/**/*.md"], "docs/mona/hello-world.md", true],
    [["docs/**/*.md"], "docs/a/markdown/file.md", true],
    [["**/docs/**"], "docs/hello.md", true],
    [["**/docs/**"], "dir/docs/my-file.txt", true],
    [["**/docs/**"], "space/docs/plan/space.doc", true],
    [["**/README.md"], "README.md", true],
    [["**/README.md"], "js/README.md", true],
    [["**/*src/**"], "a/src/app.js", true],
    [["**/*src/**"], "my-src/code/js/app.js", true],
    [["**/*-post.md"], "my-post.md", true],
    [["**/*-post.md"], "path/their-post.md", true],
    [["**/migrate-*.sql"], "migrate-10909.sql", true],
    [["**/migrate-*.sql"], "db/migrate-v1.0.sql", true],
    [["**/migrate-*.sql"], "db/sept/migrate-v1.sql", true],
    // `!` negates what matched before it; a later positive pattern includes again
    [["*.md", "!README.md"], "hello.md", true],
    [["*.md", "!README.md"], "README.md", false],
    [["*.md", "!README.md"], "docs/hello.md", false],
    [["*.md", "!README.md", "README*"], "hello.md", true],
    [["*.md", "!README.md", "README*"], "README.md", true],
    [["*.md", "!README.md", "README*"], "README.doc", true],
    // escapes
    [["\\!file"], "!file", true],
    [["a\\*b"], "a*b", true],
    [["a\\*b"], "axb", false],
  ])("%j selects %s: %s", (patterns, name, expected) => {
    expect(selected(patterns, name)).toBe(expected);
  });
});

describe("invalid patterns are errors, not exceptions", () => {
  it.each<[string, string]>([
    ["empty brackets", "v[]"],
    ["unclosed bracket", "v[12"],
    ["range outside a-z/A-Z/0-9", "v[a-Z]"],
    ["a symbol inside brackets", "v[.]"],
    ["a trailing backslash", "v\\"],
  ])("%s: %s", (_name, pattern) => {
    const r = compilePattern(pattern);
    expect(r.ok).toBe(false);
  });
});

describe("names for contexts", () => {
  it.each<[string, string | undefined]>([
    ["main", "main"],
    ["release/v\\*", "release/v*"],
    ["release/*", undefined],
    ["!main", undefined],
  ])("literal of %s", (pattern, expected) => {
    expect(literalOf(pattern)).toBe(expected);
  });

  it.each<[string]>([["release/*"], ["releases/**"], ["v[12].[0-9]+.[0-9]+"], ["**/staging-*"], ["Octoc?at"]])("a synthesised name matches %s", (pattern) => {
    const name = synthesiseName(pattern);
    expect(name).toBeDefined();
    expect(selected([pattern], name!)).toBe(true);
  });
});
