import { describe, expect, it } from "vitest";
import { parseSettingsText } from "../../src/config/parse-settings.js";
import { chooseActionsContexts } from "../../src/github-actions/contexts.js";
import { MemorySource } from "../../src/core/memory-source.js";
import { loadWorkflows, simulateActions } from "../../src/github-actions/index.js";

/*
 * Contexts of `.ci-explain.yml` run GitHub workflows as the event they stand for ("Events that
 * trigger workflows"): an MR is a pull_request, a pipeline started from the UI (`source: web`)
 * or the API a workflow_dispatch; `event:` names one directly; the run inputs (`sha`,
 * `pr_number`, `pr_head_sha`, `now`, `event_payload`) are the CLI's options, spelt the file's way.
 */
const WF = `name: CI
on: [push, pull_request, pull_request_target, workflow_dispatch, schedule, release]
jobs:
  j:
    runs-on: ubuntu-latest
    container: ghcr.io/acme/app:\${{ github.event_name }}-\${{ github.sha }}-\${{ github.event.number || 'none' }}
    steps:
      - run: make
`;

async function contextsFor(yaml: string) {
  const { settings, diagnostics } = parseSettingsText(yaml, ".ci-explain.yml");
  expect(diagnostics).toEqual([]);
  const set = await loadWorkflows(new MemorySource({ ".github/workflows/ci.yml": WF }));
  const choice = chooseActionsContexts({ repository: "acme/app", defaultBranch: "main", workflows: set.workflows, settings });
  return { choice, images: choice.contexts.map((c) => simulateActions(set, c).pipeline.jobs[0]?.image?.ref.text) };
}

describe("configured contexts on GitHub Actions", () => {
  it("mr: is a pull_request run, source: web a workflow_dispatch, source: schedule a schedule", async () => {
    const { choice } = await contextsFor(`contexts:
  - name: the PR
    mr: { source: feature, target: main }
  - name: by hand
    branch: main
    source: web
  - name: nightly
    branch: main
    source: schedule
`);
    expect(choice.contexts.map((c) => [c.name, c.event])).toEqual([
      ["the PR", "pull_request"],
      ["by hand", "workflow_dispatch"],
      ["nightly", "schedule"],
    ]);
  });

  it("event: names the run; sha and pr_number are what the run sees", async () => {
    const { images } = await contextsFor(`contexts:
  - name: target
    mr: { source: feature, target: main }
    event: pull_request_target
    sha: 90dd6032fac8bda1b6c4436a2e65de27961ed071
    pr_number: 7
  - name: release
    tag: v2.0.0
    event: release
    sha: 860c1904a1ce19322e91ac35af1ab07466440c37
`);
    expect(images).toEqual([
      "ghcr.io/acme/app:pull_request_target-90dd6032fac8bda1b6c4436a2e65de27961ed071-7",
      "ghcr.io/acme/app:release-860c1904a1ce19322e91ac35af1ab07466440c37-«github.event.number || 'none'»",
    ]);
  });

  it("event_payload is github.event of that context's run", async () => {
    const { images } = await contextsFor(`contexts:
  - name: push
    branch: main
    event_payload: { after: 860c1904a1ce19322e91ac35af1ab07466440c37, number: 5 }
`);
    expect(images).toEqual(["ghcr.io/acme/app:push-860c1904a1ce19322e91ac35af1ab07466440c37-5"]);
  });

  it("a source with no GitHub event is left out, with a note", async () => {
    const { choice } = await contextsFor(`contexts:
  - name: chat
    branch: main
    source: chat
`);
    expect(choice.contexts).toEqual([]);
    expect(choice.notes[0]).toContain("no GitHub Actions event");
  });

  it.each<[string, string]>([
    ["pull_request without mr", "contexts:\n  - branch: main\n    event: pull_request\n"],
    ["release without tag", "contexts:\n  - branch: main\n    event: release\n"],
    ["a sha that is not hex", "contexts:\n  - branch: main\n    sha: main\n"],
    ["a time that is not one", "contexts:\n  - branch: main\n    now: yesterday\n"],
  ])("rejects %s", (_name, yaml) => {
    expect(parseSettingsText(yaml, ".ci-explain.yml").diagnostics.length).toBeGreaterThan(0);
  });
});
