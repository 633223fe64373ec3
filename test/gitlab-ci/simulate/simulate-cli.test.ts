import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { simulateCommand } from "../../../src/app/cli/commands/simulate.js";
import type { CliIo } from "../../../src/app/cli/command.js";
import { main } from "../../../src/app/cli/main.js";

const repo = fileURLToPath(new URL("../../fixtures/simulate/qemu-like", import.meta.url));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: repo, env: {} };
  const code = await main(["simulate", "--repo", repo, ...args], io);
  return { code, out, err };
}

describe("ci-explain simulate", () => {
  it("prints the JSON shape: pipeline, jobs with decidedBy, errors, warnings", async () => {
    const { code, out } = await run(["--branch", "staging-8.0", "--project", "qemu-project/qemu", "--format", "json"]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.pipeline).toMatchObject({ created: true, variables: { QEMU_CI_CONTAINER_TAG: "latest" } });
    const container = json.jobs.find((j: { name: string }) => j.name === "amd64-debian11-container");
    expect(container).toMatchObject({
      stage: "containers",
      when: "on_success",
      allowFailure: false,
      image: "docker:latest",
      variables: { NAME: "debian11", QEMU_CI_CONTAINER_TAG: "staging-8-0" },
      source: { file: ".gitlab-ci.d/containers.yml" },
      decidedBy: { file: ".gitlab-ci.d/base.yml", index: 4 },
    });
    expect(container.decidedBy.if).toContain("staging-");
    expect(Array.isArray(json.errors)).toBe(true);
    expect(Array.isArray(json.warnings)).toBe(true);
  });

  it("prints jobs grouped by stage with the deciding rule", async () => {
    const { code, out } = await run(["--branch", "staging", "--project", "alice/qemu", "--var", "QEMU_CI=1"]);
    expect(code).toBe(0);
    expect(out).toMatch(/== containers \(2\)/);
    expect(out).toMatch(/when: manual · allow_failure: false · image: docker:latest/);
    expect(out).toMatch(/why: rule 4 at \.gitlab-ci\.d\/base\.yml:\d+/);
  });

  it("says when no pipeline is created", async () => {
    const { code, out } = await run(["--tag", "v1", "--project", "qemu-project/qemu"]);
    expect(code).toBe(0);
    expect(out).toMatch(/NOT CREATED \(no-jobs\)/);
  });

  it.each([
    ["two refs", ["--branch", "a", "--tag", "b"]],
    ["a bad --mr", ["--mr", "only-source"]],
    ["an unknown source", ["--source", "cron"]],
    ["an MR with a push source", ["--mr", "a:b", "--source", "push"]],
    ["an unknown option", ["--frobnicate"]],
    ["a bad format", ["--format", "xml"]],
  ])("wrong usage (%s) exits 2 without a stack trace", async (_what, args) => {
    const { code, err } = await run(args);
    expect(code).toBe(2);
    expect(err).toMatch(/ci-explain simulate/);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it("exits 1 on configuration errors and still prints the output", async () => {
    const bad = fileURLToPath(new URL("../../fixtures/simulate/bad-needs", import.meta.url));
    let out = "";
    const code = await simulateCommand.run(["--repo", bad, "--format", "json"], { stdout: (t) => (out += t), stderr: () => {}, cwd: bad, env: {} });
    expect(code).toBe(1);
    expect(JSON.parse(out).errors[0]).toMatchObject({ file: ".gitlab-ci.yml", line: 7 });
  });
});
