import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/gitlab-ci/index.js";
import { DirSource } from "../../../src/platforms/local/index.js";
import { job, scriptOf } from "./load-memory.js";

describe("a container project assembled end to end", () => {
  it("keeps, for a container job, the line of every value that won the merge", async () => {
    const result = await loadConfig(new DirSource(join(import.meta.dirname, "../../fixtures/load/container-project")));
    const j = job(result, "debian-container");
    expect(j.stage).toEqual({ value: "containers", pos: { file: "ci/base.yml", line: 11, col: 10 } });
    expect(j.image?.name).toEqual({ value: "docker:latest", pos: { file: "ci/base.yml", line: 12, col: 10 } });
    expect(j.services.map((s) => s.name.value)).toEqual(["docker:dind"]);
    expect(scriptOf(j.beforeScript)).toEqual(['export TAG="$CI_REGISTRY_IMAGE/$NAME:$CONTAINER_TAG" @ci/base.yml:16']);
    expect(j.rules?.map((r) => `${r.index}@${r.pos.file}:${r.pos.line}`)).toEqual(["0@ci/base.yml:4", "1@ci/base.yml:7"]);
    expect(j.rules?.[0].variables.map((v) => `${v.name}=${v.value}@${v.pos.line}`)).toEqual(["CONTAINER_TAG=$CI_COMMIT_REF_SLUG@6"]);
    expect(j.variables.map((v) => `${v.name}=${v.value}@${v.pos.file}`)).toEqual(["NAME=debian@ci/container-jobs.yml"]);
    expect(result.config.stages.map((s) => s.value)).toEqual([".pre", "containers", "build", ".post"]);
    expect(result.config.files).toEqual([".gitlab-ci.yml", "ci/base.yml", "ci/build-jobs.yml", "ci/container-jobs.yml"]);
  });
});
