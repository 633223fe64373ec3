import { describe, expect, it } from "vitest";
import { MemorySource } from "../../../src/core/memory-source.js";
import type { PipelineContext } from "../../../src/gitlab-ci/context.js";
import { loadConfig } from "../../../src/gitlab-ci/index.js";
import type { ImageDef, LoadResult, RuleDef } from "../../../src/gitlab-ci/model.js";
import type { Pipeline, ResolvedText, ResolvedVar } from "../../../src/gitlab-ci/pipeline.js";
import { simulateConfig, SimulationShare, type JobOutcome } from "../../../src/gitlab-ci/simulate/index.js";
import { plainValues } from "../../../src/gitlab-ci/simulate/job-variables.js";
import { ImageResolver, resolveImage } from "../../../src/gitlab-ci/simulate/resolve-image.js";
import { RuleShapes } from "../../../src/gitlab-ci/simulate/rules-memo.js";
import { branch, context, job, mr, tag } from "./build.js";

/**
 * What the simulation makes once per loaded configuration (parallel instances, job layers,
 * validation), once per rules outcome (selections shared by the jobs of one template) and once
 * per job result (SimulationShare) must give the answers of a cold simulation of a fresh load.
 */
const YAML = `
stages: [build, test, deploy]
variables:
  TAG: latest
  REGISTRY: reg.example.com
workflow:
  rules:
    - if: $CI_COMMIT_TAG
      variables:
        TAG: $CI_COMMIT_TAG
    - if: $CI_COMMIT_BRANCH == "main"
      variables:
        TAG: main-$CI_COMMIT_SHORT_SHA
        EXTRA: "1"
    - when: always
.rules:
  rules:
    - if: $CI_COMMIT_BRANCH =~ /^stable-/
      when: never
    - if: $CI_MERGE_REQUEST_LABELS =~ /skip/
      when: never
    - if: $FLAG == "1"
      variables:
        TAG: flagged
    - if: $CI_COMMIT_REF_NAME
build:
  extends: .rules
  stage: build
  image: $REGISTRY/build:$TAG
  services: [docker:dind]
  variables:
    FLAG: "1"
  script: [make]
build-manual:
  extends: .rules
  stage: build
  when: manual
  allow_failure: false
  image: $REGISTRY/build:$TAG
  script: [make]
matrix:
  extends: .rules
  stage: test
  image: $REGISTRY/$ARCH:$TAG
  parallel:
    matrix:
      - ARCH: [amd64, arm64]
  needs: [build]
  script: [make test]
numbered:
  extends: .rules
  stage: test
  parallel: 2
  inherit:
    variables: [REGISTRY]
  image: $REGISTRY/n:$TAG
  script: [make test]
no-inherit:
  stage: test
  inherit:
    variables: false
  image: alpine:$TAG
  script: ["true"]
deploy:
  stage: deploy
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
      needs: [build]
    - when: manual
  trigger:
    project: group/deploy
`;

const CONTEXTS: PipelineContext[] = [
  context(),
  context({ ref: branch("stable-1") }),
  context({ ref: tag("v1.2") }),
  context({ ref: mr("feature", "main") }),
  // A name present with value `undefined` is unset by the context (entriesFromContext).
  context({ variables: { FLAG: "0", TAG: undefined } as unknown as Record<string, string> }),
  context({ ref: branch("feature"), variables: { REGISTRY: "other.example.com" } }),
];

const load = (yaml: string): Promise<LoadResult> => loadConfig(new MemorySource({ ".gitlab-ci.yml": yaml }));

/** A pipeline as plain data: every job's full variables record is enumerated. */
const plain = (p: Pipeline): unknown => JSON.parse(JSON.stringify(p));

describe("work reused between simulations gives the answers of a cold simulation", () => {
  it("one load simulated in context after context equals a fresh load per context", async () => {
    const warm = await load(YAML);
    expect(warm.diagnostics).toEqual([]);
    // Twice round, so that every context also follows one that made its per-configuration parts.
    for (const round of [1, 2]) {
      for (const ctx of CONTEXTS) {
        const cold = await simulateConfig(await load(YAML), ctx);
        const reused = await simulateConfig(warm, ctx);
        expect(plain(reused), `round ${round}`).toEqual(plain(cold));
        expect(reused).toEqual(cold);
        expect(reused.created || reused.notCreated?.reason === "no-jobs").toBe(true);
      }
    }
  });

  it("jobs sharing one rules outcome keep their own when, allow_failure and needs", async () => {
    const p = await simulateConfig(await load(YAML), context());
    expect(job(p, "build").when).toBe("on_success");
    expect(job(p, "build-manual").when).toBe("manual");
    expect(job(p, "build-manual").allowFailure).toBe(false);
    expect(job(p, "build").image?.ref.text).toBe("reg.example.com/build:flagged");
    expect(job(p, "build-manual").image?.ref.text).toMatch(/^reg\.example\.com\/build:main-/);
    expect(job(p, "matrix: [amd64]").needs).toEqual(["build"]);
    expect(job(p, "deploy").needs).toEqual(["build"]);
    expect(job(p, "numbered 1/2").needs).toBeUndefined();
  });

  it("a share reuses an unchanged job between revisions and never a job defined differently", async () => {
    const head = YAML.replace("  when: manual\n  allow_failure: false", "  when: manual\n  allow_failure: true");
    expect(head).not.toBe(YAML);
    const share = new SimulationShare<JobOutcome>();
    const [b, h] = [await load(YAML), await load(head)];
    for (const ctx of CONTEXTS) {
      const before = await simulateConfig(b, ctx, undefined, { share });
      const after = await simulateConfig(h, ctx, undefined, { share });
      expect(plain(before)).toEqual(plain(await simulateConfig(await load(YAML), ctx)));
      expect(plain(after)).toEqual(plain(await simulateConfig(await load(head), ctx)));
      const named = (p: Pipeline, name: string) => p.jobs.find((j) => j.name === name);
      if (named(after, "build")) expect(named(after, "build")).toBe(named(before, "build"));
      if (named(after, "build-manual")) expect(named(after, "build-manual")).not.toBe(named(before, "build-manual"));
    }
  });

  // Issue case 9: the share's key once left out a variable the context unsets (JSON drops an
  // `undefined`), so a context that unsets a job's own variable got the other context's job.
  it("two contexts that differ only by an unset variable do not share a job's result", async () => {
    const yaml = "deploy:\n  script: make\n  image: registry.example/app:$TAG\n  variables:\n    TAG: stable\n";
    const share = new SimulationShare<JobOutcome>();
    const loaded = await load(yaml);
    const given = await simulateConfig(loaded, context(), undefined, { share });
    const unset = await simulateConfig(loaded, context({ variables: { TAG: undefined as unknown as string } }), undefined, { share });
    expect(job(given, "deploy").image?.ref.text).toBe("registry.example/app:stable");
    // Unset by the context (`--var TAG`), the job's TAG is gone too, as a cold simulation says.
    expect(job(unset, "deploy").image?.ref.text).toBe("registry.example/app:«$TAG»");
    expect(plain(unset)).toEqual(plain(await simulateConfig(await load(yaml), context({ variables: { TAG: undefined as unknown as string } }))));
  });
});

describe("shared objects behave as their plain forms", () => {
  it("a job's variables record looks like a plain record of its variables, not like the view behind it", async () => {
    const p = await simulateConfig(await load(YAML), context());
    const variables = job(p, "build").variables;
    const full = JSON.parse(JSON.stringify(variables)) as Record<string, ResolvedVar>;
    expect(Object.getPrototypeOf(variables)).toBe(Object.prototype);
    for (const field of ["table", "own", "layers", "work", "record", "variables", "value"]) {
      expect(variables[field], field).toBeUndefined();
      expect(field in variables, field).toBe(false);
    }
    expect("FLAG" in variables && "toString" in variables).toBe(true);
    expect(Object.keys(variables)).toEqual(Object.keys(full));
    expect({ ...variables }).toEqual(full);
  });

  it("predefined variables with equal values are one object in every pipeline, and only those", async () => {
    const l = await load(YAML);
    const [a, b, c] = [await simulateConfig(l, context()), await simulateConfig(l, context({ ref: tag("v1.2") })), await simulateConfig(l, context({ ref: branch("feature") }))];
    expect(a.variables.CI_REGISTRY_IMAGE).toBe(b.variables.CI_REGISTRY_IMAGE);
    expect(a.variables.CI_COMMIT_MESSAGE).toBe(b.variables.CI_COMMIT_MESSAGE);
    expect(a.variables.CI_COMMIT_REF_NAME).not.toBe(c.variables.CI_COMMIT_REF_NAME);
    expect(c.variables.CI_COMMIT_REF_NAME?.value.text).toBe("feature");
    expect(a.variables.CI_COMMIT_REF_NAME?.value.text).not.toBe("feature");
  });
});

describe("bounded and remembered parts give the answers of a cold run", () => {
  it.each([0, 5, 20])("a share keeping at most %i results answers as no share", async (maxResults) => {
    const share = new SimulationShare<JobOutcome>(maxResults);
    const [b, h] = [await load(YAML), await load(YAML.replace("REGISTRY: reg.example.com", "REGISTRY: reg2.example.com"))];
    for (const ctx of [...CONTEXTS, ...CONTEXTS]) {
      for (const l of [b, h]) expect(plain(await simulateConfig(l, ctx, undefined, { share }))).toEqual(plain(await simulateConfig(l, ctx)));
    }
  });

  const text = (t: string, unknowns: string[] = []): ResolvedText => ({ text: t, known: unknowns.length === 0, unknowns });
  const vars = (values: Record<string, ResolvedText>): Record<string, ResolvedVar> =>
    Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value, raw: value.text, origin: "job" }]));
  const at = { file: ".gitlab-ci.yml", line: 4 };
  const image: ImageDef = { name: { value: "$REG/app:${TAG}$$x", pos: at }, pos: at };

  it.each([
    ["the same values", { REG: text("r"), TAG: text("1") }],
    ["another value", { REG: text("r"), TAG: text("2") }],
    ["an undefined name", { REG: text("r") }],
    ["the same text with an unknown part", { REG: text("r"), TAG: text("«$TAG»", ["TAG"]) }],
    ["the same text, known", { REG: text("r"), TAG: text("«$TAG»") }],
    ["the first values again", { REG: text("r"), TAG: text("1") }],
  ])("a remembered image follows the values it reads (%s)", (_what, values) => {
    const resolver = sharedResolver;
    for (const earlier of [{ REG: text("r"), TAG: text("1") }, { REG: text("r"), TAG: text("«$TAG»", ["TAG"]) }]) resolver.resolve(plainValues(vars(earlier)));
    expect(resolver.resolve(plainValues(vars(values)))).toEqual(resolveImage(image, vars(values)));
  });
  const sharedResolver = new ImageResolver(image);

  const rule = (file: string, line: number, cond?: string): RuleDef => ({ index: 0, pos: { file, line }, variables: [], ...(cond ? { if: { value: cond, pos: { file, line } } } : {}) });
  it("rules lists share a shape exactly when they are the same written rules", () => {
    const shapes = new RuleShapes();
    const a = shapes.of([rule("t.yml", 1, "$A"), rule("t.yml", 2)]);
    expect(a).not.toBeNull();
    expect(shapes.of([rule("t.yml", 1, "$A"), rule("t.yml", 2)])).toBe(a);
    expect(shapes.of([rule("t.yml", 1, "$B"), rule("t.yml", 2)])).not.toBe(a);
    expect(shapes.of([rule("t.yml", 1, "$A"), rule("u.yml", 2)])).not.toBe(a);
    expect(shapes.of([rule("t.yml", 1, "$A")])).not.toBe(a);
    expect(shapes.of([rule("t.yml", 1, "$A"), rule("t.yml", 2), rule("t.yml", 3)])).not.toBe(a);
    expect(shapes.of([{ ...rule("t.yml", 1, "$A"), exists: { paths: [], pos: { file: "t.yml", line: 1 } } }])).toBeNull();
  });
});
