import { describe, expect, it } from "vitest";
import { MemorySource } from "../../src/core/memory-source.js";
import { chooseActionsContexts, loadWorkflows } from "../../src/github-actions/index.js";

const job = "jobs:\n  a:\n    runs-on: x\n    steps: [{ run: make }]\n";

async function contexts(on: string, branches?: string[]) {
  const set = await loadWorkflows(new MemorySource({ ".github/workflows/ci.yml": `on:\n${on}${job}` }));
  return chooseActionsContexts({ repository: "acme/app", defaultBranch: "main", workflows: set.workflows, branches }).contexts.map((c) => [c.name, c.event, c.origin.kind]);
}

describe("default GitHub Actions contexts come from the workflows' own filters", () => {
  it.each<[string, string, string[] | undefined, Array<[string, string, string]>]>([
    ["a plain push adds a tag push", "  push:\n", undefined, [["main", "push", "default-branch"], ["tag v1.0.0", "push", "tag"]]],
    [
      "literal and glob branches, a glob tag",
      "  push:\n    branches: [main, stable, 'release/**']\n    tags: ['v*']\n",
      undefined,
      [["main", "push", "default-branch"], ["stable", "push", "rule-literal"], ["release/x", "push", "rule-regex"], ["tag v1.0.0", "push", "rule-regex"]],
    ],
    ["real branches win over made-up names", "  push:\n    branches: ['release/**']\n", ["main", "release/1.x", "release/2.x", "release/3.x"], [["main", "push", "default-branch"], ["release/1.x", "push", "rule-regex"], ["release/2.x", "push", "rule-regex"]]],
    ["pull_request, schedule and dispatch", "  pull_request:\n  schedule:\n    - cron: '0 3 * * *'\n  workflow_dispatch:\n", undefined, [["main", "push", "default-branch"], ["PR feature → main", "pull_request", "mr-pipeline"], ["schedule on main", "schedule", "event"], ["manual run on main", "workflow_dispatch", "event"]]],
  ])("%s", async (_name, on, branches, expected) => {
    expect(await contexts(on, branches)).toEqual(expected);
  });
});
