import { describe, expect, it } from "vitest";
import { MemorySource } from "../../src/core/memory-source.js";
import { loadWorkflows, simulateActions } from "../../src/github-actions/index.js";
import { actionsContext } from "./actions-context.js";

/**
 * "Workflow commands for GitHub Actions": a step that appends `NAME=value` to GITHUB_ENV makes
 * NAME an environment variable of every LATER step of the job (not of the step itself); a line
 * appended to GITHUB_OUTPUT becomes `steps.<id>.outputs.<name>` for the later steps.
 */
const main = actionsContext({ kind: "branch", name: "main" }, "push", { changedFiles: ["src/a.ts"] });

async function pushes(steps: string) {
  const workflow = `name: CI
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
${steps}`;
  const set = await loadWorkflows(new MemorySource({ ".github/workflows/ci.yml": workflow, Dockerfile: "FROM x\n" }));
  expect(set.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const r = simulateActions(set, main);
  return Object.assign(
    r.pipeline.jobs[0].builds.map((b) => ({ image: b.image.text, known: b.image.known, push: b.push })),
    { warnings: r.pipeline.warnings.map((w) => `${w.pos?.line}: ${w.message}`) },
  );
}

const pushTag = (tag: string) => `      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:${tag}
`;

describe("values a run step writes to GITHUB_ENV and GITHUB_OUTPUT", () => {
  it.each([
    ['echo "TAG=$(date +%s)" >> "$GITHUB_ENV"'],
    ["echo TAG=$(git describe) >> $GITHUB_ENV"],
    ['echo "TAG=${GITHUB_SHA::7}" >> ${GITHUB_ENV}'],
    ['echo "TAG=$(date +%s)" | tee -a "$GITHUB_ENV"'],
  ])("a value computed at run time (%s) makes the later image tag unknown, not empty", async (write) => {
    const builds = await pushes(`      - run: ${JSON.stringify(write)}\n${pushTag("${{ env.TAG }}")}`);
    expect(builds).toHaveLength(1);
    expect(builds[0].known).toBe(false);
    expect(builds[0].image).not.toBe("ghcr.io/acme/app:");
    expect(builds[0].push).toBe(true);
  });

  it("a literal value is known to the later steps", async () => {
    const builds = await pushes(`      - run: |
          echo "CHANNEL=edge" >> "$GITHUB_ENV"
          echo 'FLAVOR=slim' >> $GITHUB_ENV
${pushTag("${{ env.CHANNEL }}-${{ env.FLAVOR }}")}`);
    expect([...builds]).toMatchObject([{ image: "ghcr.io/acme/app:edge-slim", known: true, push: true }]);
  });

  it("the step that writes GITHUB_ENV does not see the value itself", async () => {
    // The docker build in the writing step reads env.CHANNEL before the file is applied: empty.
    const builds = await pushes(`      - run: |
          echo "CHANNEL=edge" >> "$GITHUB_ENV"
          docker build -t "ghcr.io/acme/app:\${{ env.CHANNEL }}x" .
${pushTag("${{ env.CHANNEL }}")}`);
    expect(builds.map((b) => [b.image, b.known])).toEqual([
      ["ghcr.io/acme/app:x", true],
      ["ghcr.io/acme/app:edge", true],
    ]);
  });

  it("a literal written only on one branch of an if is not taken as known", async () => {
    const builds = await pushes(`      - run: |
          if [ -f VERSION ]; then
            echo "CHANNEL=edge" >> "$GITHUB_ENV"
          fi
${pushTag("${{ env.CHANNEL }}")}`);
    expect(builds[0].known).toBe(false);
  });

  it("a write whose name cannot be read makes every env value not set in env: unknown, naming the step", async () => {
    const builds = await pushes(`      - run: cat build.env >> "$GITHUB_ENV"
      - env:
          FLAVOR: slim
        uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:\${{ env.FLAVOR }}-\${{ env.TAG }}
`);
    expect(builds.map((b) => [b.image, b.known])).toEqual([["ghcr.io/acme/app:slim-«env.TAG»", false]]);
    expect(builds.warnings).toEqual([
      "7: a run step at .github/workflows/ci.yml:7 writes GITHUB_ENV in a form whose names are not read statically: in the job's later steps, env values not set by `env:` are not known",
    ]);
  });

  it("the multi-line NAME<<EOF form sets NAME to a value not known here, and nothing else", async () => {
    const builds = await pushes(`      - run: |
          echo "NOTES<<EOF" >> "$GITHUB_ENV"
          cat notes.txt >> "$GITHUB_ENV"
          echo "EOF" >> "$GITHUB_ENV"
${pushTag("${{ env.NOTES }}")}${pushTag("v${{ env.OTHER }}")}`);
    expect(builds.map((b) => [b.image, b.known])).toEqual([
      ["ghcr.io/acme/app:«env.NOTES»", false],
      ["ghcr.io/acme/app:v", true],
    ]);
  });

  it("an output computed at run time is unknown to later steps; a literal one is known", async () => {
    const builds = await pushes(`      - id: version
        run: |
          echo "tag=$(cat VERSION)" >> "$GITHUB_OUTPUT"
      - id: channel
        run: echo "name=edge" >> "$GITHUB_OUTPUT"
${pushTag("${{ steps.version.outputs.tag }}")}${pushTag("${{ steps.channel.outputs.name }}")}`);
    expect(builds[0].known).toBe(false);
    expect(builds[0].image).not.toBe("ghcr.io/acme/app:");
    expect(builds[1]).toMatchObject({ image: "ghcr.io/acme/app:edge", known: true, push: true });
  });
});
