import type { ContextSetting, Settings } from "../config/settings.js";
import { contextProject, type PipelineContext, type PipelineSource, type RefSpec } from "../gitlab-ci/context.js";
import { changePipelineName } from "./context-name.js";
import type { BranchContext, ContextOrigin } from "./model.js";
import type { RefMention } from "./ref-mentions.js";
import { withRunInputs } from "./run-inputs.js";
import { isValidRefName, synthesiseName } from "./synthesise-name.js";
import { compilePattern } from "../gitlab-ci/expr/index.js";

/** At most this many contexts are simulated; the rest are named in a note. */
export const MAX_CONTEXTS = 12;
/** At most this many real branches are taken for one regex (the highest in natural order). */
const MAX_BRANCHES_PER_PATTERN = 3;
const FALLBACK_TAG = "v1.0.0";
/** The MR source branch when no MR is given (a local diff, the CLI). */
const FALLBACK_MR_SOURCE = "feature";
const FORK_NAMESPACE = "contributor";

export interface ContextChoiceInput {
  settings: Settings;
  /** `namespace/name` of the upstream project; undefined when nobody gave it. */
  project: string | undefined;
  defaultBranch: string;
  mr?: { source: string; target: string; sourceProject?: string; iid?: number };
  /** The tag to use for a tag context when the rules do not name one (`--tag`). */
  tag?: string;
  /** Real branch names of the repository, when the platform lists them. */
  branches?: string[];
  /** Branch and tag names the CI rules of either revision test. */
  mentions: RefMention[];
  /** The files the change touches: what `rules:changes` sees in the pipelines the change itself causes. */
  changedFiles: string[];
}

export interface ContextChoice {
  contexts: BranchContext[];
  /** Why a mention gave no context, which contexts were dropped by the cap, and the like. */
  notes: string[];
}

/**
 * The branch contexts to simulate. Configured contexts replace the default choice. The default
 * choice is the default branch, the MR's target, the branches the CI's own rules test, an MR
 * pipeline, a tag and a fork push (DESIGN §4), deduplicated and capped deterministically.
 */
export function chooseContexts(input: ContextChoiceInput): ContextChoice {
  const notes: string[] = [];
  const make = contextMaker(input);
  if (input.settings.contexts && input.settings.contexts.length > 0) {
    const configured = input.settings.contexts.map((c) => fromSetting(c, make));
    return finish(configured, [], notes);
  }

  const { defaultBranch, mr } = input;
  const head: BranchContext[] = [make.branch(defaultBranch, { kind: "default-branch" }, defaultBranch)];
  if (mr && mr.target !== defaultBranch) head.push(make.branch(mr.target, { kind: "mr-target" }, mr.target));

  const ruleContexts: BranchContext[] = [];
  let tagName: string | undefined;
  let tagOrigin: ContextOrigin = { kind: "tag" };
  for (const m of input.mentions) {
    // A literal git refuses as a ref name (`"release candidate"`) can never be the pipeline's ref.
    if (!m.pattern && !isValidRefName(m.value)) {
      notes.push(`${m.value} (${m.pos.file}:${m.pos.line}) is not a valid ${m.target} name; not simulated`);
      continue;
    }
    if (m.target === "tag") {
      if (tagName !== undefined) continue;
      // A tag given on the command line that the rule's regex matches is a real name.
      const given = m.pattern && input.tag !== undefined && realBranchesMatching(m.value, [input.tag]).length > 0;
      const name = given ? input.tag : m.pattern ? synthesiseName(m.value) : m.value;
      if (name !== undefined) {
        tagName = name;
        tagOrigin = m.pattern
          ? { kind: "rule-regex", pos: m.pos, pattern: m.value, synthesised: !given }
          : { kind: "rule-literal", pos: m.pos, text: m.text };
      } else notes.push(`no tag name could be made to match ${m.value} (${m.pos.file}:${m.pos.line})`);
      continue;
    }
    if (!m.pattern) {
      ruleContexts.push(make.branch(m.value, { kind: "rule-literal", pos: m.pos, text: m.text }));
      continue;
    }
    const real = realBranchesMatching(m.value, input.branches);
    if (real.length > 0) {
      for (const name of real) {
        ruleContexts.push(make.branch(name, { kind: "rule-regex", pos: m.pos, pattern: m.value, synthesised: false }));
      }
      continue;
    }
    const name = synthesiseName(m.value);
    if (name === undefined) {
      notes.push(`no branch name could be made to match ${m.value} (${m.pos.file}:${m.pos.line}); not simulated`);
      continue;
    }
    ruleContexts.push(make.branch(name, { kind: "rule-regex", pos: m.pos, pattern: m.value, synthesised: true }));
  }

  const mrSource = mr?.source ?? FALLBACK_MR_SOURCE;
  const mrTarget = mr?.target ?? defaultBranch;
  const tail: BranchContext[] = [
    make.mr(mrSource, mrTarget, mr),
    make.tag(tagName ?? input.tag ?? FALLBACK_TAG, tagName === undefined ? { kind: "tag" } : tagOrigin),
    make.fork(mr?.source ?? defaultBranch),
  ];
  return finish([...head, ...tail], ruleContexts, notes);
}

/**
 * Deduplicate (the first of equal contexts wins, so a rule that tests the default branch does not
 * add it twice), then keep every fundamental context and as many rule contexts as fit the cap.
 * Order: default branch, MR target, rule branches (in rule order), MR pipeline, tag, fork.
 */
function finish(fundamental: BranchContext[], fromRules: BranchContext[], notes: string[]): ContextChoice {
  const seen = new Set<string>();
  const unique = (list: BranchContext[]): BranchContext[] =>
    list.filter((c) => {
      const key = identity(c);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const base = unique(fundamental);
  const rules = unique(fromRules);
  const room = Math.max(0, MAX_CONTEXTS - base.length);
  if (rules.length > room) {
    notes.push(
      `${rules.length - room} more branch names tested by the CI rules were not simulated (at most ${MAX_CONTEXTS} contexts): ${rules
        .slice(room)
        .map((c) => c.name)
        .join(", ")}`,
    );
  }
  const kept = rules.slice(0, room);
  const branchEnd = base.findIndex((c) => c.origin.kind !== "default-branch" && c.origin.kind !== "mr-target");
  const split = branchEnd < 0 ? base.length : branchEnd;
  const contexts = [...base.slice(0, split), ...kept, ...base.slice(split)];
  return { contexts: uniqueNames(contexts), notes };
}

/** Two contexts are the same simulation when ref, source, project and variables agree. */
function identity(c: BranchContext): string {
  return JSON.stringify([c.ref, c.source, c.project.path, Object.entries(c.variables).sort()]);
}

/** Display names must identify a context (reports and `--branch` refer to them). */
function uniqueNames(contexts: BranchContext[]): BranchContext[] {
  const count = new Map<string, number>();
  return contexts.map((c) => {
    const n = (count.get(c.name) ?? 0) + 1;
    count.set(c.name, n);
    return n === 1 ? c : { ...c, name: `${c.name} (${n})` };
  });
}

function realBranchesMatching(pattern: string, branches: string[] | undefined): string[] {
  if (!branches) return [];
  const compiled = compilePattern(pattern);
  if (!compiled.ok) return [];
  const matching = branches.filter((b) => compiled.pattern.test(b));
  const natural = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });
  return matching.sort(natural).slice(-MAX_BRANCHES_PER_PATTERN);
}

interface ContextMaker {
  branch(name: string, origin: ContextOrigin, display?: string): BranchContext;
  tag(name: string, origin: ContextOrigin): BranchContext;
  mr(source: string, target: string, mr: ContextChoiceInput["mr"]): BranchContext;
  fork(branch: string): BranchContext;
  custom(args: {
    name: string;
    ref: RefSpec;
    source: PipelineSource;
    project?: string;
    variables: Record<string, string | null>;
    origin: ContextOrigin;
  }): BranchContext;
}

function contextMaker(input: ContextChoiceInput): ContextMaker {
  const { settings, defaultBranch, mr, changedFiles } = input;
  const upstream = contextProject(input.project, defaultBranch);
  const projectName = upstream.path.split("/").pop() ?? upstream.path;
  /**
   * `rules:changes` in a push pipeline compares with the previous push of that branch. Only the
   * pipelines the change itself causes (the MR pipeline, and the target branch once merged) see
   * exactly the changed files; for any other push they are not known, so they stay undefined.
   */
  const seesChange = (ref: RefSpec): boolean =>
    ref.kind === "mr" || (ref.kind === "branch" && ref.name === (mr?.target ?? defaultBranch));
  const build = (
    name: string,
    ref: RefSpec,
    source: PipelineSource,
    origin: ContextOrigin,
    project = upstream,
    extra: Record<string, string | null> = {},
  ): BranchContext => {
    const own = project.path === upstream.path;
    const ctx: PipelineContext = {
      ref,
      source,
      project,
      server: { url: settings.serverUrl, registry: settings.registry },
      // Project variables belong to one project: a fork has its own (e.g. QEMU forks set
      // QEMU_CI themselves), so upstream's `variables` do not apply there; `fork_variables` do.
      variables: { ...(own ? settings.variables : settings.forkVariables), ...extra },
      changedFiles: seesChange(ref) && own ? [...changedFiles] : undefined,
    };
    return { ...ctx, name, origin };
  };
  return {
    branch: (name, origin, display) => build(display ?? name, { kind: "branch", name }, "push", origin),
    tag: (name, origin) => build(`tag ${name}`, { kind: "tag", name }, "push", origin),
    mr: (source, target, given) => {
      const ref: RefSpec = { kind: "mr", source, target, sourceProject: given?.sourceProject, iid: given?.iid };
      // GitLab's noun in the data on every platform; reports show the platform's (report/context-name.ts).
      return build(changePipelineName("MR", ref), ref, "merge_request_event", { kind: "mr-pipeline" });
    },
    fork: (branch) => {
      // A fork MR names its source project: the fork context is a push to that real fork.
      // Otherwise a placeholder fork stands for any contributor's, named after the project: its
      // path is not known either when the project's is not.
      const real = mr?.sourceProject && mr.sourceProject !== input.project ? mr.sourceProject : undefined;
      const fork = real ? { path: real, defaultBranch } : { ...upstream, path: `${FORK_NAMESPACE}/${projectName}` };
      return build(`${branch} in a fork (${fork.path})`, { kind: "branch", name: branch }, "push", { kind: "fork" }, fork);
    },
    custom: (a) => build(a.name, a.ref, a.source, a.origin, a.project !== undefined ? { path: a.project, defaultBranch } : upstream, a.variables),
  };
}

function fromSetting(c: ContextSetting, make: ContextMaker): BranchContext {
  const ref: RefSpec = c.mr
    ? { kind: "mr", source: c.mr.source, target: c.mr.target }
    : c.tag !== undefined
      ? { kind: "tag", name: c.tag }
      : { kind: "branch", name: c.branch ?? "" };
  // The schema only lets GitLab's pipeline sources through.
  const source = (c.source ?? (c.mr ? "merge_request_event" : "push")) as PipelineSource;
  return withRunInputs(make.custom({ name: c.name, ref, source, project: c.project, variables: c.variables, origin: { kind: "configured" } }), c.run, "gitlab-ci");
}
