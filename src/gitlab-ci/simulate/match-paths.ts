import { compilePathGlob } from "../../core/fnmatch.js";
import type { ResolvedVar } from "../pipeline.js";
import type { PipelineContext } from "../context.js";
import type { RuleDef } from "../model.js";
import type { ClauseOutcome } from "./evaluate-rules.js";
import { modifiedPaths, modifiedPathsSince, type ModifiedPaths } from "./modified-paths.js";
import { expandWith } from "./resolve-variables.js";

/**
 * Glob paths in `changes:`/`exists:` are expanded with the job's expanded variables; a variable
 * defined nowhere stays literal (GitLab's `ExpandVariables.expand_existing`). A path that
 * depends on an unknown value makes the clause unknown.
 */
function expandPaths(paths: string[], variables: Record<string, ResolvedVar>): { globs: string[]; unknown: string[] } {
  const globs: string[] = [];
  const unknown: string[] = [];
  for (const p of paths) {
    const expanded = expandWith(p, variables, "literal");
    if (!expanded.known) unknown.push(...expanded.unknowns);
    globs.push(expanded.text);
  }
  return { globs, unknown };
}

/** A clause that cannot be decided because a fact of the push or the project is not known. */
function unknownFact(note: string): ClauseOutcome {
  return { result: "unknown", note, unknowns: [{ kind: "fact", why: note }] };
}

/** Files matching any glob, with Ruby `File.fnmatch?` PATHNAME|DOTMATCH|EXTGLOB semantics. */
function anyMatch(globs: string[], files: string[]): string | undefined {
  const matchers = globs.map(compilePathGlob);
  return files.find((f) => matchers.some((m) => m(f)));
}

export function changesOutcome(
  paths: string[],
  compareTo: string | undefined,
  context: PipelineContext,
  variables: Record<string, ResolvedVar>,
): ClauseOutcome {
  let diff: ModifiedPaths;
  if (compareTo !== undefined) {
    const ref = expandWith(compareTo, variables, "literal");
    diff = ref.known ? modifiedPathsSince(context, ref.text) : { kind: "unknown", why: "compare_to depends on an unknown value" };
  } else diff = modifiedPaths(context);
  if (diff.kind === "always") return { result: true, note: `changes: no diff in a ${context.source} pipeline for a ${context.ref.kind}, so GitLab counts it as changed` };
  if (diff.kind === "unknown") return unknownFact(`changes: ${diff.why}`);
  const { globs, unknown } = expandPaths(paths, variables);
  const hit = anyMatch(globs, diff.files);
  if (hit) return { result: true, note: `changes: ${hit} matches` };
  if (unknown.length) return unknownFact(`changes: a path depends on ${unknown.map((u) => `$${u}`).join(", ")}`);
  return { result: false, note: "changes: no changed file matches" };
}

export function ruleChangesOutcome(
  changes: NonNullable<RuleDef["changes"]>,
  context: PipelineContext,
  variables: Record<string, ResolvedVar>,
): ClauseOutcome {
  return changesOutcome(changes.paths.map((p) => p.value), changes.compareTo?.value, context, variables);
}

/**
 * `exists:` — true when any file of the revision matches any glob. With `project:` (another
 * project) or a `ref:` other than this one, the files are not in our source: unknown.
 */
export function existsOutcome(
  exists: NonNullable<RuleDef["exists"]>,
  context: PipelineContext,
  variables: Record<string, ResolvedVar>,
  files: string[] | undefined,
): ClauseOutcome {
  if (exists.project !== undefined) {
    const project = expandWith(exists.project, variables, "literal");
    if (!project.known || project.text !== context.project.path || context.project.pathUnknown !== undefined) {
      return unknownFact(`exists: files of project ${project.text} are not available`);
    }
  }
  if (exists.ref !== undefined) {
    const ref = expandWith(exists.ref, variables, "literal");
    const here = context.ref.kind === "mr" ? context.ref.source : context.ref.name;
    if (!ref.known || ref.text !== here) return unknownFact(`exists: files at ref ${ref.text} are not available`);
  }
  if (files === undefined) return unknownFact("exists: the revision's file list is not available");
  const { globs, unknown } = expandPaths(exists.paths.map((p) => p.value), variables);
  const hit = anyMatch(globs, files);
  if (hit) return { result: true, note: `exists: ${hit}` };
  if (unknown.length) return unknownFact(`exists: a path depends on ${unknown.map((u) => `$${u}`).join(", ")}`);
  return { result: false, note: "exists: no file matches" };
}
