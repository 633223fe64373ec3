import { formatDiagnostic } from "../../../core/diagnostic.js";
import { contextProject, PIPELINE_SOURCES, type PipelineContext, type PipelineSource, type RefSpec } from "../../../gitlab-ci/context.js";
import { simulatePipeline } from "../../../gitlab-ci/simulate/index.js";
import { loadSettings } from "../../../config/load-settings.js";
import { findPipelineBuilds } from "../../../analysis/analyze.js";
import { UsageError, type CliCommand } from "../command.js";
import { openRepository, openRevision, repositoryFacts } from "../open-source.js";
import { readBaseSettings } from "../base-settings.js";
import { INCLUDE_OPTIONS, INCLUDE_OPTIONS_HELP, cliIncludeSource } from "../include-options.js";
import { IncludeResolver } from "../../../gitlab-ci/load/include-resolver.js";
import { optionsHelp, parseCommandLine } from "../options.js";
import { checkProjectPath, parseFormat, parseVarFlags, splitRefPair } from "../parse-options.js";
import { pipelineJson } from "../pipeline-json.js";
import { describeRef, renderPipelineText } from "../pipeline-text.js";
import { payloadRepository, readRunInputs } from "../run-inputs.js";
import { renderSimulation } from "../simulation-output.js";

const GITLAB_OPTIONS = ["repo", "rev", "branch", "tag", "mr", "source", "project", "default-branch", "var", "changed", "open-mr", "ci-path", "format", "job", "dialect"] as const;
const RUN_OPTIONS = ["sha", "pr-number", "mr-iid", "pr-head-sha", "now"] as const;
const ACTIONS_OPTIONS = ["pr", "event", "event-payload"] as const;
const OPTION_NAMES = [...GITLAB_OPTIONS, ...RUN_OPTIONS, ...ACTIONS_OPTIONS, ...INCLUDE_OPTIONS] as const;

const usage = `Usage: ci-explain simulate [--repo DIR] [--rev REV] (--branch NAME | --tag NAME | --mr SOURCE:TARGET)
                           [--source SOURCE] [--project NAMESPACE/NAME] [--default-branch NAME]
                           [--var NAME=VALUE]... [--changed FILE]... [--open-mr] [--mr-iid N]
                           [--ci-path PATH] [--format text|json] [--job NAME]
                           [--sha SHA] [--pr-number N] [--pr-head-sha SHA] [--now TIME]
                           [--dialect gitlab-ci|github-actions|auto] [--event NAME] [--pr SOURCE:TARGET]
                           [--event-payload FILE] [--include-dir DIR] [--gitlab-url URL]

Predicts the pipeline GitLab creates for one ref: whether it is created at all
(workflow:rules), which jobs it has, each job's stage, when, allow_failure, image,
variables and the images it builds and pushes, and the rule that decided it (file:line,
rule index, the if: text and the values it saw). Values GitLab knows but a static reading
cannot (commit message, project variables you did not give) are shown as «$NAME» and make
a decision "uncertain" instead of being guessed.

Options:
${optionsHelp(GITLAB_OPTIONS, {
  rev: "read the configuration at this git revision (default HEAD; WORKTREE:\nthe files on disk, committed or not); a revision also sets\nCI_COMMIT_SHA. A DIR outside git is always read from disk.",
  branch: "a branch pipeline (default: the default branch)",
  project: `the project's namespace/name (default: the origin remote's path;\nwithout one, rules reading CI_PROJECT_* are uncertain);\ne.g. a fork's path to see what a fork's pipeline does`,
  "default-branch": "CI_DEFAULT_BRANCH (default: the repository's origin/HEAD\nbranch when it has one, else main)",
  var: 'a project/group/pipeline variable (wins over YAML variables);\n--var NAME without "=" unsets a variable',
  format: "text (default) or json",
  job: "explain one job in full: every rule in order with the values it\nread, when, allow_failure, image, pushes, and where each variable\ncame from",
  dialect: "gitlab-ci or github-actions; auto (default) takes the one the\nrevision has, and asks when it has both",
})}
What a real run has (both dialects):
${optionsHelp(RUN_OPTIONS, { sha: "the run's commit (CI_COMMIT_SHA, github.sha; default: --rev's commit)" })}
GitHub Actions (.github/workflows):
${optionsHelp(ACTIONS_OPTIONS, {
  pr: "a pull_request run from branch SOURCE into TARGET (--mr works too)",
  event: "github.event_name: push (default), pull_request (implied by --pr),\npull_request_target, schedule, workflow_dispatch, release (needs --tag)",
})}
  Prints which workflows start and why, then their jobs in the same shape as a GitLab
  pipeline (stage = workflow name, job = "workflow / job"), and the concurrency groups.

${INCLUDE_OPTIONS_HELP}

Exit codes: 0 the configuration loads (even when no pipeline is created),
1 the configuration has errors (the output is still printed), 2 wrong usage.`;

export const simulateCommand: CliCommand = {
  name: "simulate",
  summary: "predict the pipeline GitLab creates for one branch, tag or merge request",
  usage,
  options: OPTION_NAMES,
  async run(args, io) {
    const { values } = parseCommandLine(args, OPTION_NAMES);
    const format = parseFormat(values.format ?? "text", ["text", "json"]);
    const branch = values.branch.at(-1);
    const refs = [branch, values.tag, values.mr].filter((v) => v !== undefined);
    if (refs.length > 1) throw new UsageError("give only one of --branch, --tag and --mr");
    checkProjectPath(values.project);
    if (values.source !== undefined && !(PIPELINE_SOURCES as readonly string[]).includes(values.source)) {
      throw new UsageError(`--source must be one of ${PIPELINE_SOURCES.join(", ")}`);
    }
    const run = await readRunInputs(values, io.cwd);
    const variables = Object.fromEntries(parseVarFlags(values.var, true));

    const repo = await openRepository(io.cwd, values.repo);
    const { source, sha: revSha } = await openRevision(repo, values.rev);
    const facts = await repositoryFacts(repo);
    // The repository's .ci-explain.yml says what YAML cannot (project, instance, project
    // variables); flags win over it, and it wins over what git guesses.
    const { settings, diagnostics: settingsProblems } = await loadSettings(source);
    const analysed = { serverUrl: settings.serverUrl };
    // The GitLab the includes are read from is the project's instance: CI_SERVER_* follow it.
    if (values["gitlab-url"] !== undefined) settings.serverUrl = values["gitlab-url"];
    for (const d of settingsProblems) io.stderr(`${formatDiagnostic(d)}\n`);
    // Loaded when this command runs: `analyze` imports this module (for its JSON) and needs neither.
    const { chooseSimulateDialect, runActionsSimulation } = await import("../simulate-actions.js");
    const dialect = await chooseSimulateDialect(values.dialect ?? "auto", source, values["ci-path"] ?? ".gitlab-ci.yml");
    if (dialect === "github-actions") {
      if (values.mr !== undefined && values.pr !== undefined) throw new UsageError("give only one of --pr and --mr");
      if (values.source !== undefined || values["open-mr"]) throw new UsageError("--source and --open-mr are GitLab CI options; use --event");
      // A payload names the repository too: it wins over what the settings and git guess.
      const fromPayload = payloadRepository(run.eventPayload);
      return runActionsSimulation(
        {
          source,
          revSha,
          branch,
          tag: values.tag,
          pr: values.pr ?? values.mr,
          run,
          project: values.project ?? fromPayload.project ?? settings.project ?? facts.project,
          defaultBranch: values["default-branch"] ?? fromPayload.defaultBranch ?? settings.defaultBranch ?? facts.defaultBranch ?? "main",
          variables,
          changed: values.changed,
          format,
          job: values.job,
        },
        io,
      );
    }
    if (values.event !== undefined || values.pr !== undefined || values["event-payload"] !== undefined) {
      throw new UsageError("--event, --event-payload and --pr are GitHub Actions options (--dialect github-actions)");
    }
    const defaultBranch = values["default-branch"] ?? settings.defaultBranch ?? facts.defaultBranch ?? "main";
    const project = values.project ?? settings.project ?? facts.project;
    const isFork = settings.project !== undefined && project !== settings.project;
    let ref: RefSpec;
    if (values.mr !== undefined) {
      const { source: from, target } = splitRefPair("--mr", values.mr);
      ref = { kind: "mr", source: from, target, ...(run.prNumber ? { iid: run.prNumber } : {}) };
    } else if (values.tag !== undefined) ref = { kind: "tag", name: values.tag };
    else ref = { kind: "branch", name: branch ?? defaultBranch };
    const pipelineSource = (values.source ?? (ref.kind === "mr" ? "merge_request_event" : "push")) as PipelineSource;
    if (ref.kind === "mr" && pipelineSource !== "merge_request_event") throw new UsageError("--mr pipelines have --source merge_request_event");
    if (ref.kind !== "mr" && pipelineSource === "merge_request_event") throw new UsageError("--source merge_request_event needs --mr SOURCE:TARGET");

    const commitSha = run.sha ?? revSha;
    const context: PipelineContext = {
      ref,
      source: pipelineSource,
      // Without a path, CI_PROJECT_* are set to values not known here: rules reading them are uncertain.
      project: contextProject(project, defaultBranch),
      server: { url: settings.serverUrl, registry: settings.registry },
      // A fork has its own project variables, not upstream's (see docs/configuration.md).
      variables: { ...(isFork ? settings.forkVariables : settings.variables), ...(variables as Record<string, string>) },
      ...(commitSha ? { commitSha } : {}),
      ...(run.prHeadSha ? { prHeadSha: run.prHeadSha } : {}),
      ...(run.now ? { now: run.now } : {}),
      ...(values.changed.length ? { changedFiles: values.changed } : {}),
      // Without --open-mr the branch is taken to have no open MR (CI_OPEN_MERGE_REQUESTS unset).
      hasOpenMergeRequest: values["open-mr"],
    };
    const includeSource = await cliIncludeSource(values, io, {
      analysed,
      base: () => readBaseSettings(repo, { rev: values.rev, defaultBranch: values["default-branch"] ?? facts.defaultBranch }),
      project,
    });
    const simulated = await simulatePipeline(source, context, {
      ...(values["ci-path"] ? { ciPath: values["ci-path"] } : {}),
      ...(includeSource ? { includes: new IncludeResolver(includeSource) } : {}),
    });
    // The images each job builds and pushes, found in its script as `analyze` finds them.
    const pipeline = await findPipelineBuilds(simulated, source);
    io.stdout(await renderSimulation(pipeline, { format, job: values.job, contextName: describeRef(pipeline), json: pipelineJson, text: renderPipelineText }));
    return pipeline.errors.length > 0 ? 1 : 0;
  },
};
