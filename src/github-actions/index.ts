/**
 * The GitHub Actions dialect: the same Analysis and Pipeline shapes as GitLab CI, computed
 * from `.github/workflows/*.yml`.
 */
export { analyzeActions, type AnalyzeActionsInput, type ActionsAnalysis } from "./analyze-actions.js";
export { loadWorkflows, parseWorkflow, isWorkflowPath, WORKFLOWS_DIR } from "./load-workflows.js";
export { loadCalled } from "./load-called.js";
export { simulateActions, type ActionsRun, type ConcurrencyUse } from "./simulate.js";
export { chooseActionsContexts, GITHUB_SERVER, sourceOf, type ActionsContextInput } from "./contexts.js";
export { concurrencyCancelCheck } from "./concurrency-hazard.js";
export { decideTrigger, eventOf, type TriggerDecision } from "./triggers.js";
export { findConcurrencyClashes, type ConcurrencyClash } from "./concurrency.js";
export { compilePattern, compilePatterns, isSelected, type CompiledPattern } from "./filter-pattern.js";
export { expandMatrix, matrixJobName, type MatrixExpansion } from "./matrix.js";
export { computeMetadataTags, type MetadataEvent, type MetadataResult } from "./images/metadata-action.js";
export { evaluateExpressionText, interpolate, type ExprScope } from "./expr/index.js";
export type { Workflow, WorkflowJob, WorkflowSet, Trigger, Step } from "./model.js";
