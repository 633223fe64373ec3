import { diagnosticJson, formatDiagnostic } from "../../../core/diagnostic.js";
import { plural } from "../../../core/plural.js";
import { loadConfig } from "../../../gitlab-ci/index.js";
import { validateConfig } from "../../../gitlab-ci/simulate/validate-config.js";
import type { LoadResult } from "../../../gitlab-ci/model.js";
import { UsageError, type CliCommand } from "../command.js";
import { openRepository, openRevision, WORKTREE } from "../open-source.js";
import { optionsHelp, parseCommandLine } from "../options.js";
import { checkProjectPath, parseFormat } from "../parse-options.js";
import { readBaseSettings } from "../base-settings.js";
import { cliIncludeSource, INCLUDE_OPTIONS, INCLUDE_OPTIONS_HELP } from "../include-options.js";
import { IncludeResolver } from "../../../gitlab-ci/load/include-resolver.js";
import { instanceIncludeVariables } from "../../../gitlab-ci/simulate/predefined-variables.js";
import { loadSettings } from "../../../config/load-settings.js";

const REVISION_OPTIONS = ["repo", "rev", "ci-path", "project", "format"] as const;
const OPTION_NAMES = [...REVISION_OPTIONS, ...INCLUDE_OPTIONS] as const;

const usage = `Usage: ci-explain jobs [--repo DIR] [--rev REV] [--ci-path PATH] [--project NAMESPACE/NAME] [--format text|json]
                     [--include-dir DIR] [--gitlab-url URL]

Lists the jobs of the assembled GitLab CI configuration at one revision: includes,
extends, !reference and default: applied, before any rule is evaluated. Hidden (.name)
jobs are templates and are not listed. Exit code 0 when the configuration loads, 1 when
it has errors (the list is still printed), 2 for wrong usage or an unknown revision.

Options:
${optionsHelp(REVISION_OPTIONS, {
  repo: "a git repository (default: the current directory). When DIR is\nnot the top of a git repository, its files are read as they are\non disk.",
  project: "the project's path: include:project of this project is read\nfrom the same repository; other projects' includes are reported\nas not analysed unless the options below say where to read them.",
  format: 'text (default) or json: {"jobs":[{"name","stage","source":\n{"file","line"},"extends"}],"errors":[…],"warnings":[…]}',
})}

${INCLUDE_OPTIONS_HELP}`;

export const jobsCommand: CliCommand = {
  name: "jobs",
  summary: "list the jobs of the assembled GitLab CI configuration at one revision",
  usage,
  options: OPTION_NAMES,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(args, OPTION_NAMES, { positionals: true });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const format = parseFormat(values.format ?? "text", ["text", "json"]);
    checkProjectPath(values.project);
    const repo = await openRepository(io.cwd, values.repo);
    if (!repo.isGit && values.rev === undefined) io.stderr(`ci-explain jobs: ${repo.dir} is not a git repository; reading its files as they are on disk\n`);
    const { source } = await openRevision(repo, values.rev);
    const ref = values.rev === WORKTREE ? undefined : values.rev;
    const { settings } = await loadSettings(source);
    const analysed = { serverUrl: settings.serverUrl };
    if (values["gitlab-url"] !== undefined) settings.serverUrl = values["gitlab-url"];
    const includeSource = await cliIncludeSource(values, io, {
      analysed,
      base: () => readBaseSettings(repo, { rev: values.rev }),
      project: values.project ?? settings.project,
    });
    const loaded = await loadConfig(source, {
      ciPath: values["ci-path"],
      project: values.project,
      ref,
      includeVariables: instanceIncludeVariables(settings.serverUrl),
      ...(includeSource ? { includes: new IncludeResolver(includeSource) } : {}),
    });
    // GitLab rejects these when it reads the file, whatever the branch: invalid `if:`
    // expressions, `needs:` on jobs that do not exist, `when: delayed` without `start_in`.
    const result = { ...loaded, diagnostics: [...loaded.diagnostics, ...validateConfig(loaded.config)] };
    io.stdout(format === "json" ? renderJson(result) : renderText(result, source.label));
    return result.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
  },
};

function renderJson(result: LoadResult): string {
  const jobs = result.config.jobs.map((j) => ({
    name: j.name,
    stage: j.stage.value,
    source: { file: j.pos.file, line: j.pos.line },
    extends: j.extends,
  }));
  const errors = result.diagnostics.filter((d) => d.severity === "error").map(diagnosticJson);
  const warnings = result.diagnostics.filter((d) => d.severity === "warning").map(diagnosticJson);
  return `${JSON.stringify({ jobs, errors, warnings }, null, 2)}\n`;
}

function renderText(result: LoadResult, label: string): string {
  const { config } = result;
  const lines = [`${config.root} at ${label}: ${plural(config.jobs.length, "job")} from ${plural(config.files.length, "file")}`];
  for (const stage of config.stages) {
    const jobs = config.jobs.filter((j) => j.stage.value === stage.value);
    if (jobs.length === 0) continue;
    lines.push("", `stage ${stage.value}`);
    const width = Math.max(...jobs.map((j) => j.name.length));
    for (const j of jobs) {
      const ext = j.extends.length > 0 ? `  extends ${j.extends.join(", ")}` : "";
      lines.push(`  ${j.name.padEnd(width)}  ${j.pos.file}:${j.pos.line}${ext}`);
    }
  }
  const orphans = config.jobs.filter((j) => !config.stages.some((s) => s.value === j.stage.value));
  if (orphans.length > 0) {
    lines.push("", "unknown stage");
    for (const j of orphans) lines.push(`  ${j.name} (${j.stage.value})  ${j.pos.file}:${j.pos.line}`);
  }
  if (result.diagnostics.length > 0) lines.push("", ...result.diagnostics.map(formatDiagnostic));
  return `${lines.join("\n")}\n`;
}
