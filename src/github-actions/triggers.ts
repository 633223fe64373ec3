import type { Pos } from "../core/pos.js";
import type { Truth } from "../gitlab-ci/pipeline.js";
import type { BranchContext } from "../analysis/model.js";
import { compilePatterns, isSelected } from "./filter-pattern.js";
import type { FilterKey, Trigger, Workflow } from "./model.js";

/**
 * Whether a workflow's `on:` starts a run for a context ("Events that trigger workflows" and
 * the `on.<event>` filters of the workflow syntax):
 * - push: `branches`/`branches-ignore` test the branch, `tags`/`tags-ignore` the tag. With
 *   only branch filters, tag pushes do not run the workflow, and the other way round.
 * - pull_request / pull_request_target: `branches` test the PR's TARGET (base) branch; the
 *   default activity types are opened, synchronize and reopened.
 * - paths/paths-ignore: at least one changed file must be selected (paths) / not ignored
 *   (paths-ignore). Path filters are NOT evaluated for tag pushes (actions/runner#1202).
 *   GitHub looks at 300 changed files at most; past that the outcome is not predictable,
 *   unless no changed file at all passes the filter (then it surely does not run).
 * - when both a ref filter and a path filter are given, both must hold.
 */
export interface TriggerDecision {
  triggered: Truth;
  /** The `on:` entry that decided (the event that matched), when there is one. */
  trigger?: Trigger;
  pos?: Pos;
  /** In words, for the report: "push to main matches branches: [main, 'releases/**']". */
  explanation: string;
  /** Filter patterns that are invalid (GitHub rejects the workflow). */
  errors: Array<{ message: string; pos: Pos }>;
}

/** The activity a PR context stands for: a push to an open PR. */
const PR_ACTIVITY = ["opened", "synchronize", "reopened"];
const PR_EVENTS = new Set(["pull_request", "pull_request_target"]);
/** GitHub reads at most this many changed files for path filters. */
export const PATH_FILTER_FILE_LIMIT = 300;

export function eventOf(context: BranchContext): string {
  if (context.event) return context.event;
  if (context.ref.kind === "mr") return "pull_request";
  if (context.source === "schedule") return "schedule";
  if (context.source === "web") return "workflow_dispatch";
  return "push";
}

export function decideTrigger(workflow: Workflow, context: BranchContext): TriggerDecision {
  const event = eventOf(context);
  const trigger = workflow.triggers.find((t) => t.event === event);
  if (!trigger) {
    const events = workflow.triggers.map((t) => t.event).join(", ") || "no events";
    return { triggered: false, explanation: `\`on:\` lists ${events}, not ${event}`, errors: [] };
  }
  const errors: TriggerDecision["errors"] = [];
  const test = (key: FilterKey, name: string): { ok: boolean; by?: string } | undefined => {
    const f = trigger.filters[key];
    if (!f) return undefined;
    const { patterns, errors: errs } = compilePatterns(f.patterns.map((p) => p.value));
    for (const e of errs) errors.push({ message: `on.${event}.${key}: ${e}`, pos: f.pos });
    const r = isSelected(patterns, name);
    return { ok: key.endsWith("-ignore") ? !r.selected : r.selected, by: r.by?.source };
  };
  const base = { trigger, pos: trigger.pos, errors };
  const f = trigger.filters;
  const parts: string[] = [];

  if (event === "push") {
    const ref = context.ref;
    if (ref.kind === "mr") return { ...base, triggered: false, explanation: "a PR context is not a push" };
    const isTag = ref.kind === "tag";
    const own: FilterKey[] = isTag ? ["tags", "tags-ignore"] : ["branches", "branches-ignore"];
    const other: FilterKey[] = isTag ? ["branches", "branches-ignore"] : ["tags", "tags-ignore"];
    const hasOwn = own.some((k) => f[k]);
    if (!hasOwn && other.some((k) => f[k])) {
      return { ...base, triggered: false, explanation: `push filters only ${isTag ? "branches" : "tags"}, so a ${isTag ? "tag" : "branch"} push does not run it` };
    }
    for (const k of own) {
      const r = test(k, ref.name);
      if (!r) continue;
      if (!r.ok) return { ...base, triggered: false, explanation: `${ref.kind} ${ref.name} is not selected by ${k}: [${patternList(trigger, k)}]` };
      parts.push(`${ref.kind} ${ref.name} ${k.endsWith("-ignore") ? "is not in" : "matches"} ${k}: [${patternList(trigger, k)}]`);
    }
    if (isTag) {
      if (f.paths || f["paths-ignore"]) parts.push("path filters do not apply to tag pushes");
      return { ...base, triggered: true, explanation: parts.join("; ") || `push of tag ${ref.name}` };
    }
  } else if (PR_EVENTS.has(event)) {
    if (trigger.types && !trigger.types.some((t) => PR_ACTIVITY.includes(t.value))) {
      return { ...base, triggered: false, explanation: `types: [${trigger.types.map((t) => t.value).join(", ")}] does not include opened/synchronize/reopened` };
    }
    const ref = context.ref;
    const target = ref.kind === "mr" ? ref.target : undefined;
    if (target === undefined) return { ...base, triggered: false, explanation: `${event} needs a PR context` };
    for (const k of ["branches", "branches-ignore"] as const) {
      const r = test(k, target);
      if (!r) continue;
      if (!r.ok) return { ...base, triggered: false, explanation: `PR target ${target} is not selected by ${k}: [${patternList(trigger, k)}]` };
      parts.push(`PR target ${target} ${k.endsWith("-ignore") ? "is not in" : "matches"} ${k}: [${patternList(trigger, k)}]`);
    }
  } else if (event === "release") {
    // Releases are made from tags; the default types include `published`.
    if (trigger.types && !trigger.types.some((t) => ["published", "created", "released"].includes(t.value))) {
      return { ...base, triggered: false, explanation: `release types: [${trigger.types.map((t) => t.value).join(", ")}]` };
    }
    return { ...base, triggered: true, explanation: "on: release" };
  } else {
    return { ...base, triggered: true, explanation: `on: ${event}` };
  }

  // Path filters (push to a branch, pull_request, pull_request_target).
  for (const k of ["paths", "paths-ignore"] as const) {
    const filter = f[k];
    if (!filter) continue;
    const files = context.changedFiles;
    if (files === undefined) {
      return { ...base, triggered: "unknown", explanation: [...parts, `${k}: [${patternList(trigger, k)}] and the changed files are not known`].join("; ") };
    }
    const { patterns, errors: errs } = compilePatterns(filter.patterns.map((p) => p.value));
    for (const e of errs) errors.push({ message: `on.${event}.${k}: ${e}`, pos: filter.pos });
    const hit = files.find((file) => (k === "paths" ? isSelected(patterns, file).selected : !isSelected(patterns, file).selected));
    // No changed file at all passes the filter: then none of the 300 GitHub reads does either.
    if (!hit) return { ...base, triggered: false, explanation: [...parts, `no changed file is selected by ${k}: [${patternList(trigger, k)}]`].join("; ") };
    // Some file passes, but GitHub reads only 300 of the diff, in an order not known here.
    if (files.length > PATH_FILTER_FILE_LIMIT) {
      return { ...base, triggered: "unknown", explanation: [...parts, `${files.length} changed files: GitHub reads only the first ${PATH_FILTER_FILE_LIMIT} for ${k}, and ${hit} may not be among them`].join("; ") };
    }
    parts.push(`${hit} ${k === "paths" ? "matches" : "is not ignored by"} ${k}`);
  }
  return { ...base, triggered: true, explanation: parts.join("; ") || `on: ${event}` };
}

function patternList(trigger: Trigger, key: FilterKey): string {
  return (trigger.filters[key]?.patterns ?? []).map((p) => p.value).join(", ");
}
