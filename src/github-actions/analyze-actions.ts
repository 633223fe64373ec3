import type { AnalyzeInput } from "../analysis/analyze.js";
import { changedFilesBetween } from "../analysis/changed-files.js";
import { compareJobs } from "../analysis/compare.js";
import { findHazards, HAZARD_CHECKS, type RevisionView } from "../analysis/hazards/index.js";
import { compareImages, registryImageOf } from "../analysis/images.js";
import type { Analysis, BranchContext, ContextAnalysis } from "../analysis/model.js";
import { changedRecipesIn, findRecipes } from "../analysis/recipes.js";
import { decideVerdict } from "../analysis/verdict.js";
import { revisionInfo, touchesCi } from "../analysis/revision-facts.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { findConcurrencyClashes, type ConcurrencyClash } from "./concurrency.js";
import { concurrencyCancelCheck } from "./concurrency-hazard.js";
import { predictedRun, type PredictedRun } from "../verify/predicted-run.js";
import { chooseActionsContexts, GITHUB_SERVER } from "./contexts.js";
import { IncludeResolver } from "../gitlab-ci/load/include-resolver.js";
import { loadCalled } from "./load-called.js";
import { loadWorkflows } from "./load-workflows.js";
import type { WorkflowSet } from "./model.js";
import { simulateActions, type ActionsRun } from "./simulate.js";

/**
 * Everything the GitHub Actions analysis needs: the inputs of `analyze` it reads (revisions,
 * changed files, settings, real branch names, which branch globs then use), and the pull request.
 */
export interface AnalyzeActionsInput extends Pick<AnalyzeInput, "base" | "head" | "baseSha" | "headSha" | "changedFiles" | "settings" | "branches" | "run" | "tag" | "includeSource"> {
  /** The pull request, when there is one: adds its target and PR contexts. */
  pr?: { source: string; target: string; number?: number; sourceProject?: string };
}

/** The Analysis plus GitHub-only data the shared model has no place for yet. */
export interface ActionsAnalysis extends Analysis {
  /** Per context and side, the concurrency groups runs enter; clashes across contexts in head. */
  concurrency: { clashes: { before: ConcurrencyClash[]; after: ConcurrencyClash[] } };
}

const ASSUMED_REPOSITORY = "owner/repo";
const ASSUMED_DEFAULT_BRANCH = "main";

/**
 * The GitHub Actions dialect of `analyze`: load `.github/workflows/*` on both sides, choose
 * the contexts from the workflows' own filters, simulate every context before and after,
 * then compare and find hazards with the shared analysis code.
 */
export async function analyzeActions(input: AnalyzeActionsInput): Promise<ActionsAnalysis> {
  const { settings } = input;
  const notes: string[] = [];
  const repository = settings.project ?? ASSUMED_REPOSITORY;
  if (!settings.project) notes.push(`the repository is not known; it is assumed to be \`${ASSUMED_REPOSITORY}\``);
  const defaultBranch = settings.defaultBranch ?? ASSUMED_DEFAULT_BRANCH;
  if (!settings.defaultBranch) notes.push(`the default branch is not known; it is assumed to be \`${ASSUMED_DEFAULT_BRANCH}\``);

  // Reusable workflows of other repositories (with the platform's token) and composite actions.
  const remote = input.includeSource ? new IncludeResolver(input.includeSource) : undefined;
  const load = async (source: AnalyzeActionsInput["base"]) => loadCalled(await loadWorkflows(source), source, remote);
  const [baseSet, headSet, changedFiles] = await Promise.all([
    load(input.base),
    load(input.head),
    input.changedFiles ? Promise.resolve([...input.changedFiles].sort()) : changedFilesBetween(input.base, input.head),
  ]);

  const choice = chooseActionsContexts({
    repository,
    defaultBranch,
    // Head first: a branch the change starts to filter on is as much a context as one it drops.
    workflows: [...headSet.workflows, ...baseSet.workflows],
    settings,
    pr: input.pr,
    tag: input.tag,
    run: input.run,
    branches: input.branches,
    changedFiles,
  });
  notes.push(...choice.notes);

  const contexts: ContextAnalysis[] = [];
  const runs: Array<{ context: BranchContext; before: ActionsRun; after: ActionsRun }> = [];
  for (const context of choice.contexts) {
    const before = simulateActions(baseSet, context);
    const after = simulateActions(headSet, context);
    runs.push({ context, before, after });
    const images = compareImages(before.pipeline, after.pipeline, { before: registryImageOf(before.pipeline), after: registryImageOf(after.pipeline) });
    contexts.push({ context, before: before.pipeline, after: after.pipeline, ...compareJobs(before.pipeline, after.pipeline), images });
  }

  const recipes = await findRecipes([input.head, input.base], settings.containers.recipes, contexts, changedFiles);
  const changedRecipes = await changedRecipesIn(input.head, recipes);

  const view = (side: "base" | "head", set: WorkflowSet): RevisionView => {
    const pipelines = runs.map((r) => ({ context: r.context, pipeline: (side === "base" ? r.before : r.after).pipeline }));
    return {
      side,
      loads: !set.diagnostics.some((d) => d.severity === "error"),
      diagnostics: revisionDiagnostics(set, pipelines.map((p) => p.pipeline.errors)),
      includes: [],
      runs: pipelines,
    };
  };
  const baseView = view("base", baseSet);
  const headView = view("head", headSet);
  const clashes = {
    before: findConcurrencyClashes(runs.map((r) => ({ context: r.context, uses: r.before.concurrency }))),
    after: findConcurrencyClashes(runs.map((r) => ({ context: r.context, uses: r.after.concurrency }))),
  };
  const checks = [...HAZARD_CHECKS, concurrencyCancelCheck({ base: clashes.before, head: clashes.after })];
  const hazards = findHazards(baseView, headView, { changedRecipes }, settings.hazards, checks);

  const predictions = input.pr && input.headSha ? headPredictions(headSet, { ...input.pr, headSha: input.headSha, repository, defaultBranch, settings, changedFiles }) : undefined;

  const workflowFiles = new Set([...baseSet.files, ...headSet.files]);
  const ciRelevant = touchesCi(changedFiles, workflowFiles, recipes);
  const verdict = decideVerdict({ contexts, hazards, headLoads: headView.loads, ciRelevant, settings });

  return {
    dialect: "github-actions",
    base: revisionInfo(input.base, input.baseSha, baseView.diagnostics, baseSet.files),
    head: revisionInfo(input.head, input.headSha, headView.diagnostics, headSet.files),
    changedFiles,
    ciRelevant,
    contexts,
    recipes,
    hazards,
    verdict,
    notes,
    concurrency: { clashes },
    ...(predictions ? { predictions } : {}),
  };
}

/**
 * The runs the pull request's head commit itself gets: its `pull_request` runs, and the push of
 * its branch (in this repository; a fork's pushes run in the fork). A push's `paths:` filters
 * compare with the push's `before`, which is not known here, so they stay unknown.
 */
function headPredictions(
  set: WorkflowSet,
  change: { source: string; target: string; number?: number; sourceProject?: string; headSha: string; repository: string; defaultBranch: string; settings: AnalyzeInput["settings"]; changedFiles: string[] },
): PredictedRun[] {
  const base = {
    origin: { kind: "mr-pipeline" as const },
    project: { path: change.repository, defaultBranch: change.defaultBranch },
    server: { ...GITHUB_SERVER },
    variables: { ...change.settings.variables },
    commitSha: change.headSha,
  };
  const ref = { kind: "mr" as const, source: change.source, target: change.target, iid: change.number };
  const pull: BranchContext = { ...base, name: change.source, ref, source: "merge_request_event", event: "pull_request", changedFiles: [...change.changedFiles] };
  const runs = [predictedRun(simulateActions(set, pull).pipeline)];
  if (change.sourceProject === undefined || change.sourceProject === change.repository) {
    runs.push(predictedRun(simulateActions(set, { ...base, name: change.source, ref: { kind: "branch", name: change.source }, source: "push", event: "push" }).pipeline));
  }
  return runs;
}

/** Load errors, plus the errors simulation found (invalid filters, bad expressions), each once. */
function revisionDiagnostics(set: WorkflowSet, perRun: Diagnostic[][]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const d of [...set.diagnostics, ...perRun.flat()]) {
    const key = `${d.code}\0${d.pos?.file}\0${d.pos?.line}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
