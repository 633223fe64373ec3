import { describe, expect, it } from "vitest";
import { error } from "../../src/core/diagnostic.js";
import { renderComment, renderCommentText } from "../../src/report/comment.js";
import { commentMarker } from "../../src/report/marker.js";
import type { ReportOptions } from "../../src/report/options.js";
import { compareJobs } from "../../src/analysis/compare.js";
import type { AnalysedJob } from "../../src/analysis/model.js";
import { analysis, build, context, contextAnalysis, hazard, image, imageChange, job, pipeline, pos, ruleDecision } from "./build.js";
import { fencesBalanced, tablesIntact } from "./markdown-check.js";
import { headings, headlineLines, positionOf, summaries, tableHeaders, tableRows, tableWidths, textOf, toHtml } from "./rendered.js";
import { qemuLikeAnalysis } from "./qemu-like.js";

const gitlab: ReportOptions = { platform: "gitlab" };
const firstLine = (md: string) => headlineLines(md)[0];

const unchanged = () => {
  const main = context("main", { kind: "default-branch" });
  return contextAnalysis(main, [job("test")], [job("test")]);
};

describe("the first two lines tell the story", () => {
  // The QEMU-like change moves staging-8.0 and staging-7.2 off `:latest` (fixing their shared
  // images with staging) and stops tag pipelines: the fix leads, the lost tag pipeline follows.
  it("names the most important finding in a maintainer's words, then the next, the scope and the verdict", () => {
    const [one, two] = headlineLines(renderComment(qemuLikeAnalysis(), gitlab));
    expect(one).toBe("ci-explain: ✅ staging-8.0 and staging-7.2 no longer push the same 8 images to :latest as staging");
    expect(two).toBe("ℹ️ tag v8.0.3 no longer gets a pipeline · 1 more finding already there · changes CI on 3 of 7 branch contexts, 24 image pushes · ✅ the check passes");
  });

  it("leads with an error the change leaves in place where it changes CI, before a warning it adds", () => {
    const s80 = context("staging-8.0");
    const moved = contextAnalysis(s80, [job("build", { when: "on_success" })], [job("build", { when: "manual" })]);
    const a = analysis({
      contexts: [moved, unchanged()],
      hazards: [
        hazard({ kind: "image-not-built", severity: "warning", status: "introduced", contexts: ["staging-8.0"], jobs: ["a", "b", "c"], images: ["reg.example/q/fedora:staging-8-0"] }),
        hazard({ kind: "image-tag-collision", severity: "error", status: "unchanged", contexts: ["staging", "staging-8.0"], images: ["reg.example/q/alpine:latest", "reg.example/q/fedora:latest"] }),
      ],
      verdict: { conclusion: "neutral", title: "", summary: "" },
    });
    const [one, two] = headlineLines(renderComment(a, gitlab));
    expect(one).toBe("ci-explain: ⛔ staging and staging-8.0 still push the same 2 images to :latest");
    expect(two).toBe("⚠️ 3 jobs on staging-8.0 now run in an image nothing builds · changes CI on 1 of 2 branch contexts · ⚠️ the check is neutral");
  });

  it("names a shared image by its last name, with its parent when that name is a version", () => {
    const collision = (ref: string) =>
      hazard({ kind: "image-tag-collision", severity: "error", status: "unchanged", contexts: ["main", "tag v1.0.0"], images: [ref] });
    const fedora = renderComment(analysis({ contexts: [unchanged()], hazards: [collision("registry.gitlab.com/acme/demo/fedora/40:tag-abc")] }), gitlab);
    expect(firstLine(fedora)).toBe("ci-explain: ⛔ main and tag v1.0.0 push the same image fedora/40:tag-abc");
    const alpine = renderComment(analysis({ contexts: [unchanged()], hazards: [collision("registry.gitlab.com/qemu-project/qemu/qemu/alpine:latest")] }), gitlab);
    expect(firstLine(alpine)).toBe("ci-explain: ⛔ main and tag v1.0.0 push the same image alpine:latest");
  });

  it("says the same of several contexts once", () => {
    const h = (ctx: string) => hazard({ kind: "image-not-built", severity: "warning", status: "introduced", contexts: [ctx], jobs: ["build-cfi", "check-python"], images: [`reg.example/q/python:${ctx}`] });
    const md = renderComment(analysis({ contexts: [unchanged()], hazards: [h("staging-7.2"), h("staging-8.0")] }), gitlab);
    expect(firstLine(md)).toBe("ci-explain: ⚠️ 2 jobs on staging-7.2 and staging-8.0 now run in an image nothing builds");
  });

  it.each([
    ["no change at all", analysis({ contexts: [unchanged()] }), gitlab, "ci-explain: no change to any pipeline (1 branch context checked), nothing found to look at"],
    [
      "GitHub says PR",
      analysis({ contexts: [contextAnalysis(context("main"), [job("lint")], [job("lint", { when: "manual" })])] }),
      { platform: "github" } as ReportOptions,
      "ci-explain: this PR changes CI on 1 of 1 branch context — on main: 1 job changed, nothing found to look at",
    ],
    ["a push that no longer touches CI", analysis({ ciRelevant: false }), gitlab, "ci-explain: the latest push to this MR no longer changes CI"],
  ])("%s", (_name, a, options, expected) => {
    expect(firstLine(renderComment(a, options))).toBe(expected);
  });

  it("names the head config error with file:line", () => {
    const a = analysis({ head: { sha: "2".repeat(40), label: "head", ciFiles: [], diagnostics: [error("yaml-syntax", "bad indentation of a mapping entry", pos(".gitlab-ci.yml", 12))] } });
    const md = renderComment(a, gitlab);
    expect(firstLine(md)).toBe("ci-explain: ⛔ the CI configuration in this MR does not load — .gitlab-ci.yml:12: bad indentation of a mapping entry");
    expect(headings(md)).toContain("Configuration errors");
  });

  it("a push that no longer touches CI gives a short comment that still carries the marker", () => {
    const md = renderComment(analysis({ ciRelevant: false, contexts: [unchanged()] }), gitlab);
    expect(md.length).toBeLessThan(1000);
    expect(tableWidths(md)).toEqual([]);
    expect(md).toContain(commentMarker());
  });
});

describe("findings: what the change introduces or fixes, then what was already there", () => {
  const md = renderComment(qemuLikeAnalysis(), gitlab);

  it("lists this change's findings one folded line each, before what was already there", () => {
    const lines = summaries(md);
    const fixed = lines.indexOf("✅ staging-8.0 and staging-7.2 no longer push the same 8 images to :latest as staging");
    const lost = lines.indexOf("ℹ️ tag v8.0.3 no longer gets a pipeline");
    const already = lines.indexOf("Already there before this MR: 1 finding (1 warning)");
    expect([fixed, lost, already].every((i) => i >= 0)).toBe(true);
    expect(fixed).toBeLessThan(lost);
    expect(lost).toBeLessThan(already);
    expect(positionOf(md, "What this MR introduces or fixes")).toBeLessThan(positionOf(md, "Already there before this MR"));
  });

  it("folds what was already there as a whole, each finding a line inside", () => {
    const lines = summaries(md);
    expect(lines[lines.indexOf("Already there before this MR: 1 finding (1 warning)") + 1]).toBe("⚠️ build-user-hexagon on staging, staging-8.0, staging-7.2 and 1 more runs in an image nothing builds");
  });

  it("keeps each finding's details: its words, contexts, images and file:line", () => {
    const html = toHtml(md);
    expect(html).toContain("all pushed the same image references");
    expect(textOf(html)).toContain("at .gitlab-ci.d/container-template.yml:8");
    expect(textOf(html)).toContain("(in registry.gitlab.com/qemu-project/qemu/qemu/)");
  });

  it.each([
    ["introduced", "head"],
    ["fixed", "base"],
  ] as const)("links a %s finding to the file at the %s SHA", (status, side) => {
    const a = analysis({ hazards: [hazard({ kind: "jobs-lost", status, source: pos("ci/deploy.yml", 40), jobs: ["deploy"], contexts: ["main"] })] });
    const rendered = renderComment(a, { platform: "github", fileUrl: (p, l, s) => `https://github.com/acme/app/blob/${s}/${p}#L${l}` });
    expect(rendered).toContain(`[\`ci/deploy.yml:40\`](https://github.com/acme/app/blob/${side}/ci/deploy.yml#L40)`);
  });

  it.each([
    ["a possible collision", hazard({ kind: "image-tag-collision", severity: "notice", possible: true, contexts: ["a", "b"], images: ["reg/x:«$T» ≟ reg/x:1"] }), "ℹ️ a and b may push the same image"],
    ["a certain collision", hazard({ kind: "image-tag-collision", severity: "error", contexts: ["a", "b"], images: ["reg/x:1"] }), "⛔ a and b now push the same image x:1"],
  ])("says %s as such, never a possible one as a fact", (_what, h, expected) => {
    expect(summaries(renderComment(analysis({ hazards: [h] }), gitlab))).toContain(expected);
  });
});

describe("the branch contexts", () => {
  const md = renderComment(qemuLikeAnalysis(), gitlab);
  const rows = () => tableRows(md)[0];

  it("has one row per changed context, in four columns, and names the unchanged ones below", () => {
    expect(tableHeaders(md)[0]).toEqual(["branch context", "jobs", "image pushes", "findings"]);
    expect(rows().map((r) => r[0])).toEqual(["staging-8.0", "staging-7.2", "tag v8.0.3"]);
    expect(textOf(toHtml(md))).toContain("Unchanged: master, staging, fork push, MR feature → master");
  });

  it.each([
    ["staging-8.0", ["staging-8.0", "24 jobs, 23 changed", "8 images: latest → staging-8-0", "✅ 1 fixed · 1 already there"]],
    ["tag v8.0.3", ["tag v8.0.3", "24 → no pipeline (no jobs): 24 removed", "8 images: latest → not pushed", "ℹ️ 1 new"]],
  ])("says in words what changes on %s", (name, expected) => {
    expect(rows().find((r) => r[0] === name)).toEqual(expected);
  });

  it("names the unchanged contexts as code and says apart which of them may get no pipeline", () => {
    const main = context("main", { kind: "default-branch" });
    const tag = context("v1.0.0", { kind: "tag" });
    const maybe = pipeline(tag, [job("lint")], { creation: "uncertain" });
    const a = analysis({ contexts: [contextAnalysis(main, [job("lint")], [job("lint", { when: "manual" })]), contextAnalysis(tag, maybe, maybe)] });
    const md = renderComment(a, gitlab);
    const line = md.split("\n").find((l) => l.startsWith("Unchanged: "));
    expect(line).toMatch(/^Unchanged: `[^`]+` \(pipeline uncertain on `[^`]+`\)$/);
  });

  it("says an uncertain pipeline is uncertain, never none", () => {
    const main = context("main", { kind: "default-branch" });
    const maybe = pipeline(main, [job("lint")], { creation: "uncertain" });
    const a = analysis({ contexts: [contextAnalysis(main, [job("lint", { when: "manual" })], maybe)] });
    expect(tableRows(renderComment(a, gitlab))[0][0][1]).toBe("1 → pipeline uncertain: 1 changed");
  });

  it("says how each context was chosen, folded, with the rule's file:line", () => {
    expect(summaries(md)).toContain("Why these 7 branch contexts");
    expect(textOf(toHtml(md))).toContain("staging-8.0 — matches /staging-[[:digit:]]+\\.[[:digit:]]/ at .gitlab-ci.d/base.yml:75");
  });

  it("shows a single retagged image by name", () => {
    const ctx = context("stable");
    const a = analysis({ contexts: [contextAnalysis(ctx, [job("x")], [job("x")], [imageChange("registry.example/acme/app/builder", ["latest"], ["stable"])])] });
    expect(tableRows(renderComment(a, gitlab))[0][0][2]).toBe("builder: latest → stable");
  });
});

describe("details per changed context", () => {
  const md = renderComment(qemuLikeAnalysis(), gitlab);
  const text = textOf(toHtml(md));

  it("groups jobs changed the same way and gives the deciding rule after, and before when it differs", () => {
    expect(summaries(md)).toContain("staging-8.0 — jobs: 23 changed · 8 image pushes change");
    expect(text).toContain("8 jobs (amd64-debian11-container");
    expect(text).toContain("pushes tag: latest → staging-8-0");
    expect(text).toContain("why: rule 15 at .gitlab-ci.d/base.yml:123 → when: on_success\nif: $CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM && $CI_COMMIT_BRANCH =~ /staging-[[:digit:]]+\\.[[:digit:]]/\nbefore: rule 10 at .gitlab-ci.d/base.yml:71 → when: on_success (no if:)");
  });

  it("says why removed jobs are gone", () => {
    expect(text).toContain("now: rule 2 at .gitlab-ci.d/base.yml:41 → when: never\nif: $CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM && $CI_COMMIT_TAG");
  });

  it("counts the jobs it does not list", () => {
    expect(text).toContain("and 1 unchanged job not listed.");
  });

  it("draws the container graph as a table of four columns and a Mermaid flowchart", () => {
    const images = tableHeaders(md).findIndex((h) => h[0] === "image");
    expect(tableHeaders(md)[images]).toEqual(["image", "pushed (before → after)", "built by", "runs in it"]);
    expect(tableRows(md)[images]).toContainEqual(["python", "latest → staging-8-0", "python-container\nfrom python.docker (changed)", "check-patch"]);
    expect(md).toContain("```mermaid\nflowchart LR");
    expect(md).toMatch(/n\d+\["tests\/docker\/dockerfiles\/python\.docker"\]:::changed/);
  });

  it("is well-formed markdown, and no table is wider than four columns", () => {
    expect(tablesIntact(md)).toBe(true);
    expect(fencesBalanced(md)).toBe(true);
    expect(md.split("<details>").length).toBe(md.split("</details>").length);
    expect(Math.max(...tableWidths(md))).toBeLessThanOrEqual(4);
  });
});

describe("a rule change with the same outcome", () => {
  // QEMU's fork rule: `== "qemu-project"` became `== $QEMU_CI_UPSTREAM`; every job runs as before.
  const fork = context("fork push", { kind: "fork" });
  const decided = (ifText: string) => job("build", { decidedBy: ruleDecision(3, pos(".gitlab-ci.d/base.yml", 30), ifText, "manual") });
  const c = contextAnalysis(fork, [decided('$CI_PROJECT_NAMESPACE != "qemu-project"')], [decided("$CI_PROJECT_NAMESPACE != $QEMU_CI_UPSTREAM")]);
  const md = renderComment(analysis({ contexts: [{ ...c, ...compareJobs(c.before, c.after) }] }), gitlab);

  it("is not counted as a change", () => {
    expect(firstLine(md)).toBe("ci-explain: no change to any pipeline (1 branch context checked), nothing found to look at");
    expect(tableWidths(md)).toEqual([]);
  });

  it("is kept as a folded detail with both rules", () => {
    expect(summaries(md)).toContain("1 job on fork push run as before, decided by another rule");
    expect(textOf(toHtml(md))).toContain("if: $CI_PROJECT_NAMESPACE != $QEMU_CI_UPSTREAM");
  });
});

describe("unknown values stay visible", () => {
  it("keeps «$NAME» and flags it", () => {
    const ctx = context("main");
    const before = [job("build", { image: image("registry.example/app:v1", pos("ci.yml", 3)) })];
    const after = [job("build", { image: image("registry.example/app:«$TAG»", pos("ci.yml", 3)) })];
    const md = renderComment(analysis({ contexts: [contextAnalysis(ctx, before, after)] }), gitlab);
    expect(textOf(toHtml(md))).toContain("image: registry.example/app:v1 → registry.example/app:«$TAG» (unknown)");
  });
});

describe("a short legend where the notation needs one", () => {
  it("is folded, and explains only the signs the report uses", () => {
    const md = renderComment(qemuLikeAnalysis(), gitlab);
    expect(summaries(md)).toContain("How to read this report");
    const text = textOf(toHtml(md));
    expect(text).toContain("a → b: before this change → after it.");
    expect(text).toContain("«$NAME»: a value that cannot be known");
    expect(text).not.toContain("possible: not shown to happen");
  });
});

describe("footer and marker", () => {
  const md = renderComment(qemuLikeAnalysis(), { platform: "gitlab", markerKey: "gitlab-ci" });
  it.each([
    ["the base SHA", "`f9925abbda1c`"],
    ["the head SHA", "`52ed34cbddde`"],
    ["how to ask about a branch", "`/ci-explain <branch>`"],
    ["how to ask about a job", "`/ci-explain job <name>`"],
    ["the keyed marker", "<!-- ci-explain:comment key=gitlab-ci -->"],
  ])("has %s", (_what, text) => {
    expect(md).toContain(text);
  });
});

describe("terminal rendering", () => {
  it("has the same facts without markdown or HTML", () => {
    const text = renderCommentText(qemuLikeAnalysis(), gitlab);
    expect(text.split("\n")[0]).toBe("ci-explain: ✅ staging-8.0 and staging-7.2 no longer push the same 8 images to :latest as staging");
    expect(text).toContain("8 images: latest → staging-8-0");
    expect(text).not.toMatch(/<details>|<!--|\*\*|```/);
  });
});

describe("changed variables read one per line", () => {
  it("two variables are two code spans, so the second is not read as part of the first's value", () => {
    const ctx = context("staging-8.0", { kind: "configured" });
    const withVars = (vars: Record<string, string>) =>
      job("build-without-defaults", { variables: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, { value: { text: v, known: true, unknowns: [] }, raw: v, origin: "job" as const }])) });
    const c = contextAnalysis(ctx, [withVars({ CONFIGURE_ARGS: "--disable-fdt", QEMU_CI_CONTAINER_TAG: "latest" })], [withVars({ CONFIGURE_ARGS: "--disable-fdt --disable-pie", QEMU_CI_CONTAINER_TAG: "staging-8-0" })]);
    const md = renderComment(analysis({ contexts: [{ ...c, ...compareJobs(c.before, c.after) }] }), gitlab);
    // The second variable continues the line: no label, and no stray colon before it.
    expect(md).toContain("variables: `CONFIGURE_ARGS=--disable-fdt` → `CONFIGURE_ARGS=--disable-fdt --disable-pie`  \n  `QEMU_CI_CONTAINER_TAG=latest` → `QEMU_CI_CONTAINER_TAG=staging-8-0`");
  });
});

describe("what the analysis assumed is said before the branch contexts", () => {
  it("an assumed project path is shown before the table, its code as code", () => {
    const md = renderComment(analysis({ contexts: [unchanged()], notes: ["the project path is not known; it is assumed to be `group/project` (set `project:` in .ci-explain.yml)"] }), gitlab);
    expect(md).toContain("- the project path is not known; it is assumed to be `group/project` (set `project:` in .ci-explain.yml)");
    expect(positionOf(md, "the project path is not known")).toBeLessThan(positionOf(md, "Branch contexts"));
  });

  it("a note quoting the configuration is escaped, not trusted markdown", () => {
    const md = renderComment(analysis({ contexts: [unchanged()], notes: ["no branch name could be made to match /<b>x/ (ci.yml:3); not simulated"] }), gitlab);
    expect(md).not.toContain("<b>x");
  });

  it("folds a long note after its lead, so that the table is not pushed down, and keeps short ones in view", () => {
    const names = Array.from({ length: 15 }, (_, i) => `\`QEMU_JOB_${i}\``).join(", ");
    const long = `variables defined nowhere (YAML, .ci-explain.yml, command line) are taken as unset, as GitLab does: ${names} (every branch context); declare in .ci-explain.yml \`variables\` those the project sets`;
    const md = renderComment(analysis({ contexts: [unchanged()], notes: ["the default branch is assumed to be `main`", long] }), gitlab);
    expect(summaries(md)).toContain("variables defined nowhere (YAML, .ci-explain.yml, command line) are taken as unset, as GitLab does");
    expect(md).toContain("- the default branch is assumed to be `main`");
    // The names are inside the folded section, not in the text shown before it opens.
    const folded = md.slice(md.indexOf("<details><summary>variables defined nowhere"));
    expect(folded.slice(0, folded.indexOf("</details>"))).toContain("`QEMU_JOB_14`");
  });

  it("says nothing when nothing was assumed", () => {
    expect(renderComment(analysis({ contexts: [unchanged()] }), gitlab)).not.toContain("Assumed");
  });
});

describe("a container job's change says which tag it pushes before and after (from the real comparison)", () => {
  const ctx = context("staging-7.2", { kind: "configured" });
  const REG = "registry.example.com/acme/widget/ci";
  const containerJob = (name: string, tag: string, recipe = `ci/${name}.docker`) =>
    job(`${name}-container`, { builds: [build(`${name}-container`, `${REG}/${name}:${tag}`, recipe, pos("ci/containers.yml", 11))] });
  const rendered = (before: AnalysedJob[], after: AnalysedJob[]) => {
    const c = contextAnalysis(ctx, before, after);
    const real = { ...c, ...compareJobs(c.before, c.after) };
    return textOf(toHtml(renderComment(analysis({ contexts: [real] }), gitlab)));
  };

  it.each([
    [
      "two jobs moving from :latest to their branch tag read as one group with both tags",
      [containerJob("debian", "latest"), containerJob("fedora", "latest")],
      [containerJob("debian", "staging-7-2"), containerJob("fedora", "staging-7-2")],
      "pushes tag: latest → staging-7-2",
    ],
    [
      "one job shows the whole reference and its recipe",
      [containerJob("debian", "latest")],
      [containerJob("debian", "staging-7-2")],
      `pushes: ${REG}/debian:latest from ci/debian.docker → ${REG}/debian:staging-7-2 from ci/debian.docker`,
    ],
    [
      "jobs whose tag stays but whose recipe moves show the recipes, not the same tag twice",
      [containerJob("debian", "latest"), containerJob("fedora", "latest")],
      [containerJob("debian", "latest", "docker/debian"), containerJob("fedora", "latest", "docker/fedora")],
      `pushes: ${REG}/debian:latest from ci/debian.docker → ${REG}/debian:latest from docker/debian`,
    ],
  ])("%s", (_what, before, after, expected) => {
    const text = rendered(before, after);
    expect(text).toContain(expected);
    expect(text).not.toContain("pushes tag: latest → latest");
  });
});

describe("problems in the settings file", () => {
  const a = analysis({ contexts: [unchanged()], settingsDiagnostics: [error("config-invalid", "unknown key `projcet`; did you mean `project`?", pos(".ci-explain.yml", 2))] });

  it.each([
    [undefined, "in .ci-explain.yml as the base revision has it"],
    ["head", "in .ci-explain.yml as the head revision has it"],
    ["given", "in .ci-explain.yml given on the command line"],
  ] as const)("name the file and where it was read from (%s)", (from, words) => {
    const text = textOf(toHtml(renderComment(a, { ...gitlab, ...(from ? { settingsFrom: from } : {}) })));
    expect(text).toContain(`The ci-explain settings ${words}`);
    expect(text).toContain("what is wrong was left out, every other setting applies");
    expect(text).toContain(".ci-explain.yml:2: unknown key projcet; did you mean project? config-invalid");
  });
});
