/**
 * A deterministic generator of GitLab CI configurations shaped like the big real ones
 * (QEMU, Mesa, GitLab itself): many included files, `extends` chains, shared rule
 * templates through `!reference` and anchors, long rule lists with regexes, matrices,
 * and container jobs that publish a per-branch tag. Same seed, same files.
 */

/** The project the generated configuration believes it lives in (`$UPSTREAM` is its namespace). */
export const BENCH_PROJECT = "acme/proj";

export interface GeneratedRepo {
  base: Map<string, string>;
  head: Map<string, string>;
  /** Paths the head revision changes. */
  changed: string[];
  jobs: number;
  files: number;
}

/** mulberry32: a tiny seeded PRNG, enough for reproducible shapes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DISTROS = ["debian", "fedora", "ubuntu", "alpine", "centos", "opensuse", "arch", "gentoo"];

function templatesFile(ruleCount: number): string {
  const rules: string[] = [];
  // Long rule lists of the kind QEMU writes: exclusions first, then fine tuning, then a catch-all.
  for (let i = 0; i < ruleCount - 1; i++) {
    const kind = i % 5;
    if (kind === 0) rules.push(`    - if: '$CI_PROJECT_NAMESPACE == $UPSTREAM && $CI_COMMIT_BRANCH =~ /^stable-${i}-/'\n      when: never`);
    else if (kind === 1) rules.push(`    - if: '$JOB_FLAG_${i} == "1" && $CI_COMMIT_BRANCH !~ /^(staging|main)$/'\n      when: never`);
    else if (kind === 2)
      rules.push(
        `    - if: '$CI_PROJECT_NAMESPACE == $UPSTREAM && $CI_COMMIT_BRANCH =~ /^staging-[[:digit:]]+\\.${i % 10}/'\n      variables:\n        CONTAINER_TAG: $CI_COMMIT_REF_SLUG`,
      );
    else if (kind === 3) rules.push(`    - if: '$OPTIONAL_${i} && $CI_PIPELINE_SOURCE == "schedule"'\n      when: manual\n      allow_failure: true`);
    else rules.push(`    - if: '$CI_MERGE_REQUEST_LABELS =~ /skip-${i}/i || $CI_COMMIT_TAG =~ /^v${i}\\./'\n      when: never`);
  }
  rules.push("    - when: on_success");
  return [
    "variables:",
    "  CONTAINER_TAG: latest",
    "  UPSTREAM: acme",
    "",
    ".common_rules:",
    "  rules:",
    ...rules,
    "",
    ".defaults: &defaults",
    "  interruptible: true",
    "  retry: 1",
    "",
    ".level0:",
    "  <<: *defaults",
    "  rules:",
    "    - !reference [.common_rules, rules]",
    "  variables:",
    "    LEVEL0: '1'",
    "",
  ].join("\n");
}

function chainFile(depth: number): string {
  const out: string[] = [];
  for (let d = 1; d < depth; d++) {
    out.push(`.level${d}:`, `  extends: .level${d - 1}`, "  variables:", `    LEVEL${d}: '${d}'`, "");
  }
  out.push(
    ".container_job:",
    "  extends: .level1",
    "  stage: containers",
    "  image: docker:27",
    "  services: [docker:27-dind]",
    "  before_script:",
    '    - export TAG="$CI_REGISTRY_IMAGE/ci/$NAME:$CONTAINER_TAG"',
    "  script:",
    '    - docker build -t "$TAG" -f "ci/dockerfiles/$NAME.docker" .',
    '    - docker push "$TAG"',
    "",
  );
  return out.join("\n");
}

function jobsFile(r: () => number, fileIndex: number, count: number, maxDepth: number, firstJob: number): string {
  const out: string[] = [];
  for (let j = 0; j < count; j++) {
    const n = firstJob + j;
    const distro = DISTROS[n % DISTROS.length];
    const kind = r();
    if (kind < 0.15) {
      out.push(`container-${distro}-${n}:`, "  extends: .container_job", "  variables:", `    NAME: ${distro}-${n}`, "");
    } else {
      const depth = 3 + Math.floor(r() * (maxDepth - 2));
      out.push(
        `build-${distro}-${n}:`,
        `  extends: .level${Math.min(depth, maxDepth) - 1}`,
        `  stage: ${r() < 0.6 ? "build" : "test"}`,
        `  image: $CI_REGISTRY_IMAGE/ci/${distro}-${n - (n % 7)}:$CONTAINER_TAG`,
        "  variables:",
        `    TARGET: ${distro}-f${fileIndex}`,
        "  script:",
        "    - ./configure --target=$TARGET",
        "    - make -j4",
      );
      if (r() < 0.1) out.push("  parallel:", "    matrix:", "      - ARCH: [x86_64, aarch64]", "        MODE: [debug, release]");
      out.push("");
    }
  }
  return out.join("\n");
}

export function generateRepo(jobs: number, seed = 42): GeneratedRepo {
  const r = prng(seed);
  const fileCount = Math.max(4, Math.min(60, Math.round(jobs / 40)));
  const perFile = Math.ceil(jobs / fileCount);
  const maxDepth = 6;
  const base = new Map<string, string>();
  const includes: string[] = ["  - local: ci/templates.yml", "  - local: ci/chain.yml"];
  base.set("ci/templates.yml", templatesFile(10 + Math.floor(r() * 20)));
  base.set("ci/chain.yml", chainFile(maxDepth));
  let made = 0;
  for (let f = 0; f < fileCount && made < jobs; f++) {
    const count = Math.min(perFile, jobs - made);
    base.set(`ci/jobs/part-${String(f).padStart(3, "0")}.yml`, jobsFile(r, f, count, maxDepth, made));
    made += count;
  }
  includes.push("  - local: 'ci/jobs/*.yml'");
  base.set(".gitlab-ci.yml", ["stages: [containers, build, test]", "include:", ...includes, ""].join("\n"));
  for (let i = 0; i < Math.min(jobs, 40); i++) base.set(`ci/dockerfiles/${DISTROS[i % DISTROS.length]}-${i}.docker`, `FROM ${DISTROS[i % 8]}\n`);

  // The head changes a few files: one rule template, one job file, one recipe.
  const head = new Map(base);
  const changed = ["ci/templates.yml", "ci/jobs/part-000.yml", "ci/dockerfiles/debian-0.docker"];
  head.set("ci/templates.yml", base.get("ci/templates.yml")!.replace("CONTAINER_TAG: latest", "CONTAINER_TAG: main"));
  head.set("ci/jobs/part-000.yml", `${base.get("ci/jobs/part-000.yml")!}\nextra-job:\n  extends: .level2\n  stage: test\n  script: [make extra]\n`);
  head.set("ci/dockerfiles/debian-0.docker", "FROM debian:12\nRUN true\n");
  return { base, head, changed, jobs, files: base.size };
}
