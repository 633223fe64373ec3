import { describe, expect, it } from "vitest";
import { compilePathGlob, expandBraces, globSourceFiles, matchesPathGlob } from "../../src/core/fnmatch.js";
import { MemorySource } from "../../src/core/memory-source.js";

// Expected values follow Ruby: File.fnmatch?(pattern, path, FNM_PATHNAME | FNM_DOTMATCH | FNM_EXTGLOB)
describe("matchesPathGlob (Ruby File.fnmatch with PATHNAME|DOTMATCH|EXTGLOB)", () => {
  it.each([
    ["star stays inside one directory", "*.yml", "a.yml", true],
    ["star does not cross a slash", "*.yml", "dir/a.yml", false],
    ["star matches a dotfile (DOTMATCH)", "*", ".gitlab-ci.yml", true],
    ["**/ matches zero directories", "**/*.yml", "a.yml", true],
    ["**/ matches several directories", "**/*.yml", "a/b/c.yml", true],
    ["**/ enters dot-directories (DOTMATCH)", "**/*.yml", ".gitlab/ci/a.yml", true],
    ["** without a slash is a plain star", "docs/**.md", "docs/a/b.md", false],
    ["** without a slash matches one level", "docs/**.md", "docs/b.md", true],
    ["dir/** matches one entry below dir", "docs/**", "docs/a.md", true],
    ["dir/** does not match two levels", "docs/**", "docs/a/b.md", false],
    ["dir/**/* matches deep files", "docs/**/*", "docs/a/b.md", true],
    ["question mark is one character", "file?.txt", "file1.txt", true],
    ["question mark does not match a slash", "a?b", "a/b", false],
    ["character class", "[ab].txt", "b.txt", true],
    ["negated class with !", "[!ab].txt", "c.txt", true],
    ["negated class with ^", "[^ab].txt", "a.txt", false],
    ["range", "v[0-9].yml", "v7.yml", true],
    ["range misses", "v[0-9].yml", "vx.yml", false],
    ["braces expand (EXTGLOB)", "*.{yml,yaml}", "x.yaml", true],
    ["nested braces", "{a,b{c,d}}.txt", "bd.txt", true],
    ["brace miss", "*.{yml,yaml}", "x.json", false],
    ["backslash escapes a star", "a\\*.txt", "a*.txt", true],
    ["escaped star is literal", "a\\*.txt", "ab.txt", false],
    ["case-sensitive", "Dockerfile", "dockerfile", false],
    ["exact path", "tests/docker/dockerfiles/fedora.docker", "tests/docker/dockerfiles/fedora.docker", true],
    ["whole path must match", "tests/*", "tests/docker/x", false],
    ["empty class never matches", "[]", "a", false],
  ])("%s: %s vs %s → %s", (_name, pattern, path, expected) => {
    expect(matchesPathGlob(pattern, path)).toBe(expected);
  });

  it("answers quickly for a pattern built to backtrack", () => {
    const matcher = compilePathGlob(`${"*a".repeat(40)}b`);
    expect(matcher("a".repeat(2000))).toBe(false);
  });

  it("caps brace expansion instead of exploding", () => {
    expect(expandBraces("{a,b}".repeat(30)).length).toBeLessThanOrEqual(1024);
  });

  it("globs a file source's file list, sorted", async () => {
    const source = new MemorySource({ "b/x.yml": "", "a/y.yml": "", "a/z.txt": "", ".c/w.yml": "" });
    expect(await globSourceFiles(source, "**/*.yml")).toEqual([".c/w.yml", "a/y.yml", "b/x.yml"]);
  });
});
