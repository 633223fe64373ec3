import { presentDialects, parseDialectChoice, type Dialect } from "../../analysis/analyze-repository.js";
import type { BranchContext } from "../../analysis/model.js";
import type { FileSource } from "../../core/file-source.js";
import type { RefSpec } from "../../gitlab-ci/context.js";
import { GITHUB_SERVER, loadCalled, loadWorkflows, simulateActions, sourceOf, type ActionsRun } from "../../github-actions/index.js";
import { PR_EVENTS } from "../../github-actions/events.js";
import { UsageError, type CliIo } from "./command.js";
import { splitRefPair } from "./parse-options.js";
import { pipelineJson } from "./pipeline-json.js";
import { renderPipelineText } from "./pipeline-text.js";
import { checkEvent, payloadRef, type RunInputs } from "./run-inputs.js";
import { renderSimulation } from "./simulation-output.js";

/** Used when no --project is given: a placeholder, so `github.repository` is still defined. */
const PLACEHOLDER_REPOSITORY = "owner/repo";


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
  /** The commit `--rev` read. */
  revSha?: string;
  branch?: string;
  tag?: string;
  /** `SOURCE:TARGET` from --pr (or --mr). */
  pr?: string;
  run: RunInputs;
  project?: string;
  defaultBranch: string;
  variables: Record<string, string | undefined>;
  changed: string[];
  format: "text" | "json";
  job?: string;
}

/** One ref's run of every workflow: which start and why, their jobs, and concurrency groups. */
export async function runActionsSimulation(o: ActionsSimulation, io: CliIo): Promise<number> {
  const { run } = o;
  const event = run.event ?? (o.pr !== undefined ? "pull_request" : "push");
  checkEvent(event);
  if (o.pr !== undefined && (o.branch !== undefined || o.tag !== undefined)) throw new UsageError("give only one of --branch, --tag and --pr");
  // With no ref given, the payload's own (a PR's head and base, a release's tag, a push's ref)
  // wins over the default branch.
  const given: RefSpec | undefined =
    o.pr !== undefined
      ? { kind: "mr", ...splitRefPair("--pr", o.pr) }
      : o.tag !== undefined
        ? { kind: "tag", name: o.tag }
        : o.branch !== undefined
          ? { kind: "branch", name: o.branch }
          : payloadRef(run.eventPayload, event);
  const isPr = PR_EVENTS.includes(event);
  if (isPr !== (given?.kind === "mr")) {
    throw new UsageError(`--event ${event} ${isPr ? "needs --pr SOURCE:TARGET (or a payload with pull_request.head.ref and base.ref)" : "cannot be used with --pr"}`);
  }
  if (event === "release" && given?.kind !== "tag") throw new UsageError("--event release needs --tag NAME (or a payload with release.tag_name)");
  const base = given ?? { kind: "branch", name: o.defaultBranch };
  const ref: RefSpec = base.kind === "mr" && run.prNumber !== undefined ? { ...base, iid: run.prNumber } : base;

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
    ...(o.revSha ? { commitSha: o.revSha } : {}),
    ...runInputsOf(run),
    ...(o.changed.length ? { changedFiles: o.changed } : {}),
  };
  // Composite actions of the repository are read; reusable workflows of other repositories are
  // not (the CLI makes no network call for them).
  const set = await loadCalled(await loadWorkflows(o.source), o.source, undefined);
  const simulated = simulateActions(set, context);
  // Load errors and warnings belong to this output as much as the simulation's own.
  const pipeline = {
    ...simulated.pipeline,
    errors: [...set.diagnostics.filter((d) => d.severity === "error"), ...simulated.pipeline.errors],
    warnings: [...set.diagnostics.filter((d) => d.severity !== "error"), ...simulated.pipeline.warnings],
  };
  io.stdout(
    await renderSimulation(pipeline, {
      format: o.format,
      job: o.job,
      contextName: context.name,
      json: (p) => actionsJson(simulated, p, event),
      text: (p) => renderActionsText(simulated, p, event),
    }),
  );
  return pipeline.errors.length > 0 ? 1 : 0;
}

/** The run inputs a GitHub Actions context carries (`--sha` is `github.sha` on every event). */
function runInputsOf(run: RunInputs): Partial<BranchContext> {
  return {
    ...(run.sha ? { runSha: run.sha } : {}),
    ...(run.prHeadSha ? { prHeadSha: run.prHeadSha } : {}),
    ...(run.now ? { now: run.now } : {}),
    ...(run.eventPayload ? { eventPayload: run.eventPayload } : {}),
  };
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
