import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Analysis, AnalysedPipeline, ContextAnalysis } from "../../../analysis/model.js";
import { loadSettings } from "../../../config/load-settings.js";
import type { Settings } from "../../../config/settings.js";
import { closestName } from "../../../core/closest-name.js";
import { formatDiagnostic, type Diagnostic } from "../../../core/diagnostic.js";
import { formatPos } from "../../../core/pos.js";
import type { FileSource } from "../../../core/file-source.js";
import { UsageError, type CliCommand } from "../command.js";
import { knownBranches, mergeBase, openRepository, openRevision, repositoryFacts, resolvableRev, type Repository } from "../open-source.js";
import { readBaseSettings } from "../base-settings.js";
import { INCLUDE_OPTIONS, INCLUDE_OPTIONS_HELP, cliIncludeSource } from "../include-options.js";
import { optionsHelp, parseCommandLine } from "../options.js";
import { checkProjectPath, parseFormat, parseVarFlags, splitRefPair } from "../parse-options.js";
import { readRunInputs } from "../run-inputs.js";
import { pipelineJson } from "../pipeline-json.js";
import type { ReportOptions } from "../../../report/options.js";

const REPORT_OPTIONS = ["repo", "base", "head", "config", "branch", "project", "default-branch", "var", "format", "dialect", "explain", "job"] as const;
const RUN_OPTIONS = ["mr", "pr", "tag", "sha", "pr-number", "mr-iid", "pr-head-sha", "now", "event", "event-payload"] as const;
const OPTION_NAMES = [...REPORT_OPTIONS, ...RUN_OPTIONS, ...INCLUDE_OPTIONS] as const;

const usage = `Usage: ci-explain analyze [--repo DIR] [--base REV] [--head REV] [--config FILE]
                          [--branch NAME]... [--project NAMESPACE/NAME] [--default-branch NAME]
                          [--var NAME=VALUE]... [--format markdown|text|json]
                          [--dialect gitlab-ci|github-actions|auto]
                          [--explain BRANCH|CONTEXT [--job NAME]]
                          [--mr SOURCE:TARGET] [--tag NAME] [--sha SHA] [--pr-number N]
                          [--pr-head-sha SHA] [--now TIME] [--event NAME [--event-payload FILE]]
                          [--include-dir DIR] [--gitlab-url URL]

Compares the GitLab CI of two revisions, per branch context (the default branch, the
branches the CI's own rules test, an MR pipeline, a tag, a fork push): whether a pipeline
is created, which jobs run and how, which container images are built and pushed under
which tags, which jobs run in them, and the hazards a CI maintainer must not miss.

Options:
${optionsHelp(REPORT_OPTIONS, {
  repo: "the git repository (default: the current directory)",
  branch: "a real branch name of the project (repeat); CI rules that test a\nregex then use matching real names (default: the branches git\nknows locally and on origin)",
  var: "a project variable GitLab would inject (repeat); wins over\n.ci-explain.yml's `variables`",
  format: "markdown (default; the comment the bot posts, or with --explain\nits /ci-explain reply), text (the same for a terminal) or json",
  job: "with --explain: only this job (a job of that context, before or\nafter the change)",
  dialect: 'gitlab-ci (.gitlab-ci.yml), github-actions (.github/workflows)\nor auto (default): every dialect either revision has, each\nunder its own heading (JSON: one object, or {"analyses": [...]}\nwhen there are several)',
})}
What the runs have that the files do not show (the same names as for simulate):
${optionsHelp(RUN_OPTIONS, {
  mr: "the merge/pull request being reviewed: adds its target branch and\nan MR (PR) pipeline from SOURCE",
  pr: "the same as --mr",
  tag: "the tag of tag pushes and releases (default: one the rules name,\nelse a made-up v1.0.0)",
  sha: "every run's commit (CI_COMMIT_SHA, github.sha)",
  event: "GitHub Actions: the event --event-payload is the payload of; a run\nof it is analysed even when no workflow's trigger makes one",
})}

${INCLUDE_OPTIONS_HELP}

Exit codes: 0 the head configuration loads, 1 it has errors (the report is still
printed), 2 wrong usage.`;

export const analyzeCommand: CliCommand = {
  name: "analyze",
  summary: "compare the CI of two revisions per branch: jobs, images, tags and hazards",
  usage,
  options: OPTION_NAMES,
  async run(args, io) {
    const { values } = parseCommandLine(args, OPTION_NAMES);
    if (values.job !== undefined && values.explain === undefined) throw new UsageError("--job goes with --explain");
    // Most of the start-up is loading the analysis (the YAML parser, the simulation, the regex
    // engine): it loads while git answers the first questions, which need none of it. The
    // questions are only asked early; every answer (and so every failure) is awaited where it
    // was before, after the options are checked, so an error reads as it did.
    const analysis = loadAnalysis();
    const headRev = values.head ?? "HEAD";
    const repoAsked = openRepository(io.cwd, values.repo);
    const gitAsked = repoAsked.then((repo) =>
      // Two revisions and a merge-base: analyze needs git (`--head WORKTREE` compares the disk).
      repo.isGit ? askGit(repo, values, headRev, io.cwd) : undefined,
    );
    gitAsked.catch(() => undefined); // reported when awaited below
    const { analyzeRepository, parseDialectChoice, applyCommand, isAskedContext } = await analysis;
    const dialect = parseDialectChoice(values.dialect ?? "auto");
    if (!dialect) throw new UsageError(`--dialect must be gitlab-ci, github-actions or auto, not "${values.dialect}"`);
    const format = parseFormat(values.format ?? "markdown", ["markdown", "text", "json"]);
    checkProjectPath(values.project);
    if (values.mr !== undefined && values.pr !== undefined) throw new UsageError("give only one of --pr and --mr");
    const change = values.mr ?? values.pr;
    const mr = change !== undefined ? splitRefPair(values.mr !== undefined ? "--mr" : "--pr", change) : undefined;
    if (values["event-payload"] !== undefined && values.event === undefined) throw new UsageError("--event-payload needs --event NAME: the event it is the payload of");
    const run = await readRunInputs(values, io.cwd);
    const variables = Object.fromEntries(parseVarFlags(values.var, false));
    const repo = await repoAsked;
    const git = await gitAsked;
    if (!git) throw new UsageError(`--repo ${repo.dir}: not the top of a git repository`);
    const { factsAsked, branchesAsked, baseAsked, headAsked, settingsAsked } = git;

    const head = await headAsked;
    const loaded = await settingsAsked;
    for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    const settings: Settings = { ...loaded.settings, variables: { ...loaded.settings.variables, ...variables } };
    const facts = await factsAsked;
    settings.project = values.project ?? settings.project ?? facts.project;
    settings.defaultBranch = values["default-branch"] ?? settings.defaultBranch ?? facts.defaultBranch;

    let baseRev = values.base;
    // Where the base came from, to say it when there is nothing to compare.
    let baseFrom = `--base ${values.base}`;
    if (baseRev === undefined) {
      const target = (await resolvableRev(repo, settings.defaultBranch ?? "")) ?? (await resolvableRev(repo, `origin/${settings.defaultBranch}`));
      if (!target) throw new UsageError(`no --base given and the default branch "${settings.defaultBranch}" is not in ${repo.dir}`);
      baseRev = await mergeBase(repo, head.sha ?? "HEAD", target);
      if (!baseRev) throw new UsageError(`no --base given and ${headRev} has no merge-base with ${target}`);
      baseFrom = `the merge-base of ${headRev} with ${target}`;
    }
    const base = await (baseAsked ?? openRevision(repo, baseRev));
    const branches = await branchesAsked;

    const analysed = { serverUrl: settings.serverUrl };
    // The GitLab the includes are read from is the project's instance: CI_SERVER_* follow it.
    if (values["gitlab-url"] !== undefined) settings.serverUrl = values["gitlab-url"];
    const includeSource = await cliIncludeSource(values, io, {
      analysed,
      base: () => readBaseSettings(repo, { rev: headRev, base: values.base, defaultBranch: values["default-branch"] ?? facts.defaultBranch }),
      project: settings.project,
    });
    const input = {
      ...(includeSource ? { includeSource } : {}),
      base: base.source,
      head: head.source,
      ...(base.sha ? { baseSha: base.sha } : {}),
      ...(head.sha ? { headSha: head.sha } : {}),
      branches,
      dialect,
      settingsDiagnostics: loaded.diagnostics,
      ...(mr ? { mr: { ...mr, ...(run.prNumber !== undefined ? { iid: run.prNumber } : {}) } } : {}),
      run,
      ...(values.tag !== undefined ? { tag: values.tag } : {}),
    };
    let analyses = await analyzeRepository({ ...input, settings });
    let failed = analyses.some((a) => a.head.diagnostics.some((d) => d.severity === "error"));
    if (values.explain !== undefined) {
      const question = { targets: [values.explain], job: values.job, variables: {} };
      // A context the report shows (`tag v1.0.0`, a branch the rules name) is explained as it
      // was analysed; any other name is asked the way `/ci-explain BRANCH` asks: as a branch push.
      let asked = analyses.flatMap((a) => a.contexts.filter((c) => isAskedContext(c, question.targets)));
      if (asked.length === 0) {
        analyses = await analyzeRepository({ ...input, settings: applyCommand(settings, question) });
        failed = analyses.some((a) => a.head.diagnostics.some((d) => d.severity === "error"));
        asked = analyses.flatMap((a) => a.contexts);
      }
      if (values.job !== undefined) checkJobAsked(values.job, asked);
      if (format === "json") io.stdout(`${JSON.stringify({ contexts: asked.map(contextJson) }, null, 2)}\n`);
      else if (format === "text") {
        const { renderExplainText } = await import("../../../report/index.js");
        for (const ctx of asked) io.stdout(renderExplainText({ pipeline: ctx.after, contextName: ctx.context.name, job: values.job, changes: ctx.changes, redecided: ctx.redecided }));
      } else {
        // The reply the `/ci-explain` command gets, word for word.
        const { renderExplainReply } = await import("../../../platforms/change-report.js");
        io.stdout(withFinalNewline(renderExplainReply(analyses, question, head.sha ?? headRev, reportOptions(analyses, values.config !== undefined))));
      }
      return failed ? 1 : 0;
    }
    const options = reportOptions(analyses, values.config !== undefined);
    // The same commit on both sides (HEAD on the default branch): no change to report, but the
    // configuration's own errors are still said, and how to name the revision before the change.
    if (format !== "json" && base.sha !== undefined && base.sha === head.sha) {
      io.stdout(nothingToCompare(base.sha, baseFrom, headRev, analyses));
      return failed ? 1 : 0;
    }
    if (format === "json") {
      const json = analyses.length === 1 ? analysisJson(analyses[0]) : { analyses: analyses.map(analysisJson) };
      io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      // The report modules are loaded only for a report, and the JSON is built only for JSON.
      const { renderCombinedComment, renderCombinedCommentText } = await import("../../../report/combined.js");
      io.stdout(format === "text" ? renderCombinedCommentText(analyses, options) : withFinalNewline(renderCombinedComment(analyses, options)));
    }
    return failed ? 1 : 0;
  },
};

/** A repository with only GitHub Actions is reviewed on pull requests: say "PR", not "MR". */
function reportOptions(analyses: readonly Analysis[], configGiven: boolean): ReportOptions {
  return { platform: analyses.every((a) => a.dialect === "github-actions") ? "github" : "gitlab", settingsFrom: configGiven ? "given" : "head" };
}

/** What `analyze` says when base and head are one commit: what was compared, how to choose, and the errors. */
function nothingToCompare(sha: string, baseFrom: string, headRev: string, analyses: readonly Analysis[]): string {
  const errors = analyses.flatMap((a) => a.head.diagnostics.filter((d) => d.severity === "error"));
  return [
    `ci-explain: nothing to compare — the base (${baseFrom}) and the head (${headRev}) are the same commit, ${sha.slice(0, 12)}.`,
    "Name the revision before the change with --base: `--base HEAD~1` for the last commit, `--base <branch>` for all since that branch.",
    ...(errors.length > 0 ? ["", "The CI configuration at this commit does not load:", ...errors.map((d) => `  ${formatDiagnostic(d)}`)] : []),
    "",
  ].join("\n");
}

/** Text a terminal prints ends with a newline (a comment body does not need one). */
export function withFinalNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

/**
 * `--job NAME` must name a job of an explained context, before or after the change (the one
 * the command asks about may be one the change removes); otherwise it is a usage error that
 * says which jobs there are, or which one was probably meant.
 */
function checkJobAsked(job: string, asked: readonly ContextAnalysis[]): void {
  const names = new Set<string>();
  for (const ctx of asked) {
    for (const p of [ctx.after, ctx.before]) {
      for (const j of p.jobs) names.add(j.name).add(j.baseName ?? j.name);
      for (const e of p.excluded) names.add(e.name);
    }
  }
  if (names.has(job)) return;
  const where = asked.map((c) => c.context.name).join(", ") || "the explained context";
  const meant = closestName(job, names);
  const jobs = [...names].sort();
  const hint = meant ? `; did you mean ${meant}?` : jobs.length > 0 ? `; its jobs: ${jobs.slice(0, 10).join(", ")}${jobs.length > 10 ? ` and ${jobs.length - 10} more` : ""}` : "; it has no jobs";
  throw new UsageError(`--job ${job}: no such job in ${where}${hint}`);
}

/** The modules the analysis itself needs: loaded by `import()` so that git can start first. */
async function loadAnalysis() {
  const [repository, command, asked] = await Promise.all([
    import("../../../analysis/analyze-repository.js"),
    import("../../../commands/apply-command.js"),
    import("../../../commands/asked-contexts.js"),
  ]);
  return {
    analyzeRepository: repository.analyzeRepository,
    parseDialectChoice: repository.parseDialectChoice,
    applyCommand: command.applyCommand,
    isAskedContext: asked.isAskedContext,
  };
}

/**
 * Git questions that do not depend on each other, asked at once (the user waits for each
 * process); each answer is awaited where it is used. A promise nobody may await (a usage error
 * comes first) is marked handled: its failure is reported when it is awaited, or not at all.
 */
function askGit(
  repo: Repository,
  values: { base?: string; branch: string[]; project?: string; "default-branch"?: string; config?: string },
  headRev: string,
  cwd: string,
) {
  const handled = <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => undefined);
    return p;
  };
  const headAsked = handled(openRevision(repo, headRev));
  return {
    factsAsked: handled(repositoryFacts(repo, { defaultBranch: values["default-branch"] === undefined, project: values.project === undefined })),
    branchesAsked: handled(values.branch.length > 0 ? Promise.resolve(values.branch) : knownBranches(repo)),
    baseAsked: values.base !== undefined ? handled(openRevision(repo, values.base)) : undefined,
    headAsked,
    settingsAsked: handled(headAsked.then((head) => readSettings(head.source, values.config, cwd))),
  };
}

// ---- JSON ----------------------------------------------------------------------------------

function contextJson(c: ContextAnalysis) {
  const ref = c.context.ref;
  return {
    name: c.context.name,
    ref: ref.kind === "mr" ? { kind: "mr", source: ref.source, target: ref.target } : ref,
    source: c.context.source,
    project: c.context.project.pathUnknown === undefined ? c.context.project.path : null,
    origin: c.context.origin,
    before: pipelineJson(c.before),
    after: pipelineJson(c.after),
    changes: c.changes.map((ch) => ({ job: ch.job, kind: ch.kind, fields: ch.fields })),
    redecided: (c.redecided ?? []).map((ch) => ({ job: ch.job, fields: ch.fields })),
    images: c.images,
  };
}

export function analysisJson(a: Analysis) {
  const diag = (d: Diagnostic) => ({ message: d.message, file: d.pos?.file ?? null, line: d.pos?.line ?? null, code: d.code, severity: d.severity });
  return {
    dialect: a.dialect,
    base: { label: a.base.label, sha: a.base.sha ?? null, errors: a.base.diagnostics.map(diag) },
    head: { label: a.head.label, sha: a.head.sha ?? null, errors: a.head.diagnostics.map(diag) },
    changedFiles: a.changedFiles,
    ciRelevant: a.ciRelevant,
    contexts: a.contexts.map(contextJson),
    recipes: a.recipes,
    hazards: a.hazards.map((h) => ({ ...h, source: h.source ? { file: h.source.file, line: h.source.line } : null })),
    verdict: a.verdict,
    notes: a.notes ?? [],
    includesRead: a.includesRead ?? [],
  };
}

async function readSettings(head: FileSource, file: string | undefined, cwd: string) {
  if (file === undefined) return loadSettings(head);
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), "utf8");
  } catch {
    throw new UsageError(`--config ${file}: cannot read the file`);
  }
  // Loaded here, not up front: the validator is large and most runs have no settings file.
  const { parseSettingsText } = await import("../../../config/parse-settings.js");
  return parseSettingsText(text, file);
}

