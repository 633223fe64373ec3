import type { BranchContext } from "../analysis/model.js";
import { ObjectValue, Unknown, type Value } from "./expr/value.js";
import { eventOf } from "./triggers.js";

/**
 * What a run's `github` context holds for a branch context ("Contexts reference"):
 * - push to a branch/tag: ref `refs/heads/<b>` / `refs/tags/<t>`;
 * - pull_request: ref `refs/pull/<n>/merge`, ref_name `<n>/merge`, base_ref/head_ref the
 *   target and source branches; sha the test merge commit, which is not known statically;
 * - pull_request_target: the TARGET branch's ref and commit;
 * - schedule: the default branch.
 * Fields the context cannot know (actor, run_id, most of the event payload) are Unknown.
 */
export interface RunFacts {
  event: string;
  ref: string | Unknown;
  refName: string | Unknown;
  refType: "branch" | "tag";
  baseRef: string;
  headRef: string;
  sha?: string;
  prNumber?: number;
  /** The PR's target branch on PR events. */
  prBase?: string;
}

export function runFacts(context: BranchContext): RunFacts {
  const event = eventOf(context);
  const ref = context.ref;
  const sha = context.commitSha;
  if (ref.kind === "mr") {
    const n = ref.iid;
    if (event === "pull_request_target") {
      return { event, ref: `refs/heads/${ref.target}`, refName: ref.target, refType: "branch", baseRef: ref.target, headRef: ref.source, prNumber: n, prBase: ref.target };
    }
    const prRef = n !== undefined ? `refs/pull/${n}/merge` : new Unknown(["github.ref (the PR number)"]);
    const prRefName = n !== undefined ? `${n}/merge` : new Unknown(["github.ref_name (the PR number)"]);
    // GITHUB_SHA of a pull_request run is the last merge commit of refs/pull/N/merge, a
    // commit GitHub makes; the head commit we may know is not it ("Events that trigger
    // workflows", pull_request). So `github.sha` stays unknown here.
    return { event, ref: prRef, refName: prRefName, refType: "branch", baseRef: ref.target, headRef: ref.source, prNumber: n, prBase: ref.target };
  }
  if (event === "schedule") {
    const b = context.project.defaultBranch;
    return { event, ref: `refs/heads/${b}`, refName: b, refType: "branch", baseRef: "", headRef: "", sha };
  }
  if (ref.kind === "tag") return { event, ref: `refs/tags/${ref.name}`, refName: ref.name, refType: "tag", baseRef: "", headRef: "", sha };
  return { event, ref: `refs/heads/${ref.name}`, refName: ref.name, refType: "branch", baseRef: "", headRef: "", sha };
}

export function githubContextValue(context: BranchContext, facts: RunFacts, inputs: ObjectValue): ObjectValue {
  const [owner] = context.project.path.split("/");
  const event: Array<[string, Value]> = [
    ["repository", new ObjectValue([["default_branch", context.project.defaultBranch], ["full_name", context.project.path]], "github.event.repository")],
  ];
  if (facts.event === "push") event.push(["ref", facts.ref]);
  if (facts.event === "workflow_dispatch") event.push(["inputs", inputs]);
  if (facts.prBase !== undefined) {
    event.push(["number", facts.prNumber ?? new Unknown(["github.event.number"])]);
    event.push([
      "pull_request",
      new ObjectValue(
        [
          ["number", facts.prNumber ?? new Unknown(["github.event.pull_request.number"])],
          ["base", new ObjectValue([["ref", facts.baseRef]], "github.event.pull_request.base")],
          ["head", new ObjectValue([["ref", facts.headRef]], "github.event.pull_request.head")],
        ],
        "github.event.pull_request",
      ),
    ]);
  }
  return new ObjectValue(
    [
      ["event_name", facts.event],
      ["ref", facts.ref],
      ["ref_name", facts.refName],
      ["ref_type", facts.refType],
      ["base_ref", facts.baseRef],
      ["head_ref", facts.headRef],
      ["repository", context.project.path],
      ["repository_owner", owner],
      ["server_url", "https://github.com"],
      ["sha", facts.sha ?? new Unknown(["github.sha"])],
      ["event", new ObjectValue(event, "github.event")],
    ],
    "github",
  );
}
