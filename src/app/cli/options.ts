import { parseArgs } from "node:util";
import { closestName } from "../../core/closest-name.js";
import { UnknownOptionError, UsageError } from "./usage-error.js";

/**
 * Every option of every `ci-explain` command, in one table: its name, whether it takes a value
 * (once, or repeated) and what it means. A command lists the names it accepts; parsing, the
 * options part of its `--help` and the words of a usage error all come from here, so an option
 * means the same everywhere it is accepted, and no name is spelt twice.
 */
export interface OptionSpec {
  /** `string`: one value (given twice, the last wins); `strings`: repeatable, in order; `boolean`: a flag. */
  kind: "string" | "strings" | "boolean";
  /** How the value is shown in help: `DIR`, `NAME=VALUE`. */
  value?: string;
  /** What the option does, for commands that do not say it their own way (lines split at `\n`). */
  help: string;
  /** Another spelling of the same input: the two may not disagree. */
  sameAs?: string;
}

export const OPTIONS = {
  repo: { kind: "string", value: "DIR", help: "the repository (default: the current directory)" },
  rev: {
    kind: "string",
    value: "REV",
    help: "the revision to read (default HEAD; WORKTREE: the files on disk,\ncommitted or not). A DIR outside git is always read from disk.",
  },
  base: { kind: "string", value: "REV", help: "the revision before the change (default: the merge-base of\n--head with the default branch)" },
  head: { kind: "string", value: "REV", help: "the revision after the change (default: HEAD; WORKTREE: the\nfiles on disk, committed or not)" },
  config: { kind: "string", value: "FILE", help: "a .ci-explain.yml to use instead of the one in the head revision" },
  "ci-path": { kind: "string", value: "PATH", help: "the root CI file (default: .gitlab-ci.yml)" },
  project: { kind: "string", value: "PATH", help: "the project's namespace/name (default: .ci-explain.yml's\n`project`, else the origin remote's path)" },
  "default-branch": { kind: "string", value: "NAME", help: "the default branch (default: .ci-explain.yml's\n`default_branch`, else origin/HEAD, else main or master)" },
  dialect: {
    kind: "string",
    value: "D",
    help: "gitlab-ci (.gitlab-ci.yml), github-actions (.github/workflows)\nor auto (default)",
  },
  format: { kind: "string", value: "F", help: "output format" },
  branch: { kind: "strings", value: "NAME", help: "a branch" },
  tag: { kind: "string", value: "NAME", help: "a tag pipeline (GitHub Actions: a tag push, or the release's tag\nwith --event release)" },
  mr: { kind: "string", value: "SOURCE:TARGET", help: "a merge request from branch SOURCE into TARGET" },
  pr: { kind: "string", value: "SOURCE:TARGET", help: "a pull request from branch SOURCE into TARGET (--mr works too)" },
  source: {
    kind: "string",
    value: "SOURCE",
    help: "CI_PIPELINE_SOURCE: push (default for --branch/--tag),\nmerge_request_event (implied by --mr), schedule, web, api,\ntrigger, pipeline, parent_pipeline, chat, webide, external",
  },
  var: { kind: "strings", value: "NAME=VALUE", help: "a project/group/pipeline variable (repeat)" },
  changed: {
    kind: "strings",
    value: "FILE",
    help: "a changed file for rules:changes and paths: filters (repeat);\nwithout any, changes: in push and MR pipelines is unknown",
  },
  "open-mr": {
    kind: "boolean",
    help: "the branch has an open merge request (CI_OPEN_MERGE_REQUESTS is\nthen set; without this flag it is not)",
  },
  job: { kind: "string", value: "NAME", help: "only this job" },
  explain: {
    kind: "string",
    value: "NAME",
    help: "instead of the report, explain one branch (or a context named\nin .ci-explain.yml) after the change: every job, the rules in\norder with the values they saw, when, image, pushes, variables\nand where each came from (as the /ci-explain command does)",
  },
  // What a real run has and the files do not show: the same names on `simulate` and `analyze`.
  sha: { kind: "string", value: "SHA", help: "the run's commit (github.sha, CI_COMMIT_SHA)" },
  "pr-number": {
    kind: "string",
    value: "N",
    help: "the pull/merge request's number (github.event.number,\nCI_MERGE_REQUEST_IID)",
  },
  "mr-iid": { kind: "string", value: "N", help: "the merge request's number: the same as --pr-number", sameAs: "pr-number" },
  "pr-head-sha": {
    kind: "string",
    value: "SHA",
    help: "the pull request's head commit (github.event.pull_request.head.sha,\nwhat DOCKER_METADATA_PR_HEAD_SHA tags)",
  },
  now: {
    kind: "string",
    value: "TIME",
    help: "when the run starts, ISO 8601 (2024-05-01T12:00:00Z): the clock of\ndocker/metadata-action's {{date}}; without it the date is unknown",
  },
  event: {
    kind: "string",
    value: "NAME",
    help: "github.event_name: push, pull_request, pull_request_target,\nschedule, workflow_dispatch, release (needs --tag)",
  },
  "event-payload": {
    kind: "string",
    value: "FILE",
    help: "the event's webhook payload (JSON), as GitHub sends it: it is\ngithub.event, and what it holds (ref, after, number,\npull_request.head.sha, inputs, ...) wins over the defaults",
  },
  // eval
  unknown: { kind: "strings", value: "NAME", help: "a value that cannot be known (repeat)" },
  json: { kind: "boolean", help: "print the result as JSON" },
  context: {
    kind: "strings",
    value: "PATH=VALUE",
    help: "a value of an expression context, e.g. github.ref=refs/heads/main\n(repeat; the value is a string)",
  },
  "context-file": {
    kind: "string",
    value: "FILE",
    help: "contexts as JSON, e.g. {\"github\": {\"event\": {...}}, \"matrix\": {...}};\nwhat it holds is complete (a property it lacks is null)",
  },
  // verify; and where analyze, simulate and jobs read other projects' includes
  "gitlab-url": { kind: "string", value: "URL", help: "the GitLab instance (default: https://gitlab.com)" },
  "include-dir": {
    kind: "string",
    value: "DIR",
    help: "read other projects' includes from pinned copies laid out\n<project path>/<ref>/<file> (no network)",
  },
  "github-url": {
    kind: "string",
    value: "URL",
    help: "the GitHub API (default: https://api.github.com; GitHub Enterprise\nServer: https://HOST/api/v3)",
  },
  // demo, gitlab-mr, serve
  markdown: { kind: "boolean", help: "print the comment's markdown instead of the terminal rendering" },
  out: { kind: "string", value: "DIR", help: "where to write comment.md and analysis.json (default: a new temporary\nfolder each run)" },
  "dry-run": { kind: "boolean", help: "print the note instead of posting it (no token needed)" },
  port: { kind: "string", value: "N", help: "port to listen on (default: $PORT, else 3000; 0 picks a free port)" },
  host: { kind: "string", value: "ADDRESS", help: "address to bind (default: $HOST, else 0.0.0.0, every interface)" },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

type ValueOf<S> = S extends { kind: "boolean" } ? boolean : S extends { kind: "strings" } ? string[] : string | undefined;

/** The parsed options of a command: a flag is false and a repeatable option `[]` when not given. */
export type OptionValues<N extends OptionName> = { [K in N]: ValueOf<(typeof OPTIONS)[K]> };

/** Every option name (for a suggestion when one is misspelt). */
export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

/**
 * Parse a command's arguments against the options it accepts (`names`, all from the table). An
 * option it does not accept, a missing value or (without `positionals`) a bare word is a usage
 * error, as Node's `parseArgs` reports it.
 */
/** `parseArgs`, with an unknown option said as such, with the one probably meant. */
function parseOrExplain(args: string[], config: Record<string, { type: "string" | "boolean"; multiple?: boolean }>, positionals: boolean, names: readonly OptionName[]) {
  try {
    return parseArgs({ args, options: config, strict: true, allowPositionals: positionals });
  } catch (err) {
    const given = err instanceof TypeError && "code" in err && err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'(-{1,2}[^'=]+)/.exec(err.message)?.[1] : undefined;
    if (given === undefined) throw err;
    const meant = closestName(given.replace(/^-+/, ""), names);
    const elsewhere = !meant && (OPTION_NAMES as readonly string[]).includes(given.replace(/^-+/, ""));
    throw new UnknownOptionError(`unknown option ${given}${meant ? `; did you mean --${meant}?` : elsewhere ? " (another command takes it)" : ""}`);
  }
}

export function parseCommandLine<N extends OptionName>(
  args: string[],
  names: readonly N[],
  { positionals = false }: { positionals?: boolean } = {},
): { values: OptionValues<N>; positionals: string[] } {
  const config: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
  for (const name of names) {
    const spec: OptionSpec = OPTIONS[name];
    config[name] = spec.kind === "boolean" ? { type: "boolean" } : spec.kind === "strings" ? { type: "string", multiple: true } : { type: "string" };
  }
  const parsed = parseOrExplain(args, config, positionals, names);
  const values: Record<string, string | string[] | boolean | undefined> = {};
  for (const name of names) {
    const spec: OptionSpec = OPTIONS[name];
    const given = parsed.values[name] as string | string[] | boolean | undefined;
    values[name] = given ?? (spec.kind === "boolean" ? false : spec.kind === "strings" ? [] : undefined);
  }
  for (const name of names) {
    const spec: OptionSpec = OPTIONS[name];
    const other = spec.sameAs as OptionName | undefined;
    if (other === undefined || values[name] === undefined || !(names as readonly OptionName[]).includes(other)) continue;
    if (values[other] !== undefined && values[other] !== values[name]) throw new UsageError(`--${name} and --${other} are one input and disagree`);
    values[other] = values[name];
  }
  return { values: values as OptionValues<N>, positionals: parsed.positionals };
}

const HELP_COLUMN = 25;

/**
 * The options part of a command's `--help`: each option with its value placeholder, then what
 * it does; `help` says it the command's own way where the table's words are too general (and,
 * where its value is another thing, names the value too).
 */
export function optionsHelp(names: readonly OptionName[], help: Partial<Record<OptionName, string | { value: string; help: string }>> = {}): string {
  return names
    .map((name) => {
      const spec: OptionSpec = OPTIONS[name];
      const own = help[name];
      const value = typeof own === "object" ? own.value : spec.value;
      const head = `  --${name}${value ? ` ${value}` : ""}`;
      const [first, ...rest] = (typeof own === "object" ? own.help : (own ?? spec.help)).split("\n");
      const pad = head.length + 2 > HELP_COLUMN ? `\n${" ".repeat(HELP_COLUMN)}` : " ".repeat(HELP_COLUMN - head.length);
      return [`${head}${pad}${first}`, ...rest.map((l) => `${" ".repeat(HELP_COLUMN)}${l}`)].join("\n");
    })
    .join("\n");
}
