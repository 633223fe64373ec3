import { describe, expect, it } from "vitest";
import { findImageBuilds, scanJobScript, scriptMayBuild } from "../../src/containers/index.js";
import { describeBuild, resolverOf, scriptLines } from "./helpers.js";

// Modelled on QEMU's `.container_job_template` (before_script + script of a container job).
const QEMU_VARS = {
  CI_PROJECT_DIR: "/builds/qemu-project/qemu",
  CI_REGISTRY: "registry.gitlab.com",
  CI_REGISTRY_IMAGE: "registry.gitlab.com/qemu-project/qemu",
  NAME: "debian11",
  QEMU_CI_CONTAINER_TAG: "staging-8-0",
};
const { QEMU_CI_CONTAINER_TAG: _unused, ...withoutTag } = QEMU_VARS;
const qemuScript = (tagLine: string) => [
  tagLine,
  'export COMMON_TAG="$CI_REGISTRY/qemu-project/qemu/qemu/$NAME:latest"',
  'docker login $CI_REGISTRY -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD"',
  "until docker info; do sleep 1; done",
  'echo "TAG:$TAG"',
  'echo "COMMON_TAG:$COMMON_TAG"',
  // A folded multi-line plain scalar arrives as one line.
  'docker build --tag "$TAG" --cache-from "$TAG" --cache-from "$COMMON_TAG" --build-arg BUILDKIT_INLINE_CACHE=1 -f "tests/docker/dockerfiles/$NAME.docker" "."',
  'docker push "$TAG"',
];

interface Case {
  name: string;
  lines: string[];
  vars?: Record<string, string | null>;
  files?: string[];
  builds: string[];
}

const cases: Case[] = [
  {
    name: "QEMU: export TAG, build with --tag/-f, push the same tag",
    lines: qemuScript('export TAG="$CI_REGISTRY_IMAGE/qemu/$NAME:$QEMU_CI_CONTAINER_TAG"'),
    vars: QEMU_VARS,
    builds: [
      "docker registry.gitlab.com/qemu-project/qemu/qemu/debian11:staging-8-0 push file=tests/docker/dockerfiles/debian11.docker ctx=.",
    ],
  },
  {
    name: "QEMU with the tag from a command substitution: the tag is unknown, the push still matches",
    lines: qemuScript('export TAG="$CI_REGISTRY_IMAGE/qemu/$NAME:$(git describe --tags)"'),
    vars: QEMU_VARS,
    builds: [
      "docker registry.gitlab.com/qemu-project/qemu/qemu/debian11:«$(git describe --tags)» push file=tests/docker/dockerfiles/debian11.docker ctx=.",
    ],
  },
  {
    name: "QEMU with the tag variable defined nowhere: unknown, not empty",
    lines: qemuScript('export TAG="$CI_REGISTRY_IMAGE/qemu/$NAME:$QEMU_CI_CONTAINER_TAG"'),
    vars: withoutTag,
    builds: [
      "docker registry.gitlab.com/qemu-project/qemu/qemu/debian11:«$QEMU_CI_CONTAINER_TAG» push file=tests/docker/dockerfiles/debian11.docker ctx=.",
    ],
  },
  {
    name: "libvirt: build into ci/containers with a trailing ';'",
    lines: [
      'export TAG="$CI_REGISTRY_IMAGE/ci-$NAME:latest"',
      'docker build --tag "$TAG" -f "ci/containers/$NAME.Dockerfile" ci/containers ;',
      'docker push "$TAG"',
    ],
    vars: { CI_REGISTRY_IMAGE: "registry.gitlab.com/libvirt/libvirt-python", NAME: "debian-12" },
    builds: [
      "docker registry.gitlab.com/libvirt/libvirt-python/ci-debian-12:latest push file=ci/containers/debian-12.Dockerfile ctx=ci/containers",
    ],
  },
  {
    name: "two --tag options, each pushed by its own line; --cache-from is not an output",
    lines: [
      "docker pull $IMAGE_TAG || true",
      "docker build --cache-from $IMAGE_TAG --tag $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA --tag $IMAGE_TAG .gitlab-ci.d/opensbi",
      "docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA",
      "docker push $IMAGE_TAG",
    ],
    vars: { CI_REGISTRY_IMAGE: "registry.example.com/g/p", IMAGE_TAG: "registry.example.com/g/p:opensbi-cross-build", CI_COMMIT_SHA: null },
    builds: [
      "docker registry.example.com/g/p:«$CI_COMMIT_SHA» push file=.gitlab-ci.d/opensbi/Dockerfile ctx=.gitlab-ci.d/opensbi",
      "docker registry.example.com/g/p:opensbi-cross-build push file=.gitlab-ci.d/opensbi/Dockerfile ctx=.gitlab-ci.d/opensbi",
    ],
  },
  {
    name: "a build that is never pushed stays local",
    lines: ["docker build -t registry.example.com/app:dev ."],
    builds: ["docker registry.example.com/app:dev local file=Dockerfile ctx=."],
  },
  {
    name: "a name without a tag is stored as :latest",
    lines: ["docker build -t app .", "docker push app:latest"],
    builds: ["docker app:latest push file=Dockerfile ctx=."],
  },
  {
    name: "line continuations and -t=value / --tag=value forms",
    lines: ["docker build \\\n  -t=reg.example.com/a:1 \\\n  --tag=reg.example.com/a:2 \\\n  --file=docker/a.Dockerfile \\\n  docker"],
    builds: [
      "docker reg.example.com/a:1 local file=docker/a.Dockerfile ctx=docker",
      "docker reg.example.com/a:2 local file=docker/a.Dockerfile ctx=docker",
    ],
  },
  {
    name: "single quotes keep $ literally; double quotes expand",
    lines: ["X=one", "docker build -t 'reg.example.com/a:$X' -t \"reg.example.com/b:$X\" ."],
    builds: ["docker reg.example.com/a:$X local file=Dockerfile ctx=.", "docker reg.example.com/b:one local file=Dockerfile ctx=."],
  },
  {
    name: "docker buildx build --push",
    lines: ["docker buildx build --platform linux/amd64,linux/arm64 --push -t reg.example.com/multi:1 -f build/Dockerfile ."],
    builds: ["buildx reg.example.com/multi:1 push file=build/Dockerfile ctx=."],
  },
  {
    name: "docker buildx build --load is local; --output type=registry pushes",
    lines: [
      "docker buildx build --load -t reg.example.com/a:1 .",
      "docker buildx build --output type=registry -t reg.example.com/b:1 .",
      'docker buildx build -o "type=image,name=reg.example.com/c:1,push=true" .',
    ],
    builds: [
      "buildx reg.example.com/a:1 local file=Dockerfile ctx=.",
      "buildx reg.example.com/b:1 push file=Dockerfile ctx=.",
      "buildx reg.example.com/c:1 push file=Dockerfile ctx=.",
    ],
  },
  {
    name: "buildah bud, then push to a docker:// destination",
    lines: ["buildah bud --layers -t localimage -f Containerfile .", "buildah push localimage docker://quay.io/org/app:v1"],
    builds: [
      "buildah localimage:latest local file=Containerfile ctx=.",
      "buildah quay.io/org/app:v1 push file=Containerfile ctx=. from=localimage:latest",
    ],
  },
  {
    name: "podman without -f: Containerfile or Dockerfile, decided by the files present",
    lines: ["podman build -t quay.io/org/a:1 images/a", "podman push quay.io/org/a:1"],
    files: ["images/a/Dockerfile"],
    builds: ["podman quay.io/org/a:1 push file=images/a/Dockerfile ctx=images/a"],
  },
  {
    name: "podman without -f and no file list: the recipe stays unknown",
    lines: ["podman build -t quay.io/org/a:1 images/a"],
    builds: ["podman quay.io/org/a:1 local file=«images/a/Containerfile or images/a/Dockerfile» ctx=images/a"],
  },
  {
    name: "kaniko as in GitLab's docs: $CI_PROJECT_DIR is the repository root",
    lines: [
      '/kaniko/executor --context "${CI_PROJECT_DIR}" --dockerfile "${CI_PROJECT_DIR}/Dockerfile" --destination "${CI_REGISTRY_IMAGE}:${CI_COMMIT_TAG}"',
    ],
    vars: { CI_PROJECT_DIR: "/builds/g/p", CI_REGISTRY_IMAGE: "registry.gitlab.com/g/p", CI_COMMIT_TAG: "v1.2.0" },
    builds: ["kaniko registry.gitlab.com/g/p:v1.2.0 push file=Dockerfile ctx=."],
  },
  {
    name: "kaniko when $CI_PROJECT_DIR is not resolved: still the root, since the same variable starts both paths",
    lines: ['/kaniko/executor --context "$CI_PROJECT_DIR/app" --dockerfile "$CI_PROJECT_DIR/app/Dockerfile" --destination reg.example.com/app:1'],
    builds: ["kaniko reg.example.com/app:1 push file=app/Dockerfile ctx=app"],
  },
  {
    name: "kaniko with dir://, repeated -d, and --no-push",
    lines: [
      "/kaniko/executor --context dir://$CI_PROJECT_DIR/svc -f $CI_PROJECT_DIR/svc/Dockerfile -d reg.example.com/svc:1 -d reg.example.com/svc:latest",
      "executor --context $CI_PROJECT_DIR --dockerfile Dockerfile --destination reg.example.com/test:1 --no-push",
    ],
    vars: { CI_PROJECT_DIR: "/builds/g/p" },
    builds: [
      "kaniko reg.example.com/svc:1 push file=svc/Dockerfile ctx=svc",
      "kaniko reg.example.com/svc:latest push file=svc/Dockerfile ctx=svc",
      "kaniko reg.example.com/test:1 local file=Dockerfile ctx=.",
    ],
  },
  {
    name: "kaniko reads a relative --dockerfile from the working directory first, then the context",
    lines: ["/kaniko/executor --context $CI_PROJECT_DIR/svc --dockerfile Dockerfile -d reg.example.com/svc:1"],
    vars: { CI_PROJECT_DIR: "/builds/g/p" },
    files: ["svc/Dockerfile"],
    builds: ["kaniko reg.example.com/svc:1 push file=svc/Dockerfile ctx=svc"],
  },
  {
    name: "docker tag copies a built image; the push of the copy publishes it",
    lines: ["docker build -t app:ci .", "docker tag app:ci $CI_REGISTRY_IMAGE/app:1.0", "docker push $CI_REGISTRY_IMAGE/app:1.0"],
    vars: { CI_REGISTRY_IMAGE: "registry.gitlab.com/g/p" },
    builds: [
      "docker app:ci local file=Dockerfile ctx=.",
      "docker registry.gitlab.com/g/p/app:1.0 push file=Dockerfile ctx=. from=app:ci",
    ],
  },
  {
    name: "pushing an image this job did not build (pull, tag, push) is reported without a recipe",
    lines: ["docker pull alpine:3.20", "docker tag alpine:3.20 reg.example.com/mirror/alpine:3.20", "docker push reg.example.com/mirror/alpine:3.20"],
    builds: ["docker reg.example.com/mirror/alpine:3.20 push file=- ctx=- from=alpine:3.20"],
  },
  {
    name: "sudo, env, time and exec prefixes",
    lines: [
      "sudo -E docker build -t reg.example.com/a:1 .",
      "env DOCKER_BUILDKIT=1 docker build -t reg.example.com/b:1 .",
      "time docker build -t reg.example.com/c:1 .",
      "DOCKER_BUILDKIT=1 exec docker build -t reg.example.com/d:1 .",
    ],
    builds: [
      "docker reg.example.com/a:1 local file=Dockerfile ctx=.",
      "docker reg.example.com/b:1 local file=Dockerfile ctx=.",
      "docker reg.example.com/c:1 local file=Dockerfile ctx=.",
      "docker reg.example.com/d:1 local file=Dockerfile ctx=.",
    ],
  },
  {
    name: "sh -c runs its script: builds count, its assignments do not last, it sees only exported variables",
    lines: [
      "T=1",
      "export E=exported",
      "JOBVAR=changed",
      `sh -c 'docker build -t reg.example.com/a:$T -t reg.example.com/b:$E -t reg.example.com/c:$JOBVAR .; T=2'`,
      "docker build -t reg.example.com/d:$T .",
    ],
    vars: { JOBVAR: "original" },
    builds: [
      "docker reg.example.com/a:«$T» local file=Dockerfile ctx=.",
      "docker reg.example.com/b:exported local file=Dockerfile ctx=.",
      "docker reg.example.com/c:changed local file=Dockerfile ctx=.",
      "docker reg.example.com/d:1 local file=Dockerfile ctx=.",
    ],
  },
  {
    name: "cd persists across lines; -f is relative to the working directory, the context too",
    lines: ["cd images && docker build -t reg.example.com/base:1 base", "docker build -f web/Dockerfile -t reg.example.com/web:1 ."],
    builds: [
      "docker reg.example.com/base:1 local file=images/base/Dockerfile ctx=images/base",
      "docker reg.example.com/web:1 local file=images/web/Dockerfile ctx=images",
    ],
  },
  {
    name: "cd inside a subshell does not last",
    lines: ["(cd images && docker build -t reg.example.com/base:1 base)", "docker build -t reg.example.com/root:1 ."],
    builds: [
      "docker reg.example.com/base:1 local file=images/base/Dockerfile ctx=images/base",
      "docker reg.example.com/root:1 local file=Dockerfile ctx=.",
    ],
  },
  {
    name: "a push inside a one-line if is a push that may not happen",
    lines: ["docker build -t reg.example.com/a:1 .", 'if [ "$CI_COMMIT_BRANCH" = main ]; then docker push reg.example.com/a:1; fi'],
    builds: ["docker reg.example.com/a:1 push file=Dockerfile ctx=. uncertain"],
  },
  {
    name: "a variable exported inside an if block is unknown after it (no guess about the condition)",
    lines: [
      'if [[ $CI_COMMIT_REF_NAME =~ ^v[0-9]+ ]]; then\n  export CI_REGISTRY_IMAGE="registry.gitlab.com/org/canonical"\nfi\n',
      'docker build -t "$CI_REGISTRY_IMAGE/x:1" . && docker push "$CI_REGISTRY_IMAGE/x:1"',
    ],
    vars: { CI_REGISTRY_IMAGE: "registry.gitlab.com/fork/canonical" },
    builds: ["docker «$CI_REGISTRY_IMAGE»/x:1 push file=Dockerfile ctx=."],
  },
  {
    name: "an if that spans script items, as the runner joins them into one shell script",
    lines: ['if [ -n "$PUBLISH" ]; then', "docker build -t reg.example.com/a:1 .", "fi"],
    builds: ["docker reg.example.com/a:1 local file=Dockerfile ctx=. uncertain"],
  },
  {
    name: "a for loop variable is unknown, and so is the build inside the loop",
    lines: ["for n in alpine debian; do docker build -t reg.example.com/$n:1 -f $n.Dockerfile . ; done"],
    builds: ["docker reg.example.com/«$n»:1 local file=«$n».Dockerfile ctx=. uncertain"],
  },
  {
    name: "${VAR:-default}: the default when the script unset it, unknown when nothing defines it",
    lines: ["unset A", "docker build -t reg.example.com/a:${A:-fallback} -t reg.example.com/b:${B:-fallback} -t reg.example.com/c:${C:-fallback} ."],
    vars: { C: "set" },
    builds: [
      "docker reg.example.com/a:fallback local file=Dockerfile ctx=.",
      "docker reg.example.com/b:«${B:-fallback}» local file=Dockerfile ctx=.",
      "docker reg.example.com/c:set local file=Dockerfile ctx=.",
    ],
  },
  {
    name: "${VAR:=x} assigns; ${VAR%…} and other operators are unknown",
    lines: ["unset T", ': "${T:=v2}"', "docker build -t reg.example.com/a:$T -t reg.example.com/b:${REF%%-*} ."],
    vars: { REF: "main-x" },
    builds: ["docker reg.example.com/a:v2 local file=Dockerfile ctx=.", "docker reg.example.com/b:«${REF%%-*}» local file=Dockerfile ctx=."],
  },
  {
    name: "several assignments on one line; VAR=x cmd does not last; later assignments win",
    lines: ["A=reg.example.com B=app", "B=ignored true", 'TAG="$A/$B:1"', "TAG=$TAG-rc", "docker build -t $TAG ."],
    builds: ["docker reg.example.com/app:1-rc local file=Dockerfile ctx=."],
  },
  {
    name: "after `source`, variables not assigned again are unknown",
    lines: ["source ci/env.sh", "docker build -t $IMAGE:1 ."],
    vars: { IMAGE: "reg.example.com/a" },
    builds: ["docker «$IMAGE»:1 local file=Dockerfile ctx=."],
  },
  {
    name: "read and $(…) give unknown values, backticks too",
    lines: ["read -r VERSION < VERSION", "docker build -t reg.example.com/a:$VERSION -t reg.example.com/b:`date +%F` ."],
    builds: ["docker reg.example.com/a:«$VERSION» local file=Dockerfile ctx=.", "docker reg.example.com/b:«`date +%F`» local file=Dockerfile ctx=."],
  },
  {
    name: "an unquoted variable holding several words is split into arguments",
    lines: ['TAGS="-t reg.example.com/a:1 -t reg.example.com/a:2"', "docker build $TAGS ."],
    builds: ["docker reg.example.com/a:1 local file=Dockerfile ctx=.", "docker reg.example.com/a:2 local file=Dockerfile ctx=."],
  },
  {
    name: "docker global options before the subcommand",
    lines: ["docker --config /tmp/cfg -H tcp://docker:2375 image build -t reg.example.com/a:1 ."],
    builds: ["docker reg.example.com/a:1 local file=Dockerfile ctx=."],
  },
  {
    name: "if/else branches that set the same value leave it known",
    lines: ["if [ -f VERSION ]; then T=stable; else T=stable; fi", "docker build -t reg.example.com/a:$T ."],
    builds: ["docker reg.example.com/a:stable local file=Dockerfile ctx=."],
  },
  {
    name: "if/else branches that set different values make it unknown",
    lines: ['if [ "$CI_COMMIT_BRANCH" = main ]; then T=latest; else T=$CI_COMMIT_REF_SLUG; fi', "docker build -t reg.example.com/a:$T ."],
    vars: { CI_COMMIT_BRANCH: "main", CI_COMMIT_REF_SLUG: "main" },
    builds: ["docker reg.example.com/a:«$T» local file=Dockerfile ctx=."],
  },
  {
    // A hole named `$CI_COMMIT_SHA` reads as GitLab's commit (hex digits); this one may be "dev".
    name: "a predefined variable the script may reassign is a hole of another name",
    lines: ['if [ -f VERSION ]; then CI_COMMIT_SHA=dev; fi', "docker build -t reg.example.com/a:$CI_COMMIT_SHA ."],
    vars: { CI_COMMIT_SHA: null },
    builds: ["docker reg.example.com/a:«$CI_COMMIT_SHA, maybe reassigned» local file=Dockerfile ctx=."],
  },
  {
    name: "the left side of || runs; the right side may not",
    lines: ["docker build -t reg.example.com/a:1 . || docker build -t reg.example.com/a:fallback ."],
    builds: ["docker reg.example.com/a:1 local file=Dockerfile ctx=.", "docker reg.example.com/a:fallback local file=Dockerfile ctx=. uncertain"],
  },
  {
    name: "export NAME keeps the job variable; a quoted value mixes $X and ${Y}",
    lines: ["export NAME", 'IMG="reg.example.com/${NAME}:$VERSION-$NAME"', 'docker build -t "$IMG" .'],
    vars: { NAME: "tools", VERSION: "2" },
    builds: ["docker reg.example.com/tools:2-tools local file=Dockerfile ctx=."],
  },
  {
    name: "an assignment inside a case branch is unknown afterwards",
    lines: ['case "$CI_COMMIT_REF_NAME" in\n  main) T=latest ;;\n  *) T=dev ;;\nesac', "docker build -t reg.example.com/a:$T ."],
    builds: ["docker reg.example.com/a:«$T» local file=Dockerfile ctx=."],
  },
  {
    name: "commands that are not builds build nothing (echo, docker run, a template's variables)",
    lines: [
      "echo docker build -t x .",
      "docker run --rm reg.example.com/a:1 make check",
      "docker login -u u -p p reg",
      '(cd scripts/pusher && ./pusher runner-images.json "${CI_REGISTRY_IMAGE}" $tags)',
    ],
    vars: { FDO_DISTRIBUTION_TAG: "2024-01-01.0" },
    builds: [],
  },
];

/** A case's script as a job named `build` runs it; `fileExists` only where the case lists files. */
function inputOf({ lines, vars, files }: Case) {
  const fileSet = files ? new Set(files) : undefined;
  return {
    job: "build",
    lines: scriptLines(lines),
    variables: resolverOf(vars ?? {}),
    fileExists: fileSet ? (p: string) => fileSet.has(p) : undefined,
  };
}

describe("findImageBuilds", () => {
  it.each(cases)("$name", (c) => {
    expect(findImageBuilds(inputOf(c)).map(describeBuild)).toEqual(c.builds);
  });

  it("reports the line of the build and the line of the later push", () => {
    const [b] = findImageBuilds({
      job: "amd64-debian11-container",
      lines: scriptLines(qemuScript('export TAG="$CI_REGISTRY_IMAGE/qemu/$NAME:$QEMU_CI_CONTAINER_TAG"'), 20),
      variables: resolverOf(QEMU_VARS),
    });
    expect(b.job).toBe("amd64-debian11-container");
    expect(b.pos).toEqual({ file: ".gitlab-ci.yml", line: 26 });
    expect(b.pushedAt).toEqual({ file: ".gitlab-ci.yml", line: 27 });
  });

  it.each([
    ["a command substitution", 'export TAG="reg.example.com/a:$(cat tag)"', "$(cat tag): command substitution is not evaluated statically"],
    [
      "an undefined variable",
      'export TAG="reg.example.com/a:$NOPE"',
      "$NOPE: not defined in the CI configuration or the context (it may be a project, group or instance variable)",
    ],
  ])("says why a part is unknown: %s", (_what, line, why) => {
    const [b] = findImageBuilds({ job: "j", lines: scriptLines([line, 'docker build -t "$TAG" .']), variables: resolverOf({}) });
    expect(b.image.known).toBe(false);
    expect(b.image.unknowns).toEqual([why]);
  });

  it.each([
    ["docker buildx bake", "docker buildx bake --push images", "images built by 'docker buildx bake' are not analysed"],
    ["docker compose", "docker compose build", "images built by 'docker compose build' are not analysed"],
    ["an unterminated quote", 'docker build -t "reg.example.com/a:1 .', "unterminated double quote"],
  ])("reports what it cannot read: %s", (_what, line, message) => {
    const scan = scanJobScript({ job: "j", lines: scriptLines([line]), variables: resolverOf({}) });
    expect(scan.diagnostics.map((d) => d.message).join("\n")).toContain(message);
    expect(scan.diagnostics[0].pos).toEqual({ file: ".gitlab-ci.yml", line: 10 });
  });

  it.each([
    ["deeply nested subshells", "(".repeat(5000) + "docker build -t a ." + ")".repeat(5000), "nested deeper than 64 levels"],
    ["deeply nested ${…:-…}", "docker build -t a:" + "${A:-".repeat(5000) + "x" + "}".repeat(5000) + " .", "nested deeper than 16 levels"],
  ])("hostile input is cut off with a warning, not a crash: %s", (_what, line, message) => {
    const scan = scanJobScript({ job: "j", lines: scriptLines([line]), variables: resolverOf({}) });
    expect(scan.diagnostics.map((d) => d.message).join("\n")).toContain(message);
  });

  it("a recipe read from standard input has no recipe path", () => {
    const [b] = findImageBuilds({ job: "j", lines: scriptLines(["docker build -t reg.example.com/a:1 -f - ."]), variables: resolverOf({}) });
    expect(b.dockerfile).toBeUndefined();
    expect(b.notes).toContain("the recipe is read from standard input");
  });
});

describe("scripts that cannot build are not walked", () => {
  const walked = (lines: string[], vars: Record<string, string | null> = {}) =>
    scanJobScript({ job: "j", lines: scriptLines(lines), variables: resolverOf(vars) }).builds.map(describeBuild);

  // findImageBuilds skips the walk when scriptMayBuild says no; the walk itself (scanJobScript,
  // which GitHub Actions steps use) must find the same builds.
  it.each(cases)("the full walk finds the same builds: $name", (c) => {
    expect(scanJobScript(inputOf(c)).builds.map(describeBuild)).toEqual(c.builds);
  });

  it.each([
    [["./configure --target=$TARGET", "make -j4"]],
    [["if [ -n \"$X\" ]; then make; else echo docker build; fi", "for f in *.docker; do cat $f; done"]],
    [["f() { ./build-docker.sh; }", "docker-compose build", "FOO=1"]],
    [["export TAG=reg/app:$X", "cd $DIR && ./run docker build -t $TAG ."]],
  ])("%j: no command can be a container tool", (lines) => {
    expect(scriptMayBuild(scriptLines(lines))).toBe(false);
    // Skipping the walk is safe: walked, the script builds nothing either.
    expect(walked(lines, { DOCKER: "docker" })).toEqual([]);
    expect(findImageBuilds({ job: "j", lines: scriptLines(lines), variables: resolverOf({ DOCKER: "docker" }) })).toEqual([]);
  });

  it.each([
    ["a program from a variable", ["$DOCKER build -t reg/app:1 ."], { DOCKER: "docker" }],
    ["a program from a variable with a path", ["${TOOLS}/podman build -t reg/app:1 ."], { TOOLS: "/usr/bin" }],
    ["a prefix", ["sudo docker build -t reg/app:1 ."], {}],
    ["a prefix from a path", ["/usr/bin/env docker build -t reg/app:1 ."], {}],
    ["an assignment-looking quoted word", ['"A=1" docker build -t reg/app:1 .'], {}],
    ["an inline shell script", ["sh -c 'docker build -t reg/app:1 .'"], {}],
    ["an inline script from a variable", ['bash -c "$BUILD"'], { BUILD: "docker build -t reg/app:1 ." }],
    ["a kaniko executor in a branch", ["if true; then /kaniko/executor --destination reg/app:1; fi"], {}],
    ["a function body", ["f() { buildah push reg/app:1; }"], {}],
    ["a program in quotes", ['"docker" build -t reg/app:1 .'], {}],
  ])("%s may build, and is walked", (_what, lines, vars) => {
    expect(scriptMayBuild(scriptLines(lines))).toBe(true);
    expect(walked(lines, vars)).not.toEqual([]);
    expect(findImageBuilds({ job: "j", lines: scriptLines(lines), variables: resolverOf(vars) }).map(describeBuild)).toEqual(walked(lines, vars));
  });
});
