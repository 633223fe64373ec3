import { describe, expect, it } from "vitest";
import { branch, context, simulateYaml } from "./build.js";

/**
 * GitLab takes the first matching rule. A rule whose result is unknown (here: `changes:` on a
 * branch push whose diff is not known) only makes the outcome uncertain when it would give the
 * job (or pipeline) differently from the rule that decides when it does not match.
 */
const unknownChanges = "changes: ['roms/opensbi/*']";
const onOpensbiBranch = context({ ref: branch("opensbi") });

function jobYaml(rules: string[], jobLines: string[] = []): string {
  return [
    "docker-opensbi:",
    "  script: make",
    ...jobLines.map((l) => `  ${l}`),
    "  rules:",
    ...rules.map((r) => r.replace(/^/gm, "      ").replace(/^ {6}/, "    - ")),
    "other:",
    "  script: make",
  ].join("\n");
}

const decides = "if: '$CI_COMMIT_REF_NAME =~ /^opensbi/'";

describe("a job after an unknown rule", () => {
  it.each([
    ["both rules run it on_success", [unknownChanges, decides], [], "certain"],
    ["both name the same when explicitly", [`${unknownChanges}\nwhen: on_success`, `${decides}\nwhen: on_success`], [], "certain"],
    ["an explicit allow_failure: false equals the default", [`${unknownChanges}\nallow_failure: false`, decides], [], "certain"],
    ["the same variables, written in another order", [`${unknownChanges}\nvariables: {A: "1", B: "2"}`, `${decides}\nvariables: {B: "2", A: "1"}`], [], "certain"],
    ["two unknown rules, both agreeing", [unknownChanges, "changes: ['docs/*']", decides], [], "certain"],
    ["the unknown rule would make it manual", [`${unknownChanges}\nwhen: manual`, decides], [], "uncertain"],
    ["the unknown rule would let it fail", [`${unknownChanges}\nallow_failure: true`, decides], [], "uncertain"],
    ["the unknown rule would set other variables", [`${unknownChanges}\nvariables: {A: "1"}`, `${decides}\nvariables: {A: "2"}`], [], "uncertain"],
    ["the unknown rule would delay it differently", [`${unknownChanges}\nwhen: delayed\nstart_in: 1 hour`, `${decides}\nwhen: delayed\nstart_in: 2 hours`], [], "uncertain"],
    ["the unknown rule would give other needs", [`${unknownChanges}\nneeds: [other]`, decides], [], "uncertain"],
    ["the unknown rule would make it not interruptible", [`${unknownChanges}\ninterruptible: false`, decides], ["interruptible: true"], "uncertain"],
    ["the second of two unknown rules differs", [unknownChanges, "changes: ['docs/*']\nwhen: manual", decides], [], "uncertain"],
    ["the unknown rule would exclude it", [`${unknownChanges}\nwhen: never`, decides], [], "uncertain"],
  ] as Array<[string, string[], string[], string]>)("%s", async (_what, rules, jobLines, certainty) => {
    const p = await simulateYaml(jobYaml(rules, jobLines), onOpensbiBranch);
    const j = p.jobs.find((x) => x.name === "docker-opensbi");
    expect(j?.certainty).toBe(certainty);
    // The rule that decides when unknowns are false is named, and the unknown row stays in the trace.
    expect(j?.decidedBy.rule?.index).toBe(rules.length - 1);
    expect(j?.decidedBy.trace[0]?.result).toBe("unknown");
    expect(p.certainty).toBe(certainty);
  });

  it("no rule matches unless the unknown rule does: the job may be there, and is listed as it would run", async () => {
    const p = await simulateYaml(jobYaml([`${unknownChanges}\nwhen: manual`]), onOpensbiBranch);
    expect(p.jobs.map((j) => [j.name, j.presence, j.when])).toEqual([
      ["docker-opensbi", "uncertain", "manual"],
      ["other", "present", "on_success"],
    ]);
    expect(p.excluded).toEqual([]);
  });

  it("no rule matches and the only unknown rule would exclude it too: surely absent", async () => {
    const p = await simulateYaml(jobYaml([`${unknownChanges}\nwhen: never`]), onOpensbiBranch);
    expect(p.jobs.map((j) => j.name)).toEqual(["other"]);
    expect(p.excluded).toMatchObject([{ name: "docker-opensbi", certainty: "certain", presence: "absent" }]);
  });
});

describe("workflow rules after an unknown rule", () => {
  const workflow = (rules: string[]): string =>
    ["workflow:", "  rules:", ...rules.map((r) => r.replace(/^/gm, "      ").replace(/^ {6}/, "    - ")), "build:", "  script: make"].join("\n");
  it.each([
    ["both create the pipeline with the same variables", [`${unknownChanges}\nvariables: {MODE: full}`, `${decides}\nvariables: {MODE: full}`], true, "certain"],
    ["the unknown rule would set other variables", [`${unknownChanges}\nvariables: {MODE: quick}`, `${decides}\nvariables: {MODE: full}`], true, "uncertain"],
    ["the unknown rule would stop the pipeline", [`${unknownChanges}\nwhen: never`, decides], true, "uncertain"],
    ["no rule matches and the unknown rule would stop it too", [`${unknownChanges}\nwhen: never`], false, "certain"],
    // Simulated as created, so its jobs are shown; whether it is created is uncertain.
    ["no rule matches but the unknown rule would create it", [unknownChanges], true, "uncertain"],
  ] as Array<[string, string[], boolean, string]>)("%s", async (_what, rules, created, certainty) => {
    const p = await simulateYaml(workflow(rules), onOpensbiBranch);
    expect(p.created).toBe(created);
    expect(p.certainty).toBe(certainty);
  });
});
