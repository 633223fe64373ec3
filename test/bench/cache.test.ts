import { describe, expect, it } from "vitest";
import { generateRepo, BENCH_PROJECT } from "../../bench/generate.js";
import { benchSettings } from "../../bench/settings.js";
import { analyze } from "../../src/analysis/analyze.js";
import { compareJobs } from "../../src/analysis/compare.js";
import type { AnalysedPipeline } from "../../src/analysis/model.js";
import { findImageBuildsMemo } from "../../src/analysis/builds-memo.js";
import { findImageBuilds, sameImage, scanJobScript } from "../../src/containers/index.js";
import type { FileSource } from "../../src/core/file-source.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { loadConfig, ParseCache } from "../../src/gitlab-ci/index.js";
import { DEFAULT_LOAD_LIMITS } from "../../src/gitlab-ci/load/limits.js";
import type { ResolvedText } from "../../src/gitlab-ci/pipeline.js";
import { evaluateConditionInScope } from "../../src/gitlab-ci/simulate/condition.js";
import { nonPredefinedNames, nonPredefinedTexts } from "../../src/gitlab-ci/simulate/job-variables.js";
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

  it.each(Object.entries(LAYERED_CASES))("a job's variables read one by one equal its full record (%s)", async (what, yaml) => {
    const load = await loadConfig(new MemorySource({ ".gitlab-ci.yml": yaml }));
    for (const context of [branchContext({}), branchContext({ CTX: "from-context", UNSET_ME: undefined })]) {
      // Two simulations: one job's record read name by name before anything enumerates it,
      // the other's enumerated first.
      const lazy = await simulateConfig(load, context);
      const full = await simulateConfig(load, context);
      expect(lazy.jobs.map((j) => j.name)).toEqual(Object.keys(LAYERED_VALUES[what]!));
      lazy.jobs.forEach((job, i) => {
        const record = { ...full.jobs[i]!.variables };
        // Before anything reads the lazy record: the report's own variables, same texts, same order.
        const own = Object.entries(record).filter(([, v]) => v.origin !== "predefined").map(([n, v]) => [n, v.value.text]);
        expect(Object.entries(nonPredefinedTexts(job.variables))).toEqual(own);
        // Read by name first (the lazy path), then enumerate (the full record).
        for (const name of [...Object.keys(record), "NOT_DEFINED"]) expect(job.variables[name], name).toEqual(record[name]);
        expect(nonPredefinedNames(job.variables).sort()).toEqual(Object.keys(record).filter((n) => record[n]!.origin !== "predefined").sort());
      });
    }
    // What a user reads for each job on a push to `feature`, worked out by hand from GitLab's
    // precedence (job over top-level, rules:variables over job) and `inherit:variables`.
    const plain = await simulateConfig(load, branchContext({}));
    const texts = Object.fromEntries(plain.jobs.map((j) => [j.name, Object.fromEntries(Object.entries(nonPredefinedTexts(j.variables)))]));
    expect(texts).toEqual(LAYERED_VALUES[what]);
    expect(plain.errors.map((e) => e.message)).toEqual(what === "a cycle through a job variable" ? ['a: circular variable reference detected: ["A", "B"]'] : []);
  });

  // Base and head of one change, edited at the top level or in a job, and the variable changes
  // a user reads for each job in two contexts (the second sets CTX and unsets UNSET_ME), worked
  // out by hand; the same change read from head to base swaps the sides.
  it.each(LAYERED_EDITS)("the variable changes of an edit are the ones a user would see ($config: $what)", async ({ config, edit, plain, withContext }) => {
    const yaml = LAYERED_CASES[config]!;
    const changed = edit(yaml);
    expect(changed).not.toBe(yaml);
    const sides = [await loadConfig(new MemorySource({ ".gitlab-ci.yml": yaml })), await loadConfig(new MemorySource({ ".gitlab-ci.yml": changed }))];
    const variableChanges = async (from: number, to: number, context: PipelineContext) => {
      const [before, after] = [await simulateConfig(sides[from]!, context), await simulateConfig(sides[to]!, context)];
      const analysed = (p: typeof before): AnalysedPipeline => ({ ...p, jobs: p.jobs.map((j) => ({ ...j, builds: [] })) });
      return Object.fromEntries(
        compareJobs(analysed(before), analysed(after)).changes.flatMap((c) => c.fields.filter((f) => f.field === "variables").map((f) => [c.job, [f.before, f.after]])),
      );
    };
    const swapped = (changes: Record<string, readonly [string, string]>) => Object.fromEntries(Object.entries(changes).map(([job, [b, a]]) => [job, [a, b]]));
    for (const [context, expected] of [[branchContext({}), plain], [branchContext({ CTX: "from-context", UNSET_ME: undefined }), withContext ?? plain]] as const) {
      expect(await variableChanges(0, 1, context)).toEqual(expected);
      expect(await variableChanges(1, 0, context)).toEqual(swapped(expected));
      expect(await variableChanges(0, 0, context)).toEqual({});
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

  it("a parse cache bounded by bytes forgets the least recently used file first", async () => {
    const file = (name: string) => new MemorySource({ ".gitlab-ci.yml": `${name}:\n  script: x\n` });
    const probe = new ParseCache();
    await loadConfig(file("a"), { parseCache: probe });
    // Room for two such files, not three.
    const cache = new ParseCache(2 * probe.bytes + 1);
    for (const name of ["a", "b", "c"]) await loadConfig(file(name), { parseCache: cache });
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBeLessThanOrEqual(2 * probe.bytes + 1);
    // The key holds the limits the file was parsed under: the loader's defaults.
    const { maxFileBytes, maxNestingDepth, maxExpandedNodes } = DEFAULT_LOAD_LIMITS;
    const limits = { maxFileBytes, maxNestingDepth, maxExpandedNodes };
    expect(cache.get(".gitlab-ci.yml", { text: "a:\n  script: x\n" }, limits)).toBeUndefined();
    expect(cache.get(".gitlab-ci.yml", { text: "c:\n  script: x\n" }, limits)).toBeDefined();
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

/** Each job's own (not predefined) variables in LAYERED_CASES on a push to `feature`. */
const LAYERED_VALUES: Record<string, Record<string, Record<string, string>>> = {
  "names that read as numbers, and predefined names overridden": {
    a: { "10": "ten", B: "b", CI_COMMIT_REF_NAME: "top", "2": "two", A: "b", CI_JOB_STAGE: "mine" },
  },
  "top-level refers to a job variable": {
    a: { IMAGE: "reg.example.com/app-a:a", REGISTRY: "reg.example.com", APP: "app-a" },
    b: { IMAGE: "reg.example.com/default:b", REGISTRY: "reg.example.com", APP: "default" },
  },
  // A variable defined nowhere the tool was told of may be a project variable: unknown, «$NAME».
  "inherit:variables false and a list": {
    a: { MINE: "«$KEEP»-«$DROP»-feature" },
    b: { KEEP: "kept", MINE: "kept-«$DROP»" },
  },
  "rules:variables, matrix and the context": {
    "a: [amd64]": { CTX: "job", UNSET_ME: "rule", TAG: "rule-amd64", ARCH: "amd64" },
    "a: [arm64]": { CTX: "job", UNSET_ME: "rule", TAG: "rule-arm64", ARCH: "arm64" },
  },
  // GitLab creates no pipeline: "circular variable reference detected".
  "a cycle through a job variable": {},
};

interface LayeredEdit {
  config: keyof typeof LAYERED_VALUES;
  what: string;
  edit: (yaml: string) => string;
  /** Job name → [before, after] of its `variables` change, on a push to `feature`. */
  plain: Record<string, readonly [string, string]>;
  /** The same with CTX=from-context and UNSET_ME unset, when it differs. */
  withContext?: Record<string, readonly [string, string]>;
}

const LAYERED_EDITS: LayeredEdit[] = [
  {
    config: "names that read as numbers, and predefined names overridden",
    what: "a top-level value others refer to",
    edit: (yaml) => yaml.replace("B: b", "B: bee"),
    plain: { a: ["A=b\nB=b", "A=bee\nB=bee"] },
  },
  {
    config: "names that read as numbers, and predefined names overridden",
    what: "a job's own value",
    edit: (yaml) => yaml.replace('"2": two', '"2": deux'),
    plain: { a: ["2=two", "2=deux"] },
  },
  {
    config: "top-level refers to a job variable",
    what: "a top-level value in both jobs",
    edit: (yaml) => yaml.replace("reg.example.com", "reg.other.com"),
    plain: {
      a: ["IMAGE=reg.example.com/app-a:a\nREGISTRY=reg.example.com", "IMAGE=reg.other.com/app-a:a\nREGISTRY=reg.other.com"],
      b: ["IMAGE=reg.example.com/default:b\nREGISTRY=reg.example.com", "IMAGE=reg.other.com/default:b\nREGISTRY=reg.other.com"],
    },
  },
  {
    config: "top-level refers to a job variable",
    what: "a job's value a top-level one refers to",
    edit: (yaml) => yaml.replace("app-a", "app-a2"),
    plain: { a: ["APP=app-a\nIMAGE=reg.example.com/app-a:a", "APP=app-a2\nIMAGE=reg.example.com/app-a2:a"] },
  },
  // DROP is inherited by neither job: its new value shows nowhere.
  {
    config: "inherit:variables false and a list",
    what: "top-level values one job inherits and none inherits",
    edit: (yaml) => yaml.replace("KEEP: kept", "KEEP: kept2").replace("DROP: dropped", "DROP: dropped2"),
    plain: { b: ["KEEP=kept\nMINE=kept-«$DROP»", "KEEP=kept2\nMINE=kept2-«$DROP»"] },
  },
  {
    config: "inherit:variables false and a list",
    what: "a job's value that refers to a non-inherited one",
    edit: (yaml) => yaml.replace("{ MINE: $KEEP-$DROP }", "{ MINE: $KEEP+$DROP }"),
    plain: { b: ["MINE=kept-«$DROP»", "MINE=kept+«$DROP»"] },
  },
  // The job's own CTX hides the top-level one; the context's CTX hides both.
  {
    config: "rules:variables, matrix and the context",
    what: "a top-level value every job overrides",
    edit: (yaml) => yaml.replace("CTX: top", "CTX: top2"),
    plain: {},
  },
  {
    config: "rules:variables, matrix and the context",
    what: "a job's value a context overrides",
    edit: (yaml) => yaml.replace("CTX: job", "CTX: job2"),
    plain: { "a: [amd64]": ["CTX=job", "CTX=job2"], "a: [arm64]": ["CTX=job", "CTX=job2"] },
    withContext: {},
  },
];

const SHARED_BEFORE: never[] = [];
let sharedScript: unknown;
/** The same array every time, as a job's script is in every context. */
function SHARED_SCRIPT<T>(script: T): T {
  sharedScript ??= script;
  return sharedScript as T;
}
