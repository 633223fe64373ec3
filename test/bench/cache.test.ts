import { describe, expect, it } from "vitest";
import { generateRepo, BENCH_PROJECT } from "../../bench/generate.js";
import { benchSettings } from "../../bench/settings.js";
import { analyze } from "../../src/analysis/analyze.js";
import { findImageBuildsMemo } from "../../src/analysis/builds-memo.js";
import { findImageBuilds, sameImage, scanJobScript } from "../../src/containers/index.js";
import type { FileSource } from "../../src/core/file-source.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { loadConfig, ParseCache } from "../../src/gitlab-ci/index.js";
import type { ResolvedText } from "../../src/gitlab-ci/pipeline.js";
import { evaluateConditionInScope } from "../../src/gitlab-ci/simulate/condition.js";
import { namesThatMayDiffer, nonPredefinedNames, nonPredefinedTexts } from "../../src/gitlab-ci/simulate/job-variables.js";
import { simulateConfig } from "../../src/gitlab-ci/simulate/simulate-config.js";
import type { PipelineContext } from "../../src/gitlab-ci/context.js";
import type { VarEntry, VarScope } from "../../src/gitlab-ci/simulate/variable-entry.js";

/** A MemorySource that also names blobs, as a git source does. */
class BlobSource extends MemorySource implements FileSource {
  constructor(
    files: Map<string, string>,
    private readonly blobs: (path: string) => string,
  ) {
    super(files);
  }
  async blobId(path: string): Promise<string | undefined> {
    return this.blobs(path);
  }
}

describe("the generated configuration", () => {
  it.each([100, 1000])("loads with no diagnostics (%i jobs)", async (jobs) => {
    const repo = generateRepo(jobs);
    const load = await loadConfig(new MemorySource(repo.base), { project: BENCH_PROJECT });
    expect(load.diagnostics).toEqual([]);
    expect(load.config.jobs.length).toBeGreaterThanOrEqual(jobs);
  });

  it("is the same for the same seed and differs for another", () => {
    expect(generateRepo(50, 7).base).toEqual(generateRepo(50, 7).base);
    expect(generateRepo(50, 7).base).not.toEqual(generateRepo(50, 8).base);
  });
});

describe("caches give the answers of a cold run", () => {
  it("analyze with a warm parse cache deep-equals a cold analyze", async () => {
    const repo = generateRepo(60, 3);
    const sources = () => ({ base: new MemorySource(repo.base, "base"), head: new MemorySource(repo.head, "head") });
    const cold = await analyze({ ...sources(), settings: benchSettings() });
    const cache = new ParseCache();
    await analyze({ ...sources(), settings: benchSettings(), parseCache: cache });
    expect(cache.size).toBeGreaterThan(0);
    const warm = await analyze({ ...sources(), settings: benchSettings(), parseCache: cache });
    expect(warm).toEqual(cold);
    expect(warm.contexts).toHaveLength(10);
  });

  it("analyze sharing job results between base, head and contexts deep-equals analyze without", async () => {
    const repo = generateRepo(30, 5);
    const sources = () => ({ base: new MemorySource(repo.base, "base"), head: new MemorySource(repo.head, "head") });
    const unshared = await analyze({ ...sources(), settings: benchSettings(), shareResults: false });
    const shared = await analyze({ ...sources(), settings: benchSettings() });
    expect(JSON.parse(JSON.stringify(shared))).toEqual(JSON.parse(JSON.stringify(unshared)));
    expect(shared).toEqual(unshared);
  });

  it("a job shared by base and head carries each side's own builds when a recipe exists on one side only", async () => {
    // podman reads `-f Containerfile` from the working directory if it is there, else from the
    // context: the same job result builds from another recipe in each revision.
    const ci = "build:\n  script:\n    - podman build -t reg.example.com/app:1 -f Containerfile sub\n    - podman push reg.example.com/app:1\n";
    const base = new Map([[".gitlab-ci.yml", ci], ["sub/Containerfile", "FROM a\n"]]);
    const head = new Map([...base, ["Containerfile", "FROM b\n"]]);
    const sources = () => ({ base: new MemorySource(base, "base"), head: new MemorySource(head, "head") });
    const unshared = await analyze({ ...sources(), settings: benchSettings(), shareResults: false });
    const shared = await analyze({ ...sources(), settings: benchSettings() });
    expect(shared).toEqual(unshared);
    const [ctx] = shared.contexts;
    expect(ctx?.before.jobs[0]?.builds.map((b) => b.dockerfile?.text)).toEqual(["sub/Containerfile"]);
    expect(ctx?.after.jobs[0]?.builds.map((b) => b.dockerfile?.text)).toEqual(["Containerfile"]);
    expect(ctx?.changes.map((c) => [c.job, c.fields.map((f) => f.field)])).toEqual([["build", ["builds"]]]);
  });

  it.each(Object.entries(LAYERED_CASES))("a job's variables read one by one equal its full record (%s)", async (_what, yaml) => {
    const load = await loadConfig(new MemorySource({ ".gitlab-ci.yml": yaml }));
    for (const context of [branchContext({}), branchContext({ CTX: "from-context", UNSET_ME: undefined })]) {
      const lazy = await simulateConfig(load, context);
      const full = await simulateConfig(load, context);
      expect(lazy.errors).toEqual(full.errors);
      expect(lazy.jobs.map((j) => j.name)).toEqual(full.jobs.map((j) => j.name));
      lazy.jobs.forEach((job, i) => {
        const record = { ...full.jobs[i]!.variables };
        // Before anything reads the lazy record: the report's own variables, same texts, same order.
        const own = Object.entries(record).filter(([, v]) => v.origin !== "predefined").map(([n, v]) => [n, v.value.text]);
        expect(Object.entries(nonPredefinedTexts(job.variables))).toEqual(own);
        // Read by name first (the lazy path), then enumerate (the full record).
        for (const name of [...Object.keys(record), "NOT_DEFINED"]) expect(job.variables[name], name).toEqual(record[name]);
        expect(nonPredefinedNames(job.variables).sort()).toEqual(Object.keys(record).filter((n) => record[n]!.origin !== "predefined").sort());
        expect(job.image).toEqual(full.jobs[i]!.image);
      });
    }
  });

  // Base and head of one change: a top-level value changes, or a job's own value that a
  // top-level one refers to; with it changes what refers to it.
  const changes = {
    "top-level": (yaml: string) => yaml.replace("reg.example.com", "reg.other.com").replace("kept", "kept2").replace("CTX: top", "CTX: top2"),
    "job-level": (yaml: string) => yaml.replace("app-a", "app-a2").replace("CTX: job", "CTX: job2"),
  };
  const pairs = Object.entries(LAYERED_CASES).flatMap(([what, yaml]) => Object.entries(changes).map(([how, change]) => [`${what}, ${how}`, yaml, change(yaml)] as const));
  it.each(pairs)("names left out of the variable comparison have one value on both sides (%s)", async (_what, yaml, changed) => {
    const sides = [await loadConfig(new MemorySource({ ".gitlab-ci.yml": yaml })), await loadConfig(new MemorySource({ ".gitlab-ci.yml": changed }))];
    const contexts = [branchContext({}), branchContext({ CTX: "from-context", UNSET_ME: undefined })];
    for (const [x, y] of [[0, 1], [1, 0], [0, 0]] as const) {
      for (const cx of contexts) {
        for (const cy of contexts) {
          const before = await simulateConfig(sides[x]!, cx);
          const after = await simulateConfig(sides[y]!, cy);
          for (const job of after.jobs) {
            const old = before.jobs.find((j) => j.name === job.name);
            if (!old) continue;
            const candidates = namesThatMayDiffer(old.variables, job.variables);
            // Compared on full records, built after the layered reading.
            const full = { before: { ...old.variables }, after: { ...job.variables } };
            const differ = nonPredefinedNames(job.variables).filter((n) => full.before[n] && full.after[n] && full.before[n]!.value.text !== full.after[n]!.value.text);
            for (const name of differ) expect(candidates ?? [name], `${job.name} ${name}`).toContain(name);
          }
        }
      }
    }
  });

  it.each([
    ["text", undefined],
    ["blob id", "blob"],
  ])("a file changed under the same path is parsed again (keyed by %s)", async (_how, blobs) => {
    const base = new Map([[".gitlab-ci.yml", "a:\n  script: x\n"]]);
    const head = new Map([[".gitlab-ci.yml", "b:\n  script: x\n"]]);
    const cache = new ParseCache();
    const source = (files: Map<string, string>) =>
      blobs ? new BlobSource(files, (p) => `${p}@${files.get(p)?.length ?? 0}${files.get(p)?.[0] ?? ""}`) : new MemorySource(files);
    const a = await loadConfig(source(base), { parseCache: cache });
    const b = await loadConfig(source(head), { parseCache: cache });
    expect(a.config.jobs.map((j) => j.name)).toEqual(["a"]);
    expect(b.config.jobs.map((j) => j.name)).toEqual(["b"]);
  });

  it("a bounded parse cache forgets the oldest file first", async () => {
    const cache = new ParseCache(2);
    for (const name of ["a", "b", "c"]) await loadConfig(new MemorySource({ ".gitlab-ci.yml": `${name}:\n  script: x\n` }), { parseCache: cache });
    expect(cache.size).toBe(2);
  });

  const entry = (name: string, raw: string, extra: Partial<VarEntry> = {}): VarEntry => ({ name, raw, expand: true, origin: "job", ...extra });
  const scope = (...entries: VarEntry[]): VarScope => new Map(entries.map((e) => [e.name, e]));
  it.each([
    ["a different value", scope(entry("X", "a")), scope(entry("X", "b")), true, false],
    ["defined vs undefined", scope(entry("X", "a")), scope(), true, false],
    ["known vs unknown", scope(entry("X", "a")), scope(entry("X", "", { unknown: "not known" })), true, "unknown"],
    ["a value that looks like a key separator", scope(entry("X", "a\0=1:b")), scope(entry("X", "a")), false, true],
  ] as const)("a remembered rules:if answer is not reused for %s", (_what, first, second, one, two) => {
    const text = '$X == "a"';
    expect(evaluateConditionInScope(text, first).result).toBe(one);
    expect(evaluateConditionInScope(text, second).result).toBe(two);
    expect(evaluateConditionInScope(text, first).result).toBe(one);
  });

  it.each([
    ["x", "reg/app:x"],
    ["y", "reg/app:y"],
    ["x", "reg/app:x"],
  ])("a remembered image scan follows the variables (TAG=%s)", (tag, image) => {
    const script = [{ text: "docker build -t reg/app:$TAG .", pos: { file: ".gitlab-ci.yml", line: 3 } }, { text: "docker push reg/app:$TAG", pos: { file: ".gitlab-ci.yml", line: 4 } }];
    const variables = (name: string): ResolvedText | undefined => (name === "TAG" ? { text: tag, known: true, unknowns: [] } : undefined);
    const memo = findImageBuildsMemo({ job: "build", beforeScript: SHARED_BEFORE, script: SHARED_SCRIPT(script), variables });
    expect(memo).toEqual(findImageBuilds({ job: "build", lines: script, variables }));
    expect(memo[0]?.image.text).toBe(image);
  });
});

describe("content-keyed scan memos give the answers of a cold scan", () => {
  const line = (text: string, line: number, file = "templates/build.yml") => ({ text, pos: { file, line } });
  const tagged = (tag: string) => (name: string): ResolvedText | undefined => (name === "TAG" ? { text: tag, known: true, unknowns: [] } : undefined);

  // Each job loads its own copy of a template's lines; equal copies share one scan.
  it.each([
    ["another job, same lines and values", "build-b", "templates/build.yml", "v1"],
    ["another job, other values", "build-c", "templates/build.yml", "v2"],
    ["the same job, lines from another file", "build-a", "other.yml", "v1"],
  ])("a remembered image scan is replayed only as a cold scan would answer (%s)", (_what, job, file, tag) => {
    const lines = (f: string) => [line("docker build -t reg/app:$TAG .", 3, f), line("docker push reg/app:$TAG", 4, f)];
    findImageBuildsMemo({ job: "build-a", beforeScript: [], script: lines("templates/build.yml"), variables: tagged("v1") });
    const memo = findImageBuildsMemo({ job, beforeScript: [], script: lines(file), variables: tagged(tag) });
    expect(memo).toEqual(findImageBuilds({ job, lines: lines(file), variables: tagged(tag) }));
    expect(memo.map((b) => [b.job, b.image.text, b.pos.file, b.push])).toEqual([[job, `reg/app:${tag}`, file, true]]);
  });

  it("a template shared by many jobs, each with its own values, replays exactly what a cold scan finds", () => {
    // One template, the same array objects or equal copies; the answers steer which questions
    // follow (TAGX unset asks FALLBACK; a known context asks whether the recipe exists there).
    const template = (f: string) => [
      line('export TAG="reg/app/$NAME:${TAGX:-$FALLBACK}"', 3, f),
      line('podman build -t "$TAG" -f Containerfile "$CTX"', 4, f),
      line('podman push "$TAG"', 5, f),
    ];
    const shared = template("templates/build.yml");
    const before = [line("echo start", 2)];
    const files = new Set(["Containerfile", "sub/Containerfile"]);
    for (let round = 0; round < 2; round++) {
      for (let n = 0; n < 40; n++) {
        const values: Record<string, string> = { NAME: `img-${n % 25}` };
        if (n % 3 === 0) values.TAGX = `t${n % 2}`;
        if (n % 4 !== 1) values.FALLBACK = "fb";
        values.CTX = ["sub", ".", "other"][n % 3];
        const variables = (name: string): ResolvedText | undefined => (name in values ? { text: values[name], known: true, unknowns: [] } : undefined);
        const fileExists = (path: string) => (path.startsWith("other") ? undefined : files.has(path));
        const script = n % 2 === 0 ? shared : template("templates/build.yml");
        const job = `job-${n}`;
        const memo = findImageBuildsMemo({ job, beforeScript: before, script, variables, fileExists });
        expect(memo).toEqual(findImageBuilds({ job, lines: [...before, ...script], variables, fileExists }));
      }
    }
  });

  it.each(["lint", "test"])("a script parsed once still names its own job in what it cannot read (%s)", (job) => {
    const lines = [line('docker build -t "reg/app:1 .', 7)];
    const scan = scanJobScript({ job, lines, variables: () => undefined });
    expect(scan.diagnostics.map((d) => [d.message, d.pos?.line])).toEqual([[`job '${job}': unterminated double quote in a script line; image builds in it may be missed`, 7]]);
  });

  const holed = (known: boolean): ResolvedText => ({ text: "reg/app:«TAG»", known, unknowns: known ? [] : ["TAG"] });
  it.each<[ResolvedText, string, boolean | "unknown"]>([
    [holed(false), "reg/app:v1", "unknown"],
    [holed(false), "reg/other:v1", false],
    [holed(true), "reg/app:v1", false],
    [holed(false), "reg/app:v1", "unknown"],
  ])("a remembered image comparison keys on the text and whether it has holes (%o vs %s)", (a, b, same) => {
    expect(sameImage(a, b)).toBe(same);
  });
});

function branchContext(variables: Record<string, string | undefined>): PipelineContext {
  return {
    ref: { kind: "branch", name: "feature" },
    source: "push",
    project: { path: "group/project", defaultBranch: "main" },
    server: { url: "https://gitlab.example.com", registry: "registry.example.com" },
    // A name present with value `undefined` is unset by the context (entriesFromContext).
    variables: variables as Record<string, string>,
  };
}

/** Configurations where a job's own variables interact with the pipeline's. */
const LAYERED_CASES: Record<string, string> = {
  "names that read as numbers, and predefined names overridden": `
variables:
  "10": ten
  B: b
  CI_COMMIT_REF_NAME: top
a:
  variables: { "2": two, A: $B, CI_JOB_STAGE: mine }
  script: x
`,
  "top-level refers to a job variable": `
variables:
  IMAGE: $REGISTRY/$APP:$CI_JOB_NAME
  REGISTRY: reg.example.com
  APP: default
a:
  image: $IMAGE
  variables: { APP: app-a }
  script: x
b:
  image: $IMAGE
  script: x
`,
  "inherit:variables false and a list": `
variables:
  KEEP: kept
  DROP: dropped
  CI_COMMIT_REF_NAME: overridden
a:
  inherit: { variables: false }
  variables: { MINE: $KEEP-$DROP-$CI_COMMIT_REF_NAME }
  script: x
b:
  inherit: { variables: [KEEP] }
  variables: { MINE: $KEEP-$DROP }
  script: x
`,
  "rules:variables, matrix and the context": `
variables:
  CTX: top
  UNSET_ME: top
a:
  variables: { CTX: job, TAG: $CTX }
  parallel:
    matrix:
      - ARCH: [amd64, arm64]
  image: reg.example.com/app:$TAG-$ARCH
  rules:
    - if: $CI_COMMIT_BRANCH
      variables: { TAG: rule-$ARCH, UNSET_ME: rule }
  script: x
`,
  "a cycle through a job variable": `
variables:
  A: $B
a:
  variables: { B: $A }
  script: x
b:
  script: x
`,
};

const SHARED_BEFORE: never[] = [];
let sharedScript: unknown;
/** The same array every time, as a job's script is in every context. */
function SHARED_SCRIPT<T>(script: T): T {
  sharedScript ??= script;
  return sharedScript as T;
}
