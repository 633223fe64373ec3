import { compilePattern, looksLikePattern } from "../expr/index.js";
import type { PipelineContext } from "../context.js";
import type { JobDef, OnlyExceptDef } from "../model.js";
import type { ResolvedVar, RuleTrace, Truth, UnknownInput } from "../pipeline.js";
import type { ClauseOutcome } from "./evaluate-rules.js";
import { changesOutcome } from "./match-paths.js";
import { and3, not3, or3 } from "./truth.js";

/**
 * `only`/`except` as GitLab evaluates them (Pipeline::Seed::Build#included?,
 * lib/gitlab/ci/build/policy/*.rb): every clause of `only` must hold (refs AND variables AND
 * changes AND kubernetes) and no clause of `except` may hold.
 *
 * The implicit `only: refs: [branches, tags]` (config/entry/policy.rb) applies to a job without
 * `rules:` when the config has no `workflow:rules` (config/entry/processable.rb#compose!). When
 * `only:` is written as a hash without `refs:`, the default refs are still merged in.
 */

export interface PolicyEnv {
  context: PipelineContext;
  /** Variables as the job sees them, expanded (for `changes:` paths). */
  variables: Record<string, ResolvedVar>;
  /** `rules:if`-style evaluation with raw values (for `variables:` expressions). */
  evaluateIf(text: string): ClauseOutcome;
}

export interface PolicyOutcome {
  included: Truth;
  /** One line per clause that decided, in words. */
  explanation: string;
  trace: RuleTrace[];
  /** Warnings, e.g. a ref pattern RE2 cannot compile. */
  warnings: string[];
  /** The unknown inputs of the clauses that were unknown. */
  unknowns: UnknownInput[];
}

export const DEFAULT_ONLY_REFS = ["branches", "tags"] as const;

/**
 * `Ci::Pipeline#branch?`/`tag?`: an MR pipeline is neither (its ref is refs/merge-requests/…),
 * so ref names, patterns and the `branches`/`tags` keywords never match it.
 */
function refKind(context: PipelineContext): "branch" | "tag" | "mr" {
  return context.ref.kind;
}

/** `Policy::Refs#matches_pattern?` for one pattern (after the `@project` part is split off). */
function refMatches(pattern: string, context: PipelineContext, warnings: string[]): boolean {
  const kind = refKind(context);
  if (kind === "tag" && pattern === "tags") return true;
  if (kind === "branch" && pattern === "branches") return true;
  // The source name without `_event`, as is or pluralised: `merge_requests`, `pushes`,
  // `schedules`, `triggers`, `pipelines`, `web`, `api`, `external_pull_requests`, `chat`, …
  const source = context.source.replace(/_event$/, "");
  if (source === pattern || pluralize(source) === pattern) return true;
  if (kind === "mr") return false;
  const name = context.ref.kind === "mr" ? context.ref.source : context.ref.name;
  if (looksLikePattern(pattern)) {
    const compiled = compilePattern(pattern);
    if (compiled.ok) return compiled.pattern.test(name);
    warnings.push(`only/except pattern ${pattern}: ${compiled.message}`);
    return false;
  }
  return pattern === name;
}

/** ActiveSupport's `pluralize` for the pipeline source names GitLab has. */
function pluralize(word: string): string {
  if (/(s|sh|ch|x)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

function refsClause(refs: string[], context: PipelineContext, warnings: string[]): ClauseOutcome {
  // `ref@group/project` holds only in that project: unknown when the project's path is.
  const { path, pathUnknown } = context.project;
  const answers = refs.map((r): Truth => {
    const at = r.indexOf("@");
    const [pattern, project] = at >= 0 ? [r.slice(0, at), r.slice(at + 1)] : [r, undefined];
    const matches = refMatches(pattern, context, warnings);
    if (project === undefined || !matches) return matches;
    return pathUnknown !== undefined ? "unknown" : project === path;
  });
  const hit = refs.find((_r, i) => answers[i] === true);
  if (hit !== undefined) return { result: true, note: `refs: ${hit} matches` };
  if (answers.includes("unknown") && pathUnknown !== undefined) {
    return { result: "unknown", note: `refs: ${refs.filter((_r, i) => answers[i] === "unknown").join(", ")}: ${pathUnknown}`, unknowns: [{ kind: "fact", why: pathUnknown }] };
  }
  return { result: false, note: `refs: none of ${refs.join(", ")} matches` };
}

function variablesClause(exprs: string[], env: PolicyEnv): ClauseOutcome {
  const outcomes = exprs.map((e) => ({ e, o: env.evaluateIf(e) }));
  const result = or3(outcomes.map((x) => x.o.result));
  const reads: Record<string, string | null> = {};
  for (const x of outcomes) Object.assign(reads, x.o.reads ?? {});
  const hit = outcomes.find((x) => x.o.result === true);
  const note = hit ? `variables: ${hit.e}` : result === "unknown" ? "variables: depends on unknown values" : "variables: no expression matches";
  const error = outcomes.find((x) => x.o.error)?.o.error;
  const unknowns = outcomes.flatMap((x) => (x.o.result === "unknown" ? (x.o.unknowns ?? []) : []));
  return { result, reads, note, ...(error ? { error } : {}), ...(unknowns.length ? { unknowns } : {}) };
}

function policyClauses(policy: OnlyExceptDef | undefined, refs: string[] | undefined, env: PolicyEnv, warnings: string[]): ClauseOutcome[] {
  const out: ClauseOutcome[] = [];
  if (refs) out.push(refsClause(refs, env.context, warnings));
  if (policy?.variables) out.push(variablesClause(policy.variables.map((v) => v.value), env));
  if (policy?.changes) {
    // Only:changes applies to branch, MR and external-PR pipelines; elsewhere GitLab has no
    // diff and counts it as true (so `except: changes:` then excludes the job).
    out.push(changesOutcome(policy.changes.paths.map((p) => p.value), policy.changes.compareTo?.value, env.context, env.variables));
  }
  if (policy?.kubernetes) {
    const why = "kubernetes: whether the project has an active cluster is not known";
    out.push({ result: "unknown", note: why, unknowns: [{ kind: "fact", why }] });
  }
  return out;
}

export function evaluateOnlyExcept(job: JobDef, hasWorkflowRules: boolean, env: PolicyEnv): PolicyOutcome {
  const warnings: string[] = [];
  // The default refs are merged into `only:` when `only` is given without refs, or when the job
  // has neither only nor except; with workflow:rules an unset `only` has no default.
  const onlyRefs = job.only
    ? (job.only.refs?.map((r) => r.value) ?? [...DEFAULT_ONLY_REFS])
    : hasWorkflowRules
      ? undefined
      : [...DEFAULT_ONLY_REFS];
  const only = policyClauses(job.only, onlyRefs, env, warnings);
  const except = job.except ? policyClauses(job.except, job.except.refs?.map((r) => r.value), env, warnings) : [];
  const onlyResult = and3(only.map((c) => c.result));
  const exceptResult = or3(except.map((c) => c.result));
  const included = and3([onlyResult, not3(exceptResult)]);

  const trace: RuleTrace[] = [];
  const pushTrace = (kind: "only" | "except", def: OnlyExceptDef | undefined, clauses: ClauseOutcome[], result: Truth) => {
    if (clauses.length === 0) return;
    const reads: Record<string, string | null> = {};
    for (const c of clauses) Object.assign(reads, c.reads ?? {});
    trace.push({
      index: trace.length,
      pos: def?.pos ?? job.pos,
      result,
      reads,
      note: `${kind}${def ? "" : " (default: branches, tags)"}: ${clauses.map((c) => c.note).filter(Boolean).join("; ")}`,
    });
  };
  pushTrace("only", job.only, only, onlyResult);
  pushTrace("except", job.except, except, exceptResult);

  const explanation =
    included === true
      ? trace.map((t) => t.note).join(" | ")
      : onlyResult === false
        ? `only does not hold — ${trace[0]?.note ?? ""}`
        : exceptResult === true
          ? `except holds — ${trace[trace.length - 1]?.note ?? ""}`
          : `depends on unknown values — ${trace.map((t) => t.note).join(" | ")}`;
  const unknowns = included === "unknown" ? [...only, ...except].flatMap((c) => (c.result === "unknown" ? (c.unknowns ?? []) : [])) : [];
  return { included, explanation, trace, warnings, unknowns };
}
