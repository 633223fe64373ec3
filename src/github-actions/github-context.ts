import type { BranchContext } from "../analysis/model.js";
import { ObjectValue, Unknown, fromPlain, type Value } from "./expr/value.js";
import { eventOf } from "./triggers.js";

/**
 * What a run's `github` context holds for a branch context ("Contexts reference", github context;
 * "Events that trigger workflows" for each event's GITHUB_REF and GITHUB_SHA):
 * - push to a branch/tag: ref `refs/heads/<b>` / `refs/tags/<t>`, sha the commit pushed;
 * - pull_request: ref `refs/pull/<n>/merge`, ref_name `<n>/merge`, base_ref/head_ref the
 *   target and source branches; sha the test merge commit, which is not known statically;
 * - pull_request_target: the TARGET branch's ref and commit;
 * - schedule: the default branch.
 * An event payload, when given, is `github.event` and fills what the context does not say (a
 * push's `after` and `base_ref`, a PR's number and head commit); a value given on its own (the
 * CLI's `--sha`, `--pr-number`, `--pr-head-sha`) wins over it. Fields nothing gives (actor,
 * run_id, the payload itself when none is given) are Unknown.
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
  /** The PR's head commit (`pull_request.head.sha`), when given. */
  prHeadSha?: string;
  /** A push payload's `base_ref` (the branch a tag was pushed from), when the payload has it. */
  pushBaseRef?: string;
  /** When the run's commit was made (ISO 8601), when the payload lists it. */
  commitDate?: string;
  /** When the run starts (ISO 8601), when given. */
  now?: string;
  /** The event payload as given: then `github.event` is complete (a property it lacks is null). */
  payload?: Readonly<Record<string, unknown>>;
}

/** `payload.a.b.c`, or undefined when some step is missing or not an object. */
export function payloadAt(payload: Readonly<Record<string, unknown>> | undefined, ...path: string[]): unknown {
  let v: unknown = payload;
  for (const key of path) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function stringAt(payload: Readonly<Record<string, unknown>> | undefined, ...path: string[]): string | undefined {
  const v = payloadAt(payload, ...path);
  return typeof v === "string" ? v : undefined;
}

function numberAt(payload: Readonly<Record<string, unknown>> | undefined, ...path: string[]): number | undefined {
  const v = payloadAt(payload, ...path);
  return typeof v === "number" && Number.isInteger(v) ? v : undefined;
}

/**
 * The commit's date as docker/metadata-action finds it in the payload (src/context.ts,
 * getCommitDateFromWorkflow): the pushed commit with that id, else `head_commit` when it is
 * that commit. (The action then asks the API, which a static reading cannot.)
 */
function commitDateOf(payload: Readonly<Record<string, unknown>> | undefined, sha: string | undefined): string | undefined {
  if (!payload || !sha) return undefined;
  const commits = payloadAt(payload, "commits");
  if (Array.isArray(commits)) {
    for (const c of commits) {
      if (payloadAt(c as Record<string, unknown>, "id") === sha) {
        const t = payloadAt(c as Record<string, unknown>, "timestamp");
        if (typeof t === "string") return t;
      }
    }
  }
  if (stringAt(payload, "head_commit", "id") === sha) return stringAt(payload, "head_commit", "timestamp");
  return undefined;
}

export function runFacts(context: BranchContext): RunFacts {
  const event = eventOf(context);
  const ref = context.ref;
  const payload = context.eventPayload;
  // A run's commit given as such wins; a push's is the commit pushed (the payload's `after`);
  // on PR events it is a commit GitHub makes, not the analysed revision (see below).
  const sha = context.runSha ?? (event === "push" ? stringAt(payload, "after") : undefined) ?? (ref.kind === "mr" ? undefined : context.commitSha);
  const common = {
    event,
    sha,
    now: context.now,
    payload,
    commitDate: commitDateOf(payload, sha),
    pushBaseRef: stringAt(payload, "base_ref"),
  };
  if (ref.kind === "mr") {
    const n = ref.iid ?? numberAt(payload, "number") ?? numberAt(payload, "pull_request", "number");
    const pr = { prNumber: n, prBase: ref.target, prHeadSha: context.prHeadSha ?? stringAt(payload, "pull_request", "head", "sha"), baseRef: ref.target, headRef: ref.source };
    if (event === "pull_request_target") {
      return { ...common, ...pr, ref: `refs/heads/${ref.target}`, refName: ref.target, refType: "branch" };
    }
    const prRef = n !== undefined ? `refs/pull/${n}/merge` : new Unknown(["github.ref (the PR number)"]);
    const prRefName = n !== undefined ? `${n}/merge` : new Unknown(["github.ref_name (the PR number)"]);
    // GITHUB_SHA of a pull_request run is the last merge commit of refs/pull/N/merge, a
    // commit GitHub makes; the head commit we may know is not it ("Events that trigger
    // workflows", pull_request). So `github.sha` is known only when given as such.
    return { ...common, ...pr, ref: prRef, refName: prRefName, refType: "branch" };
  }
  const none = { baseRef: "", headRef: "", prHeadSha: context.prHeadSha };
  if (event === "schedule") {
    const b = context.project.defaultBranch;
    return { ...common, ...none, ref: `refs/heads/${b}`, refName: b, refType: "branch" };
  }
  if (ref.kind === "tag") return { ...common, ...none, ref: `refs/tags/${ref.name}`, refName: ref.name, refType: "tag" };
  return { ...common, ...none, ref: `refs/heads/${ref.name}`, refName: ref.name, refType: "branch" };
}

/** The `github.event` the context implies (open: a field it does not name is unknown). */
function impliedEvent(context: BranchContext, facts: RunFacts, inputs: ObjectValue): ObjectValue {
  const event: Array<[string, Value]> = [
    ["repository", new ObjectValue([["default_branch", context.project.defaultBranch], ["full_name", context.project.path]], "github.event.repository")],
  ];
  if (facts.event === "push") {
    event.push(["ref", facts.ref]);
    if (facts.sha) event.push(["after", facts.sha]);
  }
  if (facts.event === "workflow_dispatch") event.push(["inputs", inputs]);
  if (facts.prBase !== undefined) {
    event.push(["number", facts.prNumber ?? new Unknown(["github.event.number"])]);
    const head: Array<[string, Value]> = [["ref", facts.headRef]];
    if (facts.prHeadSha) head.push(["sha", facts.prHeadSha]);
    event.push([
      "pull_request",
      new ObjectValue(
        [
          ["number", facts.prNumber ?? new Unknown(["github.event.pull_request.number"])],
          ["base", new ObjectValue([["ref", facts.baseRef]], "github.event.pull_request.base")],
          ["head", new ObjectValue(head, "github.event.pull_request.head")],
        ],
        "github.event.pull_request",
      ),
    ]);
  }
  return new ObjectValue(event, "github.event");
}

/**
 * The payload as given, with what the context says laid over it: a known value of the context
 * (given on the command line, or taken from this very payload) wins; what the context does not
 * know leaves the payload's value. The result is closed, as a real payload is.
 */
function overlay(payload: ObjectValue, implied: ObjectValue): ObjectValue {
  const out = new Map<string, [string, Value]>(payload.entries().map(([k, v]) => [k.toLowerCase(), [k, v]]));
  for (const [k, v] of implied.entries()) {
    const mine = out.get(k.toLowerCase())?.[1];
    if (v instanceof ObjectValue && mine instanceof ObjectValue) out.set(k.toLowerCase(), [k, overlay(mine, v)]);
    else if (v instanceof ObjectValue && mine === undefined) out.set(k.toLowerCase(), [k, overlay(new ObjectValue(), v)]);
    else if (!(v instanceof Unknown)) out.set(k.toLowerCase(), [k, v]);
    else if (mine === undefined) out.set(k.toLowerCase(), [k, null]);
  }
  return new ObjectValue(out.values());
}

/**
 * Every property of the `github` context ("Contexts reference", github context). A property not
 * listed there is null, as in a run; a listed one this tool cannot know is Unknown.
 */
export const GITHUB_CONTEXT_PROPERTIES = [
  "action",
  "action_path",
  "action_ref",
  "action_repository",
  "action_status",
  "actor",
  "actor_id",
  "api_url",
  "base_ref",
  "env",
  "event",
  "event_name",
  "event_path",
  "graphql_url",
  "head_ref",
  "job",
  "path",
  "ref",
  "ref_name",
  "ref_protected",
  "ref_type",
  "repository",
  "repository_id",
  "repository_owner",
  "repository_owner_id",
  "repositoryUrl",
  "retention_days",
  "run_id",
  "run_number",
  "run_attempt",
  "secret_source",
  "server_url",
  "sha",
  "token",
  "triggering_actor",
  "workflow",
  "workflow_ref",
  "workflow_sha",
  "workspace",
] as const;

export function githubContextValue(context: BranchContext, facts: RunFacts, inputs: ObjectValue, workflow?: string): ObjectValue {
  const [owner] = context.project.path.split("/");
  const implied = impliedEvent(context, facts, inputs);
  const event = facts.payload ? overlay(fromPlain(facts.payload) as ObjectValue, implied) : implied;
  const actor = typeof payloadAt(facts.payload, "sender", "login") === "string" ? (payloadAt(facts.payload, "sender", "login") as string) : new Unknown(["github.actor"]);
  const known: Array<[string, Value]> = [
    ["event_name", facts.event],
    ["ref", facts.ref],
    ["ref_name", facts.refName],
    ["ref_type", facts.refType],
    ["base_ref", facts.baseRef],
    ["head_ref", facts.headRef],
    ["repository", context.project.path],
    ["repository_owner", owner],
    ["repositoryUrl", `git://github.com/${context.project.path}.git`],
    ["server_url", "https://github.com"],
    ["api_url", "https://api.github.com"],
    ["graphql_url", "https://api.github.com/graphql"],
    ["sha", facts.sha ?? new Unknown(["github.sha"])],
    ["actor", actor],
    ["workflow", workflow ?? new Unknown(["github.workflow"])],
    ["event", event],
  ];
  const given = new Set(known.map(([k]) => k.toLowerCase()));
  return new ObjectValue([...known, ...GITHUB_CONTEXT_PROPERTIES.filter((p) => !given.has(p.toLowerCase())).map((p): [string, Value] => [p, new Unknown([`github.${p}`])])]);
}
