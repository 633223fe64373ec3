import { describe, expect, it } from "vitest";
import { evaluateConditionInScope } from "../../../src/gitlab-ci/simulate/condition.js";
import type { VarEntry, VarLookup } from "../../../src/gitlab-ci/simulate/variable-entry.js";

/**
 * One unknown variable read several times in one `rules:if`: every read sees the same value
 * (worlds.ts). Expected results are what GitLab gives for every value the variable can have.
 */
function scope(entries: Record<string, Partial<VarEntry>>): VarLookup {
  const map = new Map<string, VarEntry>();
  for (const [name, e] of Object.entries(entries)) map.set(name, { name, raw: "", expand: false, origin: "predefined", unknown: "not known", ...e });
  return map;
}

const unknown = scope({ U: {} });
const maybeUnset = scope({ U: { maybeAbsent: true, nonEmpty: true } });
const setNonEmpty = scope({ U: { nonEmpty: true } });
const two = scope({ U: {}, V: {} });

describe("reads of one unknown value are correlated", () => {
  it.each<[string, string, VarLookup, true | false | "unknown"]>([
    ["equal or not equal to one text", '$U == "a" || $U != "a"', unknown, true],
    ["equal to two texts at once", '$U == "a" && $U == "b"', unknown, false],
    ["matched or not by one pattern", "$U =~ /^v[0-9]/ || $U !~ /^v[0-9]/", unknown, true],
    ["equal to a text the pattern does not match, and matched", '$U == "main" && $U =~ /^release/', unknown, false],
    ["equal to a text the pattern matches, and matched", '$U == "release-1" && $U =~ /^release/', unknown, "unknown"],
    ["one comparison alone", '$U == "a"', unknown, "unknown"],
    ["set, or not, with null", "$U == null || $U != null", maybeUnset, true],
    ["maybe unset: its truth", "$U", maybeUnset, "unknown"],
    ["always set and never empty: its truth", "$U", setNonEmpty, true],
    ["always set and never empty: equal to the empty text", '$U == ""', setNonEmpty, false],
    ["set, maybe empty: its truth", "$U", unknown, "unknown"],
    ["two unknown values compared: not known", "$U == $V", two, "unknown"],
    ["one value compared with itself", "$U == $U", unknown, true],
    ["a substring test and its negation", '$U =~ "abc" || $U !~ "abc"', unknown, true],
  ])("%s: `%s`", (_what, text, vars, expected) => {
    expect(evaluateConditionInScope(text, vars).result).toBe(expected);
  });

  it("names what the uncertain answer depends on, and nothing when the answer is certain", () => {
    expect(evaluateConditionInScope('$U == "a"', unknown).unknowns).toEqual(["U"]);
    const certain = evaluateConditionInScope('$U == "a" || $U != "a"', unknown);
    expect(certain.unknowns).toEqual([]);
    expect(certain.reads).toEqual({ U: "(value not known)" });
  });
});
