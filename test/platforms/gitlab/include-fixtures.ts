import type { FakeGitLab } from "./fake-gitlab.js";

/**
 * Two projects other CI files include, in the documented shape of their real counterparts:
 * freedesktop's ci-templates (one file per distribution defining hidden `.fdo.*` jobs that build
 * and push `$CI_REGISTRY_IMAGE/<distro>/<version>:$FDO_DISTRIBUTION_TAG`, projects pin it by
 * commit) and a CI/CD component project (`templates/<name>.yml` with `spec:inputs`, released as
 * semantic versions).
 */

export const TEMPLATES_PROJECT = "freedesktop/ci-templates";
export const TEMPLATES_OLD = "593a0a5fe35a523a646a7efae5471c9759b8fba3";
export const TEMPLATES_NEW = "8d1a2f0e5c3b4a69788796a5b4c3d2e1f0a9b8c7";

export const COMPONENTS_PROJECT = "gnome/ci-components";
const C100 = "1000000000000000000000000000000000000000";
const C110 = "1100000000000000000000000000000000000000";
const C120RC = "1200000000000000000000000000000000000000";
const C200 = "2000000000000000000000000000000000000000";
const CMAIN = "3000000000000000000000000000000000000000";
export const COMPONENT_COMMITS = { "1.0.0": C100, "1.1.0": C110, "1.2.0-rc1": C120RC, "2.0.0": C200, main: CMAIN };

/** ci-templates' container build: the recipe's image, pushed under the distribution tag. */
const fedoraTemplate = (buildImage: string) => `include:
  - local: /templates/common.yml

.fdo.container-build@fedora:
  extends: .fdo.container-build-common
  image: ${buildImage}
  variables:
    FDO_DISTRIBUTION_NAME: fedora
  script:
    - buildah build -t "$CI_REGISTRY_IMAGE/fedora/$FDO_DISTRIBUTION_VERSION:$FDO_DISTRIBUTION_TAG" -f Dockerfile .
    - buildah push "$CI_REGISTRY_IMAGE/fedora/$FDO_DISTRIBUTION_VERSION:$FDO_DISTRIBUTION_TAG"

.fdo.distribution-image@fedora:
  image: $CI_REGISTRY_IMAGE/fedora/$FDO_DISTRIBUTION_VERSION:$FDO_DISTRIBUTION_TAG
`;

const commonTemplate = `.fdo.container-build-common:
  stage: build
  tags:
    - kvm
  variables:
    FDO_REPO_SUFFIX: $FDO_DISTRIBUTION_NAME/$FDO_DISTRIBUTION_VERSION
`;

const ciFairy = `.fdo.ci-fairy:
  image: quay.io/freedesktop.org/ci-templates:ci-fairy-2023-06-27.0
`;

/** A component that adds one container job; version 2 renames its job and adds a rule. */
const component = (jobName: string, rules = "") => `spec:
  inputs:
    stage:
      default: build
    distro:
      options: [fedora, debian]
      default: fedora
    image-tag:
      regex: ^[a-z0-9.-]+$
---
${jobName}:
  stage: $[[ inputs.stage ]]
  tags: [docker]
  script:
    - docker build -t "$CI_REGISTRY_IMAGE/$[[ inputs.distro ]]:$[[ inputs.image-tag ]]" .
    - docker push "$CI_REGISTRY_IMAGE/$[[ inputs.distro ]]:$[[ inputs.image-tag ]]"
${rules}`;

export function addIncludedProjects(fake: FakeGitLab): void {
  const templatesAt = (buildImage: string) => ({
    "templates/fedora.yml": fedoraTemplate(buildImage),
    "templates/common.yml": commonTemplate,
    "templates/ci-fairy.yml": ciFairy,
  });
  fake.projects.set(TEMPLATES_PROJECT, {
    defaultBranch: "master",
    branches: { master: TEMPLATES_NEW },
    tags: {},
    commits: {
      [TEMPLATES_OLD]: templatesAt("quay.io/freedesktop.org/ci-templates:container-build-base-2023-06-27.0"),
      [TEMPLATES_NEW]: templatesAt("quay.io/freedesktop.org/ci-templates:container-build-base-2024-01-09.0"),
    },
    releases: [],
  });
  const v1 = { "templates/container-image.yml": component("container-image") };
  fake.projects.set(COMPONENTS_PROJECT, {
    defaultBranch: "main",
    branches: { main: CMAIN },
    tags: { "1.0.0": C100, "1.1.0": C110, "1.2.0-rc1": C120RC, "2.0.0": C200 },
    commits: {
      [C100]: v1,
      [C110]: v1,
      [C120RC]: v1,
      // 2.0.0 keeps the component in a folder: templates/<name>/template.yml.
      [C200]: { "templates/container-image/template.yml": component("container-image-v2", "  rules:\n    - if: $CI_COMMIT_TAG\n") },
      [CMAIN]: v1,
    },
    releases: ["1.0.0", "1.1.0", "1.2.0-rc1", "2.0.0"],
  });
}
