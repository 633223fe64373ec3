import { parseArgs } from "node:util";
import { formatDiagnostic } from "../../../core/diagnostic.js";
import { PIPELINE_SOURCES, type PipelineContext, type PipelineSource, type RefSpec } from "../../../gitlab-ci/context.js";
import { simulatePipeline } from "../../../gitlab-ci/simulate/index.js";
import { loadSettings } from "../../../config/load-settings.js";
import { UsageError, type CliCommand } from "../command.js";
import { openRepository, openRevision, repositoryFacts } from "../open-source.js";
import { checkProjectPath, parseFormat, parseVarFlags } from "../parse-options.js";
import { pipelineJson } from "../pipeline-json.js";
import { describeRef, renderPipelineText } from "../pipeline-text.js";

/** The project path used when none is given: a placeholder, so CI_PROJECT_* are still defined. */
export const PLACEHOLDER_PROJECT = "group/project";

const usage = `Usage: ci-explain simulate [--repo DIR] [--rev REV] (--branch NAME | --tag NAME | --mr SOURCE:TARGET)
                           [--source SOURCE] [--project NAMESPACE/NAME] [--default-branch NAME]
                           [--var NAME=VALUE]... [--changed FILE]... [--open-mr] [--mr-iid N]
                           [--ci-path PATH] [--format text|json] [--job NAME]
                           [--dialect gitlab-ci|github-actions|auto] [--event NAME] [--pr SOURCE:TARGET]

Predicts the pipeline GitLab creates for one ref: whether it is created at all
(workflow:rules), which jobs it has, each job's stage, when, allow_failure, image and
variables, and the rule that decided it (file:line, rule index, the if: text and the
values it saw). Values GitLab knows but a static reading cannot (commit message,
project variables you did not give) are shown as «$NAME» and make a decision
"uncertain" instead of being guessed.

Options:
  --repo DIR             the repository (default: the current directory)
  --rev REV              read the configuration at this git revision (default HEAD; WORKTREE:
                         the files on disk, committed or not); a revision also sets
                         CI_COMMIT_SHA. A DIR outside git is always read from disk.
  --branch NAME          a branch pipeline (default: the default branch)
  --tag NAME             a tag pipeline
  --mr SOURCE:TARGET     a merge request pipeline from branch SOURCE into TARGET
  --source SOURCE        CI_PIPELINE_SOURCE: push (default for --branch/--tag),
                         merge_request_event (implied by --mr), schedule, web, api,
                         trigger, pipeline, parent_pipeline, chat, webide, external
  --project PATH         the project's namespace/name (default: the origin remote's path,
                         else ${PLACEHOLDER_PROJECT}); e.g. a
                         fork's path to see what a fork's pipeline does
  --default-branch NAME  CI_DEFAULT_BRANCH (default: the repository's origin/HEAD
                         branch when it has one, else main)
  --var NAME=VALUE       a project/group/pipeline variable (wins over YAML variables);
                         --var NAME without "=" unsets a variable
  --changed FILE         a changed file for rules:changes (repeat); without any,
                         changes: in push and MR pipelines is reported as unknown
  --open-mr              the branch has an open merge request (CI_OPEN_MERGE_REQUESTS is
                         then set; without this flag it is not)
  --mr-iid N             the merge request's number (CI_MERGE_REQUEST_IID)
  --ci-path PATH         the CI configuration file (default: .gitlab-ci.yml)
  --format text|json     output format (default: text)
  --job NAME             explain one job in full: every rule in order with the values it
                         read, when, allow_failure, image, and where each variable came from
  --dialect D            gitlab-ci or github-actions; auto (default) takes the one the
                         revision has, and asks when it has both
GitHub Actions (.github/workflows):
  --pr SOURCE:TARGET     a pull_request run from branch SOURCE into TARGET (--mr works too;
                         --mr-iid gives the PR number)
  --event NAME           github.event_name: push (default), pull_request (implied by --pr),
                         pull_request_target, schedule, workflow_dispatch, release (needs --tag)
  Prints which workflows start and why, then their jobs in the same shape as a GitLab
  pipeline (stage = workflow name, job = "workflow / job"), and the concurrency groups.

Exit codes: 0 the configuration loads (even when no pipeline is created),
1 the configuration has errors (the output is still printed), 2 wrong usage.`;

export const simulateCommand: CliCommand = {
  name: "simulate",
  summary: "predict the pipeline GitLab creates for one branch, tag or merge request",
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        repo: { type: "string" },
        rev: { type: "string" },
        branch: { type: "string" },
        tag: { type: "string" },
        mr: { type: "string" },
        source: { type: "string" },
        project: { type: "string" },
        "default-branch": { type: "string" },
        var: { type: "string", multiple: true, default: [] },
        changed: { type: "string", multiple: true, default: [] },
        "open-mr": { type: "boolean", default: false },
        "mr-iid": { type: "string" },
        "ci-path": { type: "string" },
        format: { type: "string", default: "text" },
        job: { type: "string" },
        dialect: { type: "string", default: "auto" },
        event: { type: "string" },
        pr: { type: "string" },
      },
    });
    const format = parseFormat(values.format, ["text", "json"]);
    const refs = [values.branch, values.tag, values.mr].filter((v) => v !== undefined);
    if (refs.length > 1) throw new UsageError("give only one of --branch, --tag and --mr");
    checkProjectPath(values.project);
    if (values.source !== undefined && !(PIPELINE_SOURCES as readonly string[]).includes(values.source)) {
      throw new UsageError(`--source must be one of ${PIPELINE_SOURCES.join(", ")}`);
    }
    let iid: number | undefined;
    if (values["mr-iid"] !== undefined) {
      iid = Number(values["mr-iid"]);
      if (!Number.isInteger(iid) || iid < 1) throw new UsageError("--mr-iid must be a positive number");
    }
    const variables = Object.fromEntries(parseVarFlags(values.var, true));

    const repo = await openRepository(io.cwd, values.repo);
    const { source, sha: commitSha } = await openRevision(repo, values.rev);
    const facts = await repositoryFacts(repo);
    // The repository's .ci-explain.yml says what YAML cannot (project, instance, project
    // variables); flags win over it, and it wins over what git guesses.
    const { settings, diagnostics: settingsProblems } = await loadSettings(source);
    for (const d of settingsProblems) io.stderr(`${formatDiagnostic(d)}\n`);
    const defaultBranch = values["default-branch"] ?? settings.defaultBranch ?? facts.defaultBranch ?? "main";
    const project = values.project ?? settings.project ?? facts.project;
    const isFork = settings.project !== undefined && project !== settings.project;
    // Loaded when this command runs: `analyze` imports this module (for its JSON) and needs neither.
    const { chooseSimulateDialect, runActionsSimulation } = await import("../simulate-actions.js");
    const dialect = await chooseSimulateDialect(values.dialect, source, values["ci-path"] ?? ".gitlab-ci.yml");
    if (dialect === "github-actions") {
      if (values.mr !== undefined && values.pr !== undefined) throw new UsageError("give only one of --pr and --mr");
      if (values.source !== undefined || values["open-mr"]) throw new UsageError("--source and --open-mr are GitLab CI options; use --event");
      return runActionsSimulation(
        { source, commitSha, branch: values.branch, tag: values.tag, pr: values.pr ?? values.mr, prNumber: iid, event: values.event, project, defaultBranch, variables, changed: values.changed, format },
        io,
      );
    }
    if (values.event !== undefined || values.pr !== undefined) throw new UsageError("--event and --pr are GitHub Actions options (--dialect github-actions)");
    let ref: RefSpec;
    if (values.mr !== undefined) {
      const colon = values.mr.indexOf(":");
      if (colon <= 0 || colon === values.mr.length - 1) throw new UsageError(`--mr must be SOURCE:TARGET, not "${values.mr}"`);
      ref = { kind: "mr", source: values.mr.slice(0, colon), target: values.mr.slice(colon + 1), ...(iid ? { iid } : {}) };
    } else if (values.tag !== undefined) ref = { kind: "tag", name: values.tag };
    else ref = { kind: "branch", name: values.branch ?? defaultBranch };
    const pipelineSource = (values.source ?? (ref.kind === "mr" ? "merge_request_event" : "push")) as PipelineSource;
    if (ref.kind === "mr" && pipelineSource !== "merge_request_event") throw new UsageError("--mr pipelines have --source merge_request_event");
    if (ref.kind !== "mr" && pipelineSource === "merge_request_event") throw new UsageError("--source merge_request_event needs --mr SOURCE:TARGET");

    const context: PipelineContext = {
      ref,
      source: pipelineSource,
      project: { path: project ?? PLACEHOLDER_PROJECT, defaultBranch },
      server: { url: settings.serverUrl, registry: settings.registry },
      // A fork has its own project variables, not upstream's (see docs/configuration.md).
      variables: { ...(isFork ? settings.forkVariables : settings.variables), ...(variables as Record<string, string>) },
      ...(commitSha ? { commitSha } : {}),
      ...(values.changed.length ? { changedFiles: values.changed } : {}),
      // Without --open-mr the branch is taken to have no open MR (CI_OPEN_MERGE_REQUESTS unset).
      hasOpenMergeRequest: values["open-mr"],
    };
    const pipeline = await simulatePipeline(source, context, values["ci-path"] ? { ciPath: values["ci-path"] } : {});
    if (values.job !== undefined && format === "text") {
      const { renderExplainText } = await import("../../../report/index.js");
      io.stdout(renderExplainText({ pipeline, contextName: describeRef(pipeline), job: values.job }));
    } else {
      const json = pipelineJson(pipeline);
      const shown = values.job === undefined ? json : { ...json, jobs: json.jobs.filter((j) => j.name === values.job) };
      io.stdout(format === "json" ? `${JSON.stringify(shown, null, 2)}\n` : renderPipelineText(pipeline));
    }
    return pipeline.errors.length > 0 ? 1 : 0;
  },
};
