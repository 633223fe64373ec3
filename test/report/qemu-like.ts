/**
 * A hand-built analysis shaped like QEMU's stable-staging change: container jobs push
 * `…/qemu/<name>:latest` on every branch before, and `:staging-X-Y` on stable staging
 * branches after; build jobs run in those images; tag pipelines stop being created.
 */
import type { AnalysedJob, Analysis, BranchContext, ImageChange } from "../../src/analysis/model.js";
import type { RuleTrace } from "../../src/gitlab-ci/pipeline.js";
import {
  analysis,
  build,
  context,
  contextAnalysis,
  excluded,
  hazard,
  image,
  imageChange,
  job,
  pipeline,
  pos,
  ruleDecision,
  variable,
} from "./build.js";

const REGISTRY = "registry.gitlab.com/qemu-project/qemu/qemu";
const IMAGES = ["amd64-debian11", "amd64-fedora", "amd64-alpine", "amd64-ubuntu2204", "win64-fedora-cross", "s390x-debian-cross", "arm64-debian-cross", "python"];
const BASE = ".gitlab-ci.d/base.yml";
const STAGING_IF = "$CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM && $CI_COMMIT_BRANCH =~ /staging-[[:digit:]]+\\.[[:digit:]]/";

function trace(ctx: BranchContext, deciding: RuleTrace): RuleTrace[] {
  const branch = ctx.ref.kind === "branch" ? ctx.ref.name : null;
  return [
    { index: 0, pos: pos(BASE, 37), if: "$CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM && $CI_COMMIT_BRANCH =~ /^stable-/", result: false, reads: { CI_PROJECT_NAMESPACE: "qemu-project", QEMU_CI_UPSTREAM: "qemu-project", CI_COMMIT_BRANCH: branch } },
    { index: 1, pos: pos(BASE, 41), if: "$CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM && $CI_COMMIT_TAG", result: false, reads: { CI_PROJECT_NAMESPACE: "qemu-project", QEMU_CI_UPSTREAM: "qemu-project", CI_COMMIT_TAG: null } },
    deciding,
  ];
}

function jobsFor(ctx: BranchContext, tag: string, side: "before" | "after"): AnalysedJob[] {
  const stable = side === "after" && tag !== "latest";
  const decidedBy = stable
    ? ruleDecision(14, pos(BASE, 123), STAGING_IF, "on_success", trace(ctx, { index: 14, pos: pos(BASE, 123), if: STAGING_IF, result: true, reads: { CI_PROJECT_NAMESPACE: "qemu-project", QEMU_CI_UPSTREAM: "qemu-project", CI_COMMIT_BRANCH: ctx.ref.kind === "branch" ? ctx.ref.name : null } }))
    : ruleDecision(9, pos(BASE, side === "after" ? 128 : 71), undefined, "on_success", trace(ctx, { index: 9, pos: pos(BASE, side === "after" ? 128 : 71), result: true, reads: {} }));
  const tagVar = stable
    ? variable(tag, "rule", pos(BASE, 126), "$CI_COMMIT_REF_SLUG")
    : variable("latest", "top-level", pos(BASE, 6));
  const containers = IMAGES.map((name) =>
    job(`${name}-container`, {
      stage: "containers",
      source: pos(".gitlab-ci.d/containers.yml", 10 + IMAGES.indexOf(name) * 5),
      decidedBy,
      image: image("docker:latest", pos(".gitlab-ci.d/container-template.yml", 2)),
      variables: { NAME: variable(name, "job", pos(".gitlab-ci.d/containers.yml", 12 + IMAGES.indexOf(name) * 5)), QEMU_CI_CONTAINER_TAG: tagVar },
      builds: [build(`${name}-container`, `${REGISTRY}/${name}:${tag}`, `tests/docker/dockerfiles/${name}.docker`, pos(".gitlab-ci.d/container-template.yml", 16))],
    }),
  );
  const builds = IMAGES.filter((n) => n !== "python").flatMap((name) =>
    ["build", "check"].map((kind) =>
      job(`${kind}-system-${name}`, {
        stage: kind === "build" ? "build" : "test",
        source: pos(".gitlab-ci.d/buildtest.yml", 3 + IMAGES.indexOf(name) * 12 + (kind === "check" ? 6 : 0)),
        decidedBy,
        image: image(`${REGISTRY}/${name}:${tag}`, pos(".gitlab-ci.d/buildtest-template.yml", 3), "$CI_REGISTRY_IMAGE/qemu/$IMAGE:$QEMU_CI_CONTAINER_TAG"),
        variables: { IMAGE: variable(name, "job", pos(".gitlab-ci.d/buildtest.yml", 5)), QEMU_CI_CONTAINER_TAG: tagVar },
      }),
    ),
  );
  const checkPatch = job("check-patch", {
    stage: "test",
    source: pos(".gitlab-ci.d/static_checks.yml", 1),
    decidedBy,
    image: image(`${REGISTRY}/python:${tag}`, pos(".gitlab-ci.d/static_checks.yml", 3)),
  });
  const hexagon = job("build-user-hexagon", {
    stage: "build",
    source: pos(".gitlab-ci.d/buildtest.yml", 200),
    decidedBy,
    image: image(`${REGISTRY}/debian-hexagon-cross:«$HEXAGON_TAG»`, pos(".gitlab-ci.d/buildtest.yml", 202), "$CI_REGISTRY_IMAGE/qemu/debian-hexagon-cross:$HEXAGON_TAG"),
  });
  return [...containers, ...builds, checkPatch, hexagon];
}

function imagesFor(before: string, after: string): ImageChange[] {
  return IMAGES.map((name) =>
    imageChange(`${REGISTRY}/${name}`, [before], [after], {
      builtBy: [`${name}-container`],
      dockerfiles: [`tests/docker/dockerfiles/${name}.docker`],
      usedBy: name === "python" ? ["check-patch"] : [`build-system-${name}`, `check-system-${name}`],
    }),
  );
}

export function qemuLikeAnalysis(): Analysis {
  const master = context("master", { kind: "default-branch" });
  const staging = context("staging", { kind: "rule-literal", pos: pos(BASE, 53), text: "staging" });
  const s80 = context("staging-8.0", { kind: "rule-regex", pos: pos(BASE, 75), pattern: "/staging-[[:digit:]]+\\.[[:digit:]]/", synthesised: false });
  const s72 = context("staging-7.2", { kind: "rule-regex", pos: pos(BASE, 75), pattern: "/staging-[[:digit:]]+\\.[[:digit:]]/", synthesised: false });
  const fork = context("fork push", { kind: "fork" });
  const mr = context("MR feature → master", { kind: "mr-pipeline" }, { kind: "mr", source: "feature", target: "master" });
  const tag = context("tag v8.0.3", { kind: "tag" }, { kind: "tag", name: "v8.0.3" });

  const pagesRule = ruleDecision(3, pos(BASE, 49), '$QEMU_JOB_PUBLISH == "1" && $CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM && $CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH', "never");
  const masterJobs = [job("pages", { stage: "deploy", source: pos(".gitlab-ci.d/buildtest.yml", 640), decidedBy: ruleDecision(9, pos(BASE, 71), undefined) })];
  const withPagesExcluded = (ctx: BranchContext, jobs: AnalysedJob[]) =>
    pipeline(ctx, jobs, { excluded: [excluded("pages", pagesRule, pos(".gitlab-ci.d/buildtest.yml", 640))] });

  const tagBefore = jobsFor(tag, "latest", "before");
  const tagNever = ruleDecision(1, pos(BASE, 41), "$CI_PROJECT_NAMESPACE == $QEMU_CI_UPSTREAM && $CI_COMMIT_TAG", "never");
  const tagAfter = pipeline(tag, [], {
    created: false,
    notCreated: { reason: "no-jobs", message: "every job's rules say never for tags upstream" },
    excluded: tagBefore.map((j) => excluded(j.name, tagNever, j.source)),
  });

  const contexts = [
    contextAnalysis(master, masterJobs, masterJobs),
    contextAnalysis(staging, withPagesExcluded(staging, jobsFor(staging, "latest", "before")), withPagesExcluded(staging, jobsFor(staging, "latest", "after")), imagesFor("latest", "latest")),
    contextAnalysis(s80, withPagesExcluded(s80, jobsFor(s80, "latest", "before")), withPagesExcluded(s80, jobsFor(s80, "staging-8-0", "after")), imagesFor("latest", "staging-8-0")),
    contextAnalysis(s72, withPagesExcluded(s72, jobsFor(s72, "latest", "before")), withPagesExcluded(s72, jobsFor(s72, "staging-7-2", "after")), imagesFor("latest", "staging-7-2")),
    contextAnalysis(fork, jobsFor(fork, "latest", "before"), jobsFor(fork, "latest", "after"), imagesFor("latest", "latest")),
    contextAnalysis(mr, pipeline(mr, [], { created: false, notCreated: { reason: "no-jobs", message: "no job runs in MR pipelines" } }), pipeline(mr, [], { created: false, notCreated: { reason: "no-jobs", message: "no job runs in MR pipelines" } })),
    contextAnalysis(tag, tagBefore, tagAfter, imagesFor("latest", "").map((i) => ({ ...i, tagsAfter: [] }))),
  ];

  return analysis({
    base: { sha: "f9925abbda1c324d901d8e7fe63bad09a35ae740", label: "master", diagnostics: [], ciFiles: [".gitlab-ci.yml", BASE] },
    head: { sha: "52ed34cbddde1cb89b2ac263e758e349a77f21e1", label: "staging-fixes", diagnostics: [], ciFiles: [".gitlab-ci.yml", BASE] },
    changedFiles: [BASE, ".gitlab-ci.d/container-template.yml", "tests/docker/dockerfiles/python.docker"],
    contexts,
    recipes: [
      { path: "tests/docker/dockerfiles/python.docker", changed: true, builtIn: { staging: ["python-container"], "staging-8.0": ["python-container"], "staging-7.2": ["python-container"], "fork push": ["python-container"] } },
    ],
    hazards: [
      hazard({
        kind: "image-tag-collision",
        severity: "error",
        status: "fixed",
        message: "staging, staging-8.0 and staging-7.2 can run at the same time and all pushed the same image references; a stable job could run in a development container",
        contexts: ["staging", "staging-8.0", "staging-7.2"],
        images: IMAGES.map((n) => `${REGISTRY}/${n}:latest`),
        jobs: IMAGES.map((n) => `${n}-container`),
        source: pos(".gitlab-ci.d/container-template.yml", 8),
      }),
      hazard({
        kind: "pipeline-lost",
        severity: "notice",
        status: "introduced",
        message: "tag pipelines upstream are no longer created (every job is `when: never` for tags)",
        contexts: ["tag v8.0.3"],
        jobs: tagBefore.map((j) => j.name),
        source: pos(BASE, 41),
      }),
      hazard({
        kind: "image-not-built",
        severity: "warning",
        status: "unchanged",
        message: "build-user-hexagon runs in an image no job in this pipeline builds, and its tag depends on $HEXAGON_TAG, which is defined nowhere",
        contexts: ["staging", "staging-8.0", "staging-7.2", "fork push"],
        images: [`${REGISTRY}/debian-hexagon-cross:«$HEXAGON_TAG»`],
        jobs: ["build-user-hexagon"],
        source: pos(".gitlab-ci.d/buildtest.yml", 202),
      }),
    ],
    verdict: { conclusion: "success", title: "", summary: "" },
  });
}
