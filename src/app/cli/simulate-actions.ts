import { presentDialects, parseDialectChoice, type Dialect } from "../../analysis/analyze-repository.js";
import type { BranchContext } from "../../analysis/model.js";
import type { FileSource } from "../../core/file-source.js";
import type { RefSpec } from "../../gitlab-ci/context.js";
import { GITHUB_SERVER, loadWorkflows, simulateActions, sourceOf, type ActionsRun } from "../../github-actions/index.js";
import { UsageError, type CliIo } from "./command.js";
import { pipelineJson } from "./pipeline-json.js";
import { renderPipelineText } from "./pipeline-text.js";

/** Used when no --project is given: a placeholder, so `github.repository` is still defined. */
const PLACEHOLDER_REPOSITORY = "owner/repo";

/** Events a GitHub Actions simulation can stand for (the ones the context chooser models). */
const EVENTS = ["push", "pull_request", "pull_request_target", "schedule", "workflow_dispatch", "release"] as const;
const PR_EVENTS: readonly string[] = ["pull_request", "pull_request_target"];

/**
 * The dialect `simulate` reads. `auto` takes the one the revision has; with both a
 * `.gitlab-ci.yml` and workflows one run would mix two unrelated pipelines, so it asks.
 */
export async function chooseSimulateDialect(choice: string, source: FileSource, ciPath: string): Promise<Dialect> {
  const parsed = parseDialectChoice(choice);
  if (!parsed) throw new UsageError(`--dialect must be gitlab-ci, github-actions or auto, not "${choice}"`);
  if (parsed !== "auto") return parsed;
  const present = await presentDialects([source], ciPath);
  if (present.length > 1) throw new UsageError(`this revision has both ${ciPath} and .github/workflows: choose one with --dialect gitlab-ci or --dialect github-actions`);
  return present[0] ?? "gitlab-ci";
}

export interface ActionsSimulation {
  source: FileSource;
  commitSha?: string;
  branch?: string;
  tag?: string;
  /** `SOURCE:TARGET` from --pr (or --mr). */
  pr?: string;
  prNumber?: number;
  event?: string;
  project?: string;
  defaultBranch: string;
  variables: Record<string, string | undefined>;
  changed: string[];
  format: "text" | "json";
}

/** One ref's run of every workflow: which start and why, their jobs, and concurrency groups. */
export async function runActionsSimulation(o: ActionsSimulation, io: CliIo): Promise<number> {
  const event = o.event ?? (o.pr !== undefined ? "pull_request" : "push");
  if (!(EVENTS as readonly string[]).includes(event)) throw new UsageError(`--event must be one of ${EVENTS.join(", ")}`);
  if (PR_EVENTS.includes(event) !== (o.pr !== undefined)) throw new UsageError(`--event ${event} ${o.pr === undefined ? "needs --pr SOURCE:TARGET" : "cannot be used with --pr"}`);
  if (o.pr !== undefined && (o.branch !== undefined || o.tag !== undefined)) throw new UsageError("give only one of --branch, --tag and --pr");
  if (event === "release" && o.tag === undefined) throw new UsageError("--event release needs --tag NAME");

  let ref: RefSpec;
  if (o.pr !== undefined) {
    const colon = o.pr.indexOf(":");
    if (colon <= 0 || colon === o.pr.length - 1) throw new UsageError(`--pr must be SOURCE:TARGET, not "${o.pr}"`);
    ref = { kind: "mr", source: o.pr.slice(0, colon), target: o.pr.slice(colon + 1), ...(o.prNumber ? { iid: o.prNumber } : {}) };
  } else if (o.tag !== undefined) ref = { kind: "tag", name: o.tag };
  else ref = { kind: "branch", name: o.branch ?? o.defaultBranch };

  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.variables)) if (v !== undefined) variables[k] = v;
  const context: BranchContext = {
    name: ref.kind === "mr" ? `PR ${ref.source} → ${ref.target}` : `${ref.kind} ${ref.name}`,
    origin: { kind: "command" },
    ref,
    source: sourceOf(event),
    event,
    project: { path: o.project ?? PLACEHOLDER_REPOSITORY, defaultBranch: o.defaultBranch },
    server: { ...GITHUB_SERVER },
    variables,
    ...(o.commitSha ? { commitSha: o.commitSha } : {}),
    ...(o.changed.length ? { changedFiles: o.changed } : {}),
  };
  const set = await loadWorkflows(o.source);
  const run = simulateActions(set, context);
  // Load errors and warnings belong to this output as much as the simulation's own.
  const pipeline = {
    ...run.pipeline,
    errors: [...set.diagnostics.filter((d) => d.severity === "error"), ...run.pipeline.errors],
    warnings: [...set.diagnostics.filter((d) => d.severity !== "error"), ...run.pipeline.warnings],
  };
  io.stdout(o.format === "json" ? `${JSON.stringify(actionsJson(run, pipeline, event), null, 2)}\n` : renderActionsText(run, pipeline, event));
  return pipeline.errors.length > 0 ? 1 : 0;
}

function actionsJson(run: ActionsRun, pipeline: ActionsRun["pipeline"], event: string) {
  return {
    dialect: "github-actions",
    event,
    workflows: run.workflows.map((w) => ({
      file: w.file,
      name: w.name,
      triggered: w.decision.triggered,
      explanation: w.decision.explanation,
      line: w.decision.pos?.line ?? null,
    })),
    ...pipelineJson(pipeline),
    concurrency: run.concurrency.map((c) => ({
      workflow: c.workflow,
      job: c.job ?? null,
      group: c.group.text,
      known: c.group.known,
      cancelInProgress: c.cancelInProgress,
      file: c.pos.file,
      line: c.pos.line,
    })),
  };
}

const RUNS: Record<string, string> = { true: "runs", false: "does not run", unknown: "may run" };

function renderActionsText(run: ActionsRun, pipeline: ActionsRun["pipeline"], event: string): string {
  const lines = [`Workflows for ${event} (${run.workflows.length}):`];
  for (const w of run.workflows) lines.push(`  ${w.name} (${w.file}): ${RUNS[String(w.decision.triggered)]} — ${w.decision.explanation}`);
  if (run.workflows.length === 0) lines.push("  none: there is no .github/workflows/*.yml or *.yaml in this revision");
  for (const c of run.concurrency) {
    const cancel = c.cancelInProgress === true ? ", cancels the run in progress" : c.cancelInProgress === "unknown" ? ", cancel-in-progress unknown" : "";
    lines.push(`  concurrency: ${c.job ?? c.workflow} enters group ${c.group.text}${c.group.known ? "" : " (partly unknown)"}${cancel}`);
  }
  return `${lines.join("\n")}\n\n${renderPipelineText(pipeline)}`;
}
