import type { Diagnostic } from "../core/diagnostic.js";
import type { FileSource } from "../core/file-source.js";
import type { IncludeSource } from "../core/include-source.js";
import { IncludeResolver } from "../gitlab-ci/load/include-resolver.js";
import { instanceIncludeVariables } from "../gitlab-ci/simulate/predefined-variables.js";
import type { Settings } from "../config/settings.js";
import { contextProject, type RunInputs } from "../gitlab-ci/context.js";
import type { LoadLimits, LoadOptions, LoadResult } from "../gitlab-ci/model.js";
import type { Pipeline, PipelineJob } from "../gitlab-ci/pipeline.js";
import type { ImageBuild } from "../containers/model.js";
import type { SimulateStats } from "../gitlab-ci/simulate/stats.js";
import { ParseCache } from "../gitlab-ci/load/parse-cache.js";
import { SimulationShare } from "../gitlab-ci/simulate/simulation-share.js";
import type { JobOutcome } from "../gitlab-ci/simulate/simulate-config.js";
import { changedFilesBetween } from "./changed-files.js";
import { compareJobs, JobNames } from "./compare.js";
import { chooseContexts } from "./contexts.js";
import { gitlabEngine, type Engine } from "./engine.js";
import { findHazards, type RevisionView } from "./hazards/index.js";
import { compareImages, ImageRefs, registryImageOf } from "./images.js";
import type { AnalysedJob, AnalysedPipeline, Analysis, BranchContext, ContextAnalysis } from "./model.js";
import { FilePresence } from "./file-presence.js";
import { changedRecipesIn, findRecipes } from "./recipes.js";
import { includeVersions } from "./include-versions.js";
import { refMentions, type RefMention } from "./ref-mentions.js";
import { revisionInfo, touchesCi } from "./revision-facts.js";
import { withRunInputs } from "./run-inputs.js";
import { decideVerdict } from "./verdict.js";
import { predictedRun, type PredictedRun } from "../verify/predicted-run.js";

/** Everything `analyze` needs: two revisions behind file sources, and the settings. */
export interface AnalyzeInput {
  base: FileSource;
  head: FileSource;
  baseSha?: string;
  headSha?: string;
  /** Files the change touches, when the platform knows them; otherwise computed from the sources. */
  changedFiles?: string[];
  settings: Settings;
  /** The merge request being analysed, when there is one (adds the MR contexts). */
  mr?: { source: string; target: string; sourceProject?: string; iid?: number };
  /** What the runs have that the files do not show, when given (the CLI's `--sha`, `--pr-number`, ...). */
  run?: RunInputs;
  /** A tag name for the tag contexts (`--tag`), instead of a made-up one. */
  tag?: string;
  /**
   * Real branch names of the repository, when the platform lists them: a regex in the CI rules
   * then gives contexts for real branches (`staging-8.0`) instead of synthesised names.
   */
  branches?: string[];
  /** Counters the simulations add their work to (the benchmark reads them). */
  stats?: SimulateStats;
  /**
   * Parsed files to share with other analyses (a bot answering many changes of one repository).
   * Absent: one cache for this call, so the head reuses every file it shares with the base.
   */
  parseCache?: ParseCache;
  /**
   * Reads project, component, template and remote includes (the GitLab API with the token of
   * whoever runs ci-explain, or a folder of pinned copies). Absent: they stay unread, and the
   * report says so.
   */
  includeSource?: IncludeSource;
  /**
   * Problems found reading the bot's own settings (`.ci-explain.yml`, with file:line). They are
   * carried into `Analysis.settingsDiagnostics` unchanged, so every surface reports them alike.
   */
  settingsDiagnostics?: Diagnostic[];
  /**
   * Reuse a job's simulated result between base and head and across contexts when its definition
   * and every pipeline-level input are equal (the default). `false` simulates every job afresh;
   * the answers are the same (tests check it), only slower.
   */
  shareResults?: boolean;
  /** Guard rails for loading the configuration (gitlab-ci/load/limits.ts); the server sets `maxJobs` from MAX_PIPELINE_JOBS. */
  limits?: Partial<LoadLimits>;
}

/** Used when neither the settings nor the platform name the default branch. */
const ASSUMED_DEFAULT_BRANCH = "main";

/** The one entry point every surface (CLI, GitHub App, GitLab webhook, CI job) calls. */
export async function analyze(input: AnalyzeInput): Promise<Analysis> {
  return analyzeWith(input, gitlabEngine);
}

/** `analyze` on a given engine (tests use hand-built pipelines). */
export async function analyzeWith(input: AnalyzeInput, engine: Engine): Promise<Analysis> {
  const { settings } = input;
  const notes: string[] = [];
  const project = settings.project;
  if (!project) notes.push("the project path is not known; rules that read it are uncertain (set `project:` in .ci-explain.yml, or `--project group/name` on the command line)");
  const defaultBranch = settings.defaultBranch ?? ASSUMED_DEFAULT_BRANCH;
  if (!settings.defaultBranch) notes.push(`the default branch is not known; it is assumed to be \`${ASSUMED_DEFAULT_BRANCH}\``);
  const share = input.shareResults === false ? undefined : new SimulationShare<JobOutcome>();
  const loadOptions: LoadOptions = {
    ciPath: settings.ciConfigPath,
    project,
    parseCache: input.parseCache ?? new ParseCache(),
    includeVariables: instanceIncludeVariables(settings.serverUrl),
    ...(input.limits ? { limits: input.limits } : {}),
    // One resolver for the whole analysis: base, head and every context see the same refs.
    ...(input.includeSource ? { includes: new IncludeResolver(input.includeSource) } : {}),
  };

  const [baseLoad, headLoad, changedFiles] = await Promise.all([
    engine.load(input.base, loadOptions),
    engine.load(input.head, loadOptions),
    input.changedFiles ? Promise.resolve([...input.changedFiles].sort()) : changedFilesBetween(input.base, input.head),
  ]);

  const choice = chooseContexts({
    settings,
    project,
    defaultBranch,
    mr: input.mr,
    tag: input.tag,
    branches: input.branches,
    // Head first: a branch the change starts to test is as much a context as one it stops testing.
    mentions: uniqueMentions([...refMentions(headLoad.config), ...refMentions(baseLoad.config)]),
    changedFiles,
  });
  notes.push(...choice.notes);

  // Files are asked about one by one (FilePresence), never by listing the whole tree.
  const sides = {
    base: { source: input.base, load: baseLoad, sha: input.baseSha, files: new FilePresence(input.base) },
    head: { source: input.head, load: headLoad, sha: input.headSha, files: new FilePresence(input.head) },
  };
  const analysedJobs: AnalysedJobs = new WeakMap();
  const simulateSide = async (side: keyof typeof sides, context: BranchContext): Promise<AnalysedPipeline> => {
    const { source, load, files } = sides[side];
    // No `commitSha`: a push to `staging-8.0` would not run at the analysed commit (and a merge
    // makes a new one), so CI_COMMIT_SHA stays unknown. A tag `:$CI_COMMIT_SHA` then differs by
    // nothing between base and head, and never makes two branches collide.
    const pipeline = hasRootFile(load, settings.ciConfigPath)
      ? await engine.simulate(load, context, source, loadOptions, input.stats, share)
      : noConfiguration(context, settings.ciConfigPath);
    return await withBuilds(pipeline, engine, files, analysedJobs);
  };

  const contexts: ContextAnalysis[] = [];
  const imageRefs = new ImageRefs();
  const jobNames = new JobNames();
  for (const chosen of choice.contexts) {
    const context = withRunInputs(chosen, input.run, "gitlab-ci");
    const [before, after] = await Promise.all([simulateSide("base", context), simulateSide("head", context)]);
    const images = compareImages(before, after, { before: registryImageOf(before), after: registryImageOf(after) }, imageRefs);
    contexts.push({ context, before, after, ...compareJobs(before, after, jobNames), images });
  }
  notes.push(...assumedUnsetNotes(contexts));

  // duplicate-pipelines: the MR source branch pushed while its MR is open, next to the MR pipeline.
  const mrRun = contexts.find((c) => c.context.origin.kind === "mr-pipeline" && c.context.ref.kind === "mr");
  const probeFor = async (side: keyof typeof sides): Promise<RevisionView["openMrProbe"]> => {
    if (!mrRun || mrRun.context.ref.kind !== "mr") return undefined;
    const branch = mrRun.context.ref.source;
    const push: BranchContext = {
      ...mrRun.context,
      name: branch,
      ref: { kind: "branch", name: branch },
      source: "push",
      hasOpenMergeRequest: true,
    };
    return { branch, branchPush: await simulateSide(side, push), mrPipeline: side === "base" ? mrRun.before : mrRun.after };
  };

  const recipes = await findRecipes([input.head, input.base], settings.containers.recipes, contexts, changedFiles);
  const changedRecipes = await changedRecipesIn(input.head, recipes);

  const view = async (side: keyof typeof sides): Promise<RevisionView> => {
    const { load } = sides[side];
    const runs = contexts.map((c) => ({ context: c.context, pipeline: side === "base" ? c.before : c.after }));
    const diagnostics = revisionDiagnostics(load, runs.map((r) => r.pipeline), settings.ciConfigPath);
    return {
      side,
      loads: !load.diagnostics.some((d) => d.severity === "error") || !hasRootFile(load, settings.ciConfigPath),
      diagnostics,
      includes: load.config.includes,
      runs,
      openMrProbe: await probeFor(side),
      imageRefs,
    };
  };
  const [baseView, headView] = await Promise.all([view("base"), view("head")]);
  const hazards = findHazards(baseView, headView, { changedRecipes }, settings.hazards);

  const predictions =
    input.mr && input.headSha
      ? await headPredictions({ mr: input.mr, headSha: input.headSha, project, defaultBranch, settings, changedFiles, mrRun }, (context) =>
          engine.simulate(headLoad, context, input.head, loadOptions, input.stats, share),
        )
      : undefined;

  const ciFiles = new Set([...baseLoad.config.files, ...headLoad.config.files, settings.ciConfigPath]);
  const ciRelevant = touchesCi(changedFiles, ciFiles, recipes);
  const verdict = decideVerdict({ contexts, hazards, headLoads: headView.loads, ciRelevant, settings });

  const includesRead = includeVersions(baseLoad.config.includes, headLoad.config.includes);
  return {
    dialect: "gitlab-ci",
    base: revisionInfo(input.base, input.baseSha, baseView.diagnostics, baseLoad.config.files),
    head: revisionInfo(input.head, input.headSha, headView.diagnostics, headLoad.config.files),
    changedFiles,
    ciRelevant,
    contexts,
    recipes,
    hazards,
    verdict,
    notes,
    ...(includesRead.length > 0 ? { includesRead } : {}),
    ...(input.settingsDiagnostics?.length ? { settingsDiagnostics: input.settingsDiagnostics } : {}),
    ...(predictions ? { predictions } : {}),
  };
}

/**
 * What the head commit itself gets, as GitLab would run it: the MR pipeline (the analysis's own
 * MR context when it has one), and the push of the source branch with its MR open. That push
 * compares `changes:` with the branch's previous push, which is not known here, so it stays unknown.
 */
async function headPredictions(
  change: {
    mr: NonNullable<AnalyzeInput["mr"]>;
    headSha: string;
    project: string | undefined;
    defaultBranch: string;
    settings: Settings;
    changedFiles: string[];
    mrRun: ContextAnalysis | undefined;
  },
  simulate: (context: BranchContext) => Promise<Pipeline>,
): Promise<PredictedRun[]> {
  const { mr, settings } = change;
  const base = {
    project: contextProject(change.project, change.defaultBranch),
    server: { url: settings.serverUrl, registry: settings.registry },
    variables: { ...settings.variables },
    commitSha: change.headSha,
    origin: { kind: "mr-pipeline" as const },
  };
  const mrPipeline =
    change.mrRun?.after ??
    (await simulate({
      ...base,
      name: mr.source,
      ref: { kind: "mr", source: mr.source, target: mr.target, sourceProject: mr.sourceProject, iid: mr.iid },
      source: "merge_request_event",
      changedFiles: [...change.changedFiles],
    }));
  // A fork's branch pushes run in the fork, with the fork's variables: not this project's pipeline.
  if (mr.sourceProject !== undefined && mr.sourceProject !== change.project) return [predictedRun(mrPipeline)];
  const push = await simulate({ ...base, name: mr.source, ref: { kind: "branch", name: mr.source }, source: "push", hasOpenMergeRequest: true });
  return [predictedRun(mrPipeline), predictedRun(push)];
}

/**
 * One simulated pipeline with the images each job builds and pushes, found as `analyze` finds
 * them (what `simulate` shows).
 */
export function findPipelineBuilds(pipeline: Pipeline, source: FileSource): Promise<AnalysedPipeline> {
  return withBuilds(pipeline, gitlabEngine, new FilePresence(source), new WeakMap());
}

/** Scans after which a recipe path still unchecked counts as absent: a tool tries at most two places. */
const MAX_BUILD_SCANS = 4;

/**
 * The builds of every job. The scan asks synchronously whether a recipe path exists; paths it
 * asks about that are not yet checked are read, and the jobs scanned again with the answers.
 */
async function withBuilds(pipeline: Pipeline, engine: Engine, files: FilePresence, analysed: AnalysedJobs): Promise<AnalysedPipeline> {
  for (let scan = 1; ; scan++) {
    const asked = new Set<string>();
    const view = files.view(asked);
    const builds = pipeline.jobs.map((job) => engine.builds(job, pipeline, view));
    if (asked.size === 0 || scan === MAX_BUILD_SCANS) return { ...pipeline, jobs: pipeline.jobs.map((job, i) => analysedJob(analysed, job, builds[i])) };
    await Promise.all([...asked].map((path) => files.exists(path)));
  }
}

/** Copies of jobs whose builds differ from those they carry, by job. */
type AnalysedJobs = WeakMap<PipelineJob, AnalysedJob>;

/**
 * A job with its builds. The simulation made the job for this analysis, so it takes its builds
 * in place: a copy of every job of every pipeline was a large part of the analysis's memory. A
 * job result shared between base, head and contexts (SimulationShare) keeps the builds of the
 * first pipeline; the same builds (the scan memo returns the same array) give the same object,
 * so the comparison sees the two sides are one job; other builds (a recipe only one revision has)
 * give a copy, made once per job and builds.
 */
function analysedJob(analysed: AnalysedJobs, job: PipelineJob, builds: ImageBuild[]): AnalysedJob {
  if (!hasBuilds(job)) {
    // Set in place, without the temporary object Object.assign would take for every job.
    const analysed: PipelineJob & { builds?: ImageBuild[] } = job;
    analysed.builds = builds;
    return analysed as AnalysedJob;
  }
  if (job.builds === builds) return job;
  const known = analysed.get(job);
  if (known && known.builds === builds) return known;
  // Not `{ ...job, builds }`: a spread-then-add copy gets a hidden class of its own.
  const made: AnalysedJob = Object.assign({}, job, { builds });
  analysed.set(job, made);
  return made;
}

function hasBuilds(job: PipelineJob): job is AnalysedJob {
  return "builds" in job;
}

/**
 * A revision without the root CI file has no CI at all: no pipeline anywhere, and that is not a
 * configuration error (a change that adds CI does not "fix" anything; one that removes it loses
 * pipelines).
 */
function hasRootFile(load: LoadResult, root: string): boolean {
  return !load.diagnostics.some((d) => d.code === "file-missing" && d.pos?.file === root);
}

function noConfiguration(context: BranchContext, root: string): Pipeline {
  return {
    context,
    created: false,
    creation: "certain",
    notCreated: { reason: "no-jobs", message: `there is no ${root} in this revision` },
    unknownInputs: [],
    assumedUnset: [],
    variables: {},
    stages: [],
    jobs: [],
    excluded: [],
    errors: [],
    warnings: [],
  };
}

/**
 * The revision's errors: the loader's, plus those that make pipeline creation fail in some
 * context (a rule with an invalid regex, a validation error), each said once.
 */
function revisionDiagnostics(load: LoadResult, pipelines: AnalysedPipeline[], root: string): Diagnostic[] {
  if (!hasRootFile(load, root)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (d: Diagnostic) => {
    const key = `${d.code}\0${d.pos?.file}\0${d.pos?.line}\0${d.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(d);
  };
  load.diagnostics.forEach(add);
  for (const p of pipelines) if (p.notCreated?.reason === "config-error") p.errors.forEach(add);
  return out;
}

/**
 * The variables defined nowhere that decided something (`Pipeline.assumedUnset`), in one note:
 * they are taken as unset, as GitLab treats them, and a reader sees what to declare. Variables
 * assumed in the same contexts are named together.
 */
function assumedUnsetNotes(contexts: ContextAnalysis[]): string[] {
  const where = new Map<string, string[]>();
  for (const { context, before, after } of contexts) {
    for (const name of new Set([...before.assumedUnset, ...after.assumedUnset])) {
      let list = where.get(name);
      if (!list) where.set(name, (list = []));
      list.push(context.name);
    }
  }
  if (where.size === 0) return [];
  const byContexts = new Map<string, string[]>();
  for (const [name, names] of where) {
    const key = names.length === contexts.length ? "every branch context" : names.map((n) => `\`${n}\``).join(", ");
    let vars = byContexts.get(key);
    if (!vars) byContexts.set(key, (vars = []));
    vars.push(`\`${name}\``);
  }
  const groups = [...byContexts].map(([on, vars]) => `${vars.join(", ")} (${on})`);
  return [`variables defined nowhere (YAML, .ci-explain.yml, command line) are taken as unset, as GitLab does: ${groups.join("; ")}; declare in .ci-explain.yml \`variables\` those the project sets`];
}

function uniqueMentions(mentions: RefMention[]): RefMention[] {
  const seen = new Set<string>();
  return mentions.filter((m) => {
    const key = `${m.target}\0${m.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
