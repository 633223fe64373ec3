import type { BranchContext } from "../../src/analysis/model.js";
import type { RefSpec } from "../../src/gitlab-ci/context.js";
import { GITHUB_SERVER } from "../../src/github-actions/index.js";

/** A context named "test" of the repository `acme/app` (default branch main) on github.com. */
export function actionsContext(
  ref: RefSpec,
  event: string,
  options: { changedFiles?: string[]; variables?: Record<string, string>; commitSha?: string } = {},
): BranchContext {
  return {
    name: "test",
    origin: { kind: "configured" },
    ref,
    event,
    source: event === "push" ? "push" : "merge_request_event",
    project: { path: "acme/app", defaultBranch: "main" },
    server: { ...GITHUB_SERVER },
    variables: options.variables ?? {},
    changedFiles: options.changedFiles,
    ...(options.commitSha ? { commitSha: options.commitSha } : {}),
  };
}
