import { changePipelineName } from "../analysis/context-name.js";
import type { Analysis, BranchContext, Hazard } from "../analysis/model.js";
import type { PipelineContext, RefSpec } from "../gitlab-ci/context.js";
import { changeNoun, type ReportOptions } from "./options.js";

type Platform = ReportOptions["platform"];

/**
 * The name a report shows for a context. `context.name` is the analysis's identifier and stays
 * the same on every platform (JSON output, `--branch`, hazards' `contexts`); a report shows the
 * change's own pipeline with its platform's noun: "PR feature → main" on GitHub, "MR …" on
 * GitLab. A GitHub Actions run (it has an `event`) is a pull request run wherever it is shown.
 * A configured context keeps the name its author gave it.
 */
export function contextDisplayName(context: BranchContext, platform: Platform): string {
  if (context.ref.kind !== "mr" || context.origin.kind !== "mr-pipeline") return context.name;
  return changePipelineDisplayName(context, context.ref, platform);
}

/** A merge/pull request pipeline's name in a report: the platform's noun, or "PR" for a GitHub Actions run. */
export function changePipelineDisplayName(context: Pick<PipelineContext, "event">, ref: Extract<RefSpec, { kind: "mr" }>, platform: Platform): string {
  const noun = context.event !== undefined ? "PR" : changeNoun(platform);
  return changePipelineName(noun, ref, context.event);
}

/** Context name → display name, for the places that hold only names (hazards, recipes). */
export function contextNamer(analysis: Pick<Analysis, "contexts">, platform: Platform): (name: string) => string {
  const shown = new Map(analysis.contexts.map((c) => [c.context.name, contextDisplayName(c.context, platform)]));
  return (name) => shown.get(name) ?? name;
}

/**
 * A hazard as a report shows it: the contexts it lists, and those its message quotes in
 * backticks (`\`MR feature → main\` no longer gets a pipeline`), by their display names.
 */
export function displayedHazard(hazard: Hazard, name: (context: string) => string): Hazard {
  return {
    ...hazard,
    message: hazard.message.replace(/`([^`]+)`/g, (_quoted, inner: string) => `\`${name(inner)}\``),
    contexts: hazard.contexts.map(name),
    ...(hazard.publishedBy ? { publishedBy: hazard.publishedBy.map(name) } : {}),
  };
}
