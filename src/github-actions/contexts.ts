import { changePipelineName } from "../analysis/context-name.js";
import type { BranchContext, ContextOrigin } from "../analysis/model.js";
import type { Settings } from "../config/settings.js";
import type { PipelineSource, RefSpec, RunInputs } from "../gitlab-ci/context.js";
import { withRunInputs } from "../analysis/run-inputs.js";
import { eventForSource, PR_EVENTS, sourceOf } from "./events.js";
import { compilePattern, literalOf, synthesiseName } from "./filter-pattern.js";
import type { FilterKey, Workflow } from "./model.js";

/** GitHub's own registry, so "an image of this project" means `ghcr.io/<owner>/<repo>...`. */
export const GITHUB_SERVER = { url: "https://github.com", registry: "ghcr.io" } as const;
export const MAX_ACTIONS_CONTEXTS = 12;
const FALLBACK_PR_SOURCE = "feature";
/** Names tried first for a branch or tag glob, so `v*` gives `v1.0.0` rather than `vx`. */
const TAG_CANDIDATES = ["v1.0.0", "1.0.0", "v1"];
const MAX_BRANCHES_PER_PATTERN = 2;

export interface ActionsContextInput {
  /** `owner/repo` */
  repository: string;
  defaultBranch: string;
  workflows: Workflow[];
  settings?: Pick<Settings, "contexts" | "variables">;
  pr?: { source: string; target: string; number?: number };
  /** A tag to use for tag pushes and releases (`--tag`), instead of a made-up one. */
  tag?: string;
  /** What the runs have that the files do not show; a run of `run.event` is added when none is chosen. */
  run?: RunInputs;
  /** Real branch names, when the platform lists them. */
  branches?: string[];
  /** Files the change touches: what path filters see in the runs the change itself causes. */
  changedFiles?: string[];
  headSha?: string;
}

/**
 * The contexts worth simulating for a set of workflows (DESIGN §4, the GitHub way): the
 * default branch, the PR's target, a pull_request run (and pull_request_target when used),
 * branches and tags the workflows' own filters name or match, a scheduled run and a manual
 * dispatch when a workflow has them. Configured contexts replace the choice.
 */
export function chooseActionsContexts(input: ActionsContextInput): { contexts: BranchContext[]; notes: string[] } {
  const notes: string[] = [];
  const vars = input.settings?.variables ?? {};
  const make = (name: string, origin: ContextOrigin, ref: RefSpec, event: string, source: PipelineSource, changed?: string[]): BranchContext => ({
    name,
    origin,
    ref,
    source,
    event,
    project: { path: input.repository, defaultBranch: input.defaultBranch },
    server: { ...GITHUB_SERVER },
    variables: { ...vars },
    changedFiles: changed,
  });

  if (input.settings?.contexts && input.settings.contexts.length > 0) {
    const contexts: BranchContext[] = [];
    for (const c of input.settings.contexts) {
      // `event:` names the run; otherwise an MR is a pull_request run and a GitLab source the event it stands for.
      const event = c.event ?? (c.mr ? "pull_request" : eventForSource((c.source ?? "push") as PipelineSource));
      if (event === undefined) {
        notes.push(`context \`${c.name}\` (source ${c.source}) has no GitHub Actions event; give it \`event:\``);
        continue;
      }
      const ref: RefSpec = c.mr
        ? { kind: "mr", source: c.mr.source, target: c.mr.target }
        : c.tag !== undefined
          ? { kind: "tag", name: c.tag }
          : { kind: "branch", name: c.branch ?? input.defaultBranch };
      const made = { ...make(c.name, { kind: "configured" }, ref, event, sourceOf(event)), variables: { ...vars, ...c.variables }, ...(c.project ? { project: { path: c.project, defaultBranch: input.defaultBranch } } : {}) };
      contexts.push(withRunInputs(made, { ...c.run, event }, "github-actions"));
    }
    return { contexts, notes };
  }

  const out: BranchContext[] = [];
  const seen = new Set<string>();
  const add = (c: BranchContext) => {
    const key = `${c.event}\0${JSON.stringify(c.ref)}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(c);
  };
  const def = input.defaultBranch;
  const prTarget = input.pr?.target ?? def;
  // The push that merging the PR makes is the change itself: it sees the PR's files.
  add(make(def, { kind: "default-branch" }, { kind: "branch", name: def }, "push", "push", prTarget === def ? input.changedFiles : undefined));
  if (input.pr && input.pr.target !== def) {
    add(make(input.pr.target, { kind: "mr-target" }, { kind: "branch", name: input.pr.target }, "push", "push", input.changedFiles));
  }
  const events = new Set(input.workflows.flatMap((w) => w.triggers.map((t) => t.event)));
  const tagNames = input.tag !== undefined ? [input.tag, ...TAG_CANDIDATES] : TAG_CANDIDATES;
  const pr = input.pr ?? { source: FALLBACK_PR_SOURCE, target: def };
  for (const event of ["pull_request", "pull_request_target"]) {
    if (!events.has(event)) continue;
    const ref = { kind: "mr", source: pr.source, target: pr.target, iid: input.pr?.number } as const;
    add(make(changePipelineName("PR", ref, event), { kind: "mr-pipeline" }, ref, event, "merge_request_event", input.changedFiles));
  }

  // Branches and tags named or matched by the workflows' own filters.
  let tagAdded = false;
  for (const wf of input.workflows) {
    for (const t of wf.triggers) {
      if (t.event !== "push" && t.event !== "pull_request" && t.event !== "pull_request_target") continue;
      for (const key of ["branches", "tags"] as const satisfies readonly FilterKey[]) {
        if (key === "tags" && t.event !== "push") continue;
        for (const p of t.filters[key]?.patterns ?? []) {
          const names = key === "tags" ? namesFor(p.value, tagNames, false, input.tag) : namesFor(p.value, input.branches ?? [], true);
          if (names.length === 0 && !p.value.startsWith("!")) notes.push(`no ${key === "tags" ? "tag" : "branch"} name could be made for \`${p.value}\` (${wf.file}:${p.pos.line})`);
          for (const { name, synthesised, literal } of names) {
            const origin: ContextOrigin = literal ? { kind: "rule-literal", pos: p.pos, text: p.value } : { kind: "rule-regex", pos: p.pos, pattern: p.value, synthesised };
            if (key === "tags") {
              add(make(`tag ${name}`, origin, { kind: "tag", name }, "push", "push"));
              tagAdded = true;
            } else add(make(name, origin, { kind: "branch", name }, "push", "push"));
          }
        }
      }
      if (t.event === "push" && !tagAdded && !t.filters.branches && !t.filters["branches-ignore"] && !t.filters.tags && !t.filters["tags-ignore"]) {
        // `on: push` without ref filters runs for tag pushes too.
        add(make(`tag ${tagNames[0]}`, { kind: "tag" }, { kind: "tag", name: tagNames[0] }, "push", "push"));
        tagAdded = true;
      }
    }
  }

  for (const wf of input.workflows) {
    for (const t of wf.triggers) {
      const origin: ContextOrigin = { kind: "event", pos: t.pos, event: t.event };
      if (t.event === "schedule") add(make(`schedule on ${def}`, origin, { kind: "branch", name: def }, "schedule", "schedule"));
      if (t.event === "workflow_dispatch") add(make(`manual run on ${def}`, origin, { kind: "branch", name: def }, "workflow_dispatch", "web"));
      if (t.event === "release") add(make(`release ${tagNames[0]}`, origin, { kind: "tag", name: tagNames[0] }, "release", "push"));
    }
  }

  // A run of the event asked for (`--event`) is analysed even when the workflows' own triggers
  // did not make one: on the default branch, the PR, or the given tag.
  const asked = input.run?.event;
  if (asked !== undefined && !out.some((c) => c.event === asked)) {
    const ref: RefSpec = PR_EVENTS.includes(asked)
      ? { kind: "mr", source: pr.source, target: pr.target, iid: input.pr?.number }
      : asked === "release" || (asked === "push" && input.tag !== undefined)
        ? { kind: "tag", name: tagNames[0] }
        : { kind: "branch", name: def };
    const name = ref.kind === "mr" ? changePipelineName("PR", ref, asked) : `${asked} ${ref.kind === "tag" ? ref.name : def}`;
    out.unshift(make(name, { kind: "command" }, ref, asked, sourceOf(asked), ref.kind === "mr" ? input.changedFiles : undefined));
  }

  if (out.length > MAX_ACTIONS_CONTEXTS) {
    notes.push(`${out.length - MAX_ACTIONS_CONTEXTS} more contexts not analysed: ${out.slice(MAX_ACTIONS_CONTEXTS).map((c) => c.name).join(", ")}`);
  }
  return { contexts: out.slice(0, MAX_ACTIONS_CONTEXTS).map((c) => withRunInputs(c, input.run, "github-actions")), notes };
}

export { sourceOf };

/** Names for one filter pattern: the literal, real names that match, or a made-up one. */
function namesFor(pattern: string, candidates: readonly string[], candidatesAreReal: boolean, given?: string): Array<{ name: string; synthesised: boolean; literal: boolean }> {
  if (pattern.startsWith("!")) return [];
  const literal = literalOf(pattern);
  if (literal !== undefined) return [{ name: literal, synthesised: false, literal: true }];
  const compiled = compilePattern(pattern);
  if (!compiled.ok) return [];
  // Several real branches are worth a look; of the made-up candidates one is enough.
  const real = candidates.filter((c) => compiled.pattern.regex.testExact(c)).slice(0, candidatesAreReal ? MAX_BRANCHES_PER_PATTERN : 1);
  if (real.length > 0) return real.map((name) => ({ name, synthesised: !candidatesAreReal && name !== given, literal: false }));
  const made = synthesiseName(pattern);
  return made ? [{ name: made, synthesised: true, literal: false }] : [];
}
