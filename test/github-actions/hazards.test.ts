import { describe, expect, it } from "vitest";
import type { HazardKind } from "../../src/analysis/model.js";
import { defaultSettings } from "../../src/config/defaults.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { analyzeActions } from "../../src/github-actions/index.js";

/** The hazards the issue names for GitHub Actions, each on a small base → head change. */

const WF = ".github/workflows/ci.yml";

const build = (tags: string) => `
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          file: docker/app.Dockerfile
          push: true
          tags: ${tags}
`;
const test = `
  test:
    runs-on: ubuntu-latest
    container: ghcr.io/acme/app:\${{ github.ref_name }}
    steps:
      - run: make test
`;
const lint = `
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: make lint
`;
const on = (branches: string) => `name: CI\non:\n  push:\n    branches: ${branches}\njobs:`;

interface Case {
  name: string;
  kind: HazardKind;
  base: Record<string, string>;
  head: Record<string, string>;
  contexts: string[];
}

const recipe = { "docker/app.Dockerfile": "FROM alpine\n" };

const cases: Case[] = [
  {
    name: "the same tag published from two branches",
    kind: "image-tag-collision",
    base: { [WF]: on("[main, 'release/**']") + build("ghcr.io/acme/app:${{ github.ref_name }}") },
    head: { [WF]: on("[main, 'release/**']") + build("ghcr.io/acme/app:latest") },
    contexts: ["main", "release/1.x"],
  },
  {
    name: "an image used but not built",
    kind: "image-not-built",
    base: { [WF]: on("[main]") + build("ghcr.io/acme/app:${{ github.ref_name }}") + test, ...recipe },
    head: { [WF]: on("[main]") + test, ...recipe },
    contexts: ["main"],
  },
  {
    name: "a recipe changed but not rebuilt",
    kind: "dockerfile-not-rebuilt",
    base: { [WF]: on("[main]") + lint, ...recipe },
    head: { [WF]: on("[main]") + lint, "docker/app.Dockerfile": "FROM alpine:3.20\n" },
    contexts: ["main"],
  },
  {
    name: "the workflow no longer runs on the default branch",
    kind: "pipeline-lost",
    base: { [WF]: on("[main, 'release/**']") + lint },
    head: { [WF]: on("['release/**']") + lint },
    contexts: ["main"],
  },
  {
    name: "a job no longer runs on the default branch",
    kind: "jobs-lost",
    base: { [WF]: on("[main]") + lint + `\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make docs\n` },
    head: { [WF]: on("[main]") + lint + `\n  docs:\n    if: github.ref != 'refs/heads/main'\n    runs-on: ubuntu-latest\n    steps:\n      - run: make docs\n` },
    contexts: ["main"],
  },
  {
    name: "a concurrency group shared by all branches",
    kind: "concurrency-cancel",
    base: { [WF]: on("[main, 'release/**']") + lint },
    head: { [WF]: on("[main, 'release/**']").replace("jobs:", "concurrency:\n  group: deploy\n  cancel-in-progress: true\njobs:") + lint },
    contexts: ["main", "release/1.x"],
  },
];

async function analyse(base: Record<string, string>, head: Record<string, string>) {
  const changedFiles = [...new Set([...Object.keys(base), ...Object.keys(head)])].filter((p) => base[p] !== head[p]).sort();
  return analyzeActions({
    base: new MemorySource(base, "base"),
    head: new MemorySource(head, "head"),
    changedFiles,
    settings: { ...defaultSettings(), project: "acme/app", defaultBranch: "main" },
    branches: ["main", "release/1.x"],
  });
}

describe("GitHub Actions hazards", () => {
  it.each(cases)("$name: reports $kind as introduced", async ({ kind, base, head, contexts }) => {
    const a = await analyse(base, head);
    const found = a.hazards.filter((h) => h.kind === kind);
    expect(found).toHaveLength(1);
    expect(found[0].status).toBe("introduced");
    expect([...found[0].contexts].sort()).toEqual(contexts);
  });

  it.each(cases)("$name: the reverse change fixes it", async ({ kind, base, head }) => {
    if (kind === "dockerfile-not-rebuilt") {
      // A change-scoped hazard: what a change introduces, never "fixed".
      const a = await analyse(head, head);
      expect(a.hazards.filter((h) => h.kind === kind)).toEqual([]);
      return;
    }
    const a = await analyse(head, base);
    expect(a.hazards.filter((h) => h.kind === kind).map((h) => h.status)).toEqual(kind === "pipeline-lost" || kind === "jobs-lost" ? [] : ["fixed"]);
  });

  it("says which group, who enters it and that a running run is cancelled, at the group line", async () => {
    const c = cases.find((x) => x.kind === "concurrency-cancel")!;
    const a = await analyse(c.base, c.head);
    const h = a.hazards.find((x) => x.kind === "concurrency-cancel")!;
    expect(h.severity).toBe("warning");
    expect(h.message).toContain("`deploy`");
    expect(h.message).toContain("cancels the one in progress");
    expect(h.jobs).toEqual(["CI"]);
    // The `group:` line (line 6), where the fix goes.
    expect(h.source).toMatchObject({ file: WF, line: 6 });
  });

  it("keeps a group that names the ref apart: no hazard", async () => {
    const head = { [WF]: on("[main, 'release/**']").replace("jobs:", "concurrency:\n  group: deploy-${{ github.ref }}\n  cancel-in-progress: true\njobs:") + lint };
    const a = await analyse(head, head);
    expect(a.hazards.filter((h) => h.kind === "concurrency-cancel")).toEqual([]);
  });

  it("can be turned off in the settings like any hazard", async () => {
    const c = cases.find((x) => x.kind === "concurrency-cancel")!;
    const a = await analyzeActions({
      base: new MemorySource(c.base),
      head: new MemorySource(c.head),
      changedFiles: [WF],
      settings: { ...defaultSettings(), project: "acme/app", defaultBranch: "main", hazards: { "concurrency-cancel": "off" } },
      branches: ["main", "release/1.x"],
    });
    expect(a.hazards.filter((h) => h.kind === "concurrency-cancel")).toEqual([]);
  });
});
