import { describe, expect, it } from "vitest";
import { error } from "../../src/core/diagnostic.js";
import { renderComment, renderCommentText } from "../../src/report/comment.js";
import { commentMarker } from "../../src/report/marker.js";
import type { ReportOptions } from "../../src/report/options.js";
import { compareJobs } from "../../src/analysis/compare.js";
import type { AnalysedJob } from "../../src/analysis/model.js";
import { analysis, build, context, contextAnalysis, hazard, image, imageChange, job, pos } from "./build.js";
import { fencesBalanced, tablesIntact } from "./markdown-check.js";
import { qemuLikeAnalysis } from "./qemu-like.js";

const gitlab: ReportOptions = { platform: "gitlab" };
const firstLine = (md: string) => md.split("\n")[0];

const unchanged = () => {
  const main = context("main", { kind: "default-branch" });
  return contextAnalysis(main, [job("test")], [job("test")]);
};

describe("the first line answers the question", () => {
  it.each([
    ["a change on 3 of 7 contexts, with hazards moved", qemuLikeAnalysis(), gitlab, "**ci-explain**: this MR changes CI on 3 of 7 branch contexts · 24 image pushes change · 1 notice introduced, 1 hazard fixed"],
    ["no change at all", analysis({ contexts: [unchanged()] }), gitlab, "**ci-explain**: no change to any pipeline (1 branch context checked)"],
    ["GitHub says PR", qemuLikeAnalysis(), { platform: "github" } as ReportOptions, "**ci-explain**: this PR changes CI on 3 of 7 branch contexts"],
    ["a push that no longer touches CI", analysis({ ciRelevant: false }), gitlab, "**ci-explain**: the latest push to this MR no longer changes CI"],
    [
      "an error the change leaves in place is named beside what moved",
      analysis({
        contexts: [unchanged()],
        hazards: [hazard({ kind: "image-not-built", status: "introduced" }), hazard({ kind: "image-tag-collision", severity: "error", status: "unchanged" })],
      }),
      gitlab,
      "**ci-explain**: no change to any pipeline (1 branch context checked) · 1 hazard introduced, 1 error still present",
    ],
  ])("%s", (_name, a, options, expected) => {
    expect(firstLine(renderComment(a, options))).toContain(expected);
  });

  it("names the head config error with file:line", () => {
    const a = analysis({ head: { sha: "2".repeat(40), label: "head", ciFiles: [], diagnostics: [error("yaml-syntax", "bad indentation of a mapping entry", pos(".gitlab-ci.yml", 12))] } });
    const md = renderComment(a, gitlab);
    expect(firstLine(md)).toBe("**ci-explain**: ⛔ the CI configuration in this MR does not load — `.gitlab-ci.yml:12`: bad indentation of a mapping entry");
    expect(md).toContain("### Configuration errors");
  });

  it("a push that no longer touches CI gives a short comment that still carries the marker", () => {
    const md = renderComment(analysis({ ciRelevant: false, contexts: [unchanged()] }), gitlab);
    expect(md.length).toBeLessThan(1000);
    expect(md).not.toContain("| branch context");
    expect(md).toContain(commentMarker());
  });
});

describe("the matrix", () => {
  const md = renderComment(qemuLikeAnalysis(), gitlab);
  const row = (name: string) => md.split("\n").find((l) => l.startsWith(`| ${name} `) || l.startsWith(`| **${name}** `)) ?? "";

  it.each([
    ["staging-8.0", "8 images: `latest` → `staging-8-0`"],
    ["staging-7.2", "8 images: `latest` → `staging-7-2`"],
    ["tag v8.0.3", "created → **none (no jobs)**"],
    ["tag v8.0.3", "24 → **0** (−24)"],
    ["staging-8.0", "24 → **24** (~23)"],
    ["fork push", "push in a fork"],
  ])("row %s says %s", (name, fact) => {
    expect(row(name)).toContain(fact);
  });

  it("keeps unchanged rows short", () => {
    expect(row("master")).toBe("| master | default branch | created | 1 | — | — |");
  });

  it("says how a context was chosen from a rule, with its file:line", () => {
    expect(row("staging-8.0")).toContain("matches `/staging-[[:digit:]]+\\.[[:digit:]]/` at `.gitlab-ci.d/base.yml:75`");
  });

  it("shows a single retagged image by name", () => {
    const ctx = context("stable");
    const a = analysis({ contexts: [contextAnalysis(ctx, [job("x")], [job("x")], [imageChange("registry.example/acme/app/builder", ["latest"], ["stable"])])] });
    expect(renderComment(a, gitlab)).toContain("`builder`: `latest` → `stable`");
  });
});

describe("hazards", () => {
  it("lists the most severe first, with wording, contexts and file:line", () => {
    const md = renderComment(qemuLikeAnalysis(), gitlab);
    const section = md.slice(md.indexOf("### Hazards"), md.indexOf("### What changed"));
    const items = section.split("\n").filter((l) => l.startsWith("- "));
    expect(items.map((l) => l.slice(0, 40))).toEqual([
      expect.stringContaining("**error · fixed**"),
      expect.stringContaining("**warning · already present**"),
      expect.stringContaining("**notice · introduced**"),
    ]);
    expect(section).toContain("image tag pushed by more than one branch");
    expect(section).toContain("at `.gitlab-ci.d/container-template.yml:8`");
    expect(section).toContain("`amd64-debian11:latest`");
    expect(section).toContain("(in `registry.gitlab.com/qemu-project/qemu/qemu/`)");
  });

  it.each([
    ["introduced", "head"],
    ["fixed", "base"],
  ] as const)("links a %s hazard to the file at the %s SHA", (status, side) => {
    const a = analysis({ hazards: [hazard({ kind: "jobs-lost", status, source: pos("ci/deploy.yml", 40) })] });
    const md = renderComment(a, { platform: "github", fileUrl: (p, l, s) => `https://github.com/acme/app/blob/${s}/${p}#L${l}` });
    expect(md).toContain(`[\`ci/deploy.yml:40\`](https://github.com/acme/app/blob/${side}/ci/deploy.yml#L40)`);
  });
});

describe("details per changed context", () => {
  const md = renderComment(qemuLikeAnalysis(), gitlab);

  it("groups jobs changed the same way and gives the deciding rule before and after", () => {
    expect(md).toContain("<details><summary><b>staging-8.0</b> — jobs: 23 changed · 8 image pushes change</summary>");
    expect(md).toContain("| **8 jobs**: `amd64-debian11-container`");
    expect(md).toContain("pushes tag: `latest` | pushes tag: `staging-8-0`");
    expect(md).toContain("before: rule 10 at `.gitlab-ci.d/base.yml:71` (no if:)");
    expect(md).toContain("after: rule 15 at `.gitlab-ci.d/base.yml:123` `if: $CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM && $CI_COMMIT_BRANCH =~ /staging-[[:digit:]]+\\.[[:digit:]]/`");
  });

  it("says why removed jobs are gone", () => {
    expect(md).toContain("after: rule 2 at `.gitlab-ci.d/base.yml:41` `if: $CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM && $CI_COMMIT_TAG` → `when: never`");
  });

  it("counts the jobs it does not list", () => {
    expect(md).toContain("and 1 unchanged job not listed.");
  });

  it("draws the container graph as a table and a Mermaid flowchart", () => {
    expect(md).toContain("| `python` | `latest` → `staging-8-0` | `python-container` | `tests/docker/dockerfiles/python.docker`<br>(recipe changed) | `check-patch` |");
    expect(md).toContain("```mermaid\nflowchart LR");
    expect(md).toMatch(/n\d+\["tests\/docker\/dockerfiles\/python\.docker"\]:::changed/);
  });

  it("is well-formed markdown", () => {
    expect(tablesIntact(md)).toBe(true);
    expect(fencesBalanced(md)).toBe(true);
    expect(md.split("<details>").length).toBe(md.split("</details>").length);
  });
});

describe("unknown values stay visible", () => {
  it("keeps «$NAME» and flags it", () => {
    const ctx = context("main");
    const before = [job("build", { image: image("registry.example/app:v1", pos("ci.yml", 3)) })];
    const after = [job("build", { image: image("registry.example/app:«$TAG»", pos("ci.yml", 3)) })];
    const md = renderComment(analysis({ contexts: [contextAnalysis(ctx, before, after)] }), gitlab);
    expect(md).toContain("image: `registry.example/app:«$TAG»` (unknown)");
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
    expect(text.split("\n")[0]).toBe("ci-explain: this MR changes CI on 3 of 7 branch contexts · 24 image pushes change · 1 notice introduced, 1 hazard fixed");
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
    expect(md).toContain("variables: `CONFIGURE_ARGS=--disable-fdt`<br>`QEMU_CI_CONTAINER_TAG=latest` | variables: `CONFIGURE_ARGS=--disable-fdt --disable-pie`<br>`QEMU_CI_CONTAINER_TAG=staging-8-0`");
    expect(tablesIntact(md)).toBe(true);
  });
});

describe("what the analysis assumed is said under the first line", () => {
  it("an assumed project path is shown before the table, its code as code", () => {
    const md = renderComment(analysis({ contexts: [unchanged()], notes: ["the project path is not known; it is assumed to be `group/project` (set `project:` in .ci-explain.yml)"] }), gitlab);
    const lines = md.split("\n");
    const note = lines.findIndex((l) => l.includes("the project path is not known"));
    expect(lines[note]).toBe("- the project path is not known; it is assumed to be `group/project` (set `project:` in .ci-explain.yml)");
    expect(note).toBeLessThan(lines.findIndex((l) => l.startsWith("| branch context")));
  });

  it("a note quoting the configuration is escaped, not trusted markdown", () => {
    const md = renderComment(analysis({ contexts: [unchanged()], notes: ["no branch name could be made to match /<b>x/ (ci.yml:3); not simulated"] }), gitlab);
    expect(md).not.toContain("<b>x");
  });

  it("says nothing when nothing was assumed", () => {
    expect(renderComment(analysis({ contexts: [unchanged()] }), gitlab)).not.toContain("Assumed");
  });
});

describe("a container job's row says which tag it pushes before and after (from the real comparison)", () => {
  const ctx = context("staging-7.2", { kind: "configured" });
  const REG = "registry.example.com/acme/widget/ci";
  const containerJob = (name: string, tag: string, recipe = `ci/${name}.docker`) =>
    job(`${name}-container`, { builds: [build(`${name}-container`, `${REG}/${name}:${tag}`, recipe, pos("ci/containers.yml", 11))] });
  const rendered = (before: AnalysedJob[], after: AnalysedJob[]) => {
    const c = contextAnalysis(ctx, before, after);
    const real = { ...c, ...compareJobs(c.before, c.after) };
    return renderComment(analysis({ contexts: [real] }), gitlab);
  };

  it.each([
    [
      "two jobs moving from :latest to their branch tag read as one row with both tags",
      [containerJob("debian", "latest"), containerJob("fedora", "latest")],
      [containerJob("debian", "staging-7-2"), containerJob("fedora", "staging-7-2")],
      "pushes tag: `latest` | pushes tag: `staging-7-2`",
    ],
    [
      "one job shows the whole reference and its recipe",
      [containerJob("debian", "latest")],
      [containerJob("debian", "staging-7-2")],
      `pushes: \`${REG}/debian:latest from ci/debian.docker\` | pushes: \`${REG}/debian:staging-7-2 from ci/debian.docker\``,
    ],
    [
      "jobs whose tag stays but whose recipe moves show the recipes, not the same tag twice",
      [containerJob("debian", "latest"), containerJob("fedora", "latest")],
      [containerJob("debian", "latest", "docker/debian"), containerJob("fedora", "latest", "docker/fedora")],
      `pushes: \`${REG}/debian:latest from ci/debian.docker\` | pushes: \`${REG}/debian:latest from docker/debian\``,
    ],
  ])("%s", (_what, before, after, expected) => {
    const md = rendered(before, after);
    expect(md).toContain(expected);
    expect(md).not.toMatch(/pushes tag: `latest` \| pushes tag: `latest`/);
  });
});

describe("a possible hazard is said as possible, never as a fact", () => {
  it.each([
    ["a possible collision", hazard({ kind: "image-tag-collision", severity: "notice", possible: true, message: "`a` and `b` may push the same image reference" }), "ℹ️ **possible · introduced** — may happen: image tag pushed by more than one branch: `a` and `b` may push"],
    ["a certain collision", hazard({ kind: "image-tag-collision", severity: "error", message: "`a` and `b` push the same image reference" }), "⛔ **error · introduced** — image tag pushed by more than one branch: `a` and `b` push"],
  ])("%s", (_what, h, expected) => {
    expect(renderComment(analysis({ hazards: [h] }), gitlab)).toContain(expected);
  });
});
