import type { FileSource } from "../../core/file-source.js";
import type { PipelineContext } from "../context.js";
import { loadConfig } from "../load/load-config.js";
import type { CiConfig, RuleDef } from "../model.js";
import type { Pipeline } from "../pipeline.js";
import { includeRulesMatch, includeVariables } from "./include-rules.js";
import { refName } from "./predefined-variables.js";
import { simulateConfig, type SimulateConfigOptions } from "./simulate-config.js";
import type { SimulateStats } from "./stats.js";
import type { ParseCache } from "../load/parse-cache.js";
import type { IncludeResolver } from "../load/include-resolver.js";

export interface SimulateOptions {
  /** The root CI file; `.gitlab-ci.yml` by default. */
  ciPath?: string;
  /** `namespace/name` for `include:project` of this same project; the context's project by default. */
  project?: string;
  /** Counters to add this simulation's work to. */
  stats?: SimulateStats;
  /** Parsed files to reuse: each context with `include:rules` re-loads the same files. */
  parseCache?: ParseCache;
  /** Reads includes from outside the repository (see LoadOptions.includes). */
  includes?: IncludeResolver;
  /** Job results shared with other simulations of the same analysis (see SimulationShare). */
  share?: SimulateConfigOptions["share"];
}

/** Whether any include has `rules:` — then the loaded config depends on the context. */
export function hasIncludeRules(config: CiConfig): boolean {
  return config.includes.some((i) => i.rules && i.rules.length > 0);
}

/**
 * Loads the configuration of one revision for one context (include:rules and include paths
 * evaluated with the pre-pipeline variables of that context), then simulates the pipeline.
 */
export async function simulatePipeline(source: FileSource, context: PipelineContext, options: SimulateOptions = {}): Promise<Pipeline> {
  const ciPath = options.ciPath ?? ".gitlab-ci.yml";
  let files: string[] | undefined;
  let wantsFiles = false;
  const decide = (rules: RuleDef[]) => {
    if (!files && rules.some((r) => r.exists)) wantsFiles = true;
    return includeRulesMatch(rules, context, files, { ciPath });
  };
  const load = () =>
    loadConfig(source, {
      ciPath,
      // A path nobody gave is no project: `include: project:` naming it is not taken for this one.
      project: options.project ?? (context.project.pathUnknown === undefined ? context.project.path : undefined),
      ref: refName(context),
      includeVariables: includeVariables(context, { ciPath }),
      includeRuleMatches: decide,
      ...(options.parseCache ? { parseCache: options.parseCache } : {}),
      ...(options.includes ? { includes: options.includes } : {}),
    });
  let loaded = await load();
  // `include: rules: exists:` needs the file list; fetch it only when a rule asks, then reload.
  if (wantsFiles) {
    files = await source.list("");
    loaded = await load();
  }
  return simulateConfig(loaded, context, source, { ciPath, ...(options.stats ? { stats: options.stats } : {}), ...(options.share ? { share: options.share } : {}) });
}
