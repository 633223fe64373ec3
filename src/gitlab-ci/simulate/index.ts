/** Pipeline simulation: which pipeline GitLab creates for a revision and a context, and why. */
export { simulatePipeline, hasIncludeRules, type SimulateOptions } from "./simulate-pipeline.js";
export { simulateConfig, type JobOutcome, type SimulateConfigOptions } from "./simulate-config.js";
export { SimulationShare } from "./simulation-share.js";
export { newSimulateStats, type SimulateStats } from "./stats.js";
export { slugify } from "./ref-slug.js";
export { prePipelineVariables, pipelinePhaseVariables, jobPhaseVariables, refName } from "./predefined-variables.js";
export { includeRulesMatch, includeVariables, prePipelineScope } from "./include-rules.js";
export { matrixJobName, numberedJobName, MAX_PARALLEL } from "./parallel.js";
export { withDefaultTag } from "./resolve-image.js";
