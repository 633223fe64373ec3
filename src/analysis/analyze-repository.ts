import type { FileSource } from "../core/file-source.js";
import { isWorkflowPath, WORKFLOWS_DIR } from "../github-actions/load-workflows.js";
import { analyze, type AnalyzeInput } from "./analyze.js";
import type { Analysis } from "./model.js";

export type Dialect = Analysis["dialect"];
export type DialectChoice = Dialect | "auto";

export const DIALECTS: readonly Dialect[] = ["gitlab-ci", "github-actions"];

/** A `--dialect` value, or undefined when it names no dialect. */
export function parseDialectChoice(text: string): DialectChoice | undefined {
  return text === "auto" || (DIALECTS as readonly string[]).includes(text) ? (text as DialectChoice) : undefined;
}

export interface AnalyzeRepositoryInput extends AnalyzeInput {
  /** Which CI dialects to analyse; `auto` (the default) is every one present on either side. */
  dialect?: DialectChoice;
}

/**
 * The entry every surface calls for a repository: it only chooses the dialects and calls
 * their own `analyze` (GitLab CI) or `analyzeActions` (GitHub Actions); one Analysis each,
 * GitLab CI first. A dialect counts as present when either side has its files, so a change
 * that adds or removes all of them is analysed too. With neither, the GitLab analysis
 * says there is no CI configuration.
 */
export async function analyzeRepository(input: AnalyzeRepositoryInput): Promise<Analysis[]> {
  const dialects = await chooseDialects(input);
  return Promise.all(dialects.map((d) => analyzeDialect(d, input)));
}

/** The dialects `analyzeRepository` would analyse (the CLI uses it to ask for a choice). */
export async function chooseDialects(input: Pick<AnalyzeRepositoryInput, "base" | "head" | "settings" | "dialect">): Promise<Dialect[]> {
  const choice = input.dialect ?? "auto";
  if (choice !== "auto") return [choice];
  const present = await presentDialects([input.base, input.head], input.settings.ciConfigPath);
  return present.length > 0 ? present : ["gitlab-ci"];
}

/** The dialects whose files exist in any of the sources, in `DIALECTS` order. */
export async function presentDialects(sources: FileSource[], ciConfigPath: string): Promise<Dialect[]> {
  const found = await Promise.all(
    sources.map(async (s) => {
      const [gitlab, workflows] = await Promise.all([s.read(ciConfigPath), s.list(WORKFLOWS_DIR)]);
      return { "gitlab-ci": gitlab !== undefined, "github-actions": workflows.some(isWorkflowPath) };
    }),
  );
  return DIALECTS.filter((d) => found.some((f) => f[d]));
}

async function analyzeDialect(dialect: Dialect, input: AnalyzeRepositoryInput): Promise<Analysis> {
  if (dialect === "gitlab-ci") return analyze(input);
  // Loaded when a revision has workflows: a GitLab-only repository does not wait for it.
  const { analyzeActions } = await import("../github-actions/analyze-actions.js");
  const { mr, ...rest } = input;
  // A merge request is GitHub's pull request: the same source, target and number.
  const settingsDiagnostics = input.settingsDiagnostics ?? [];
  // The settings file is the bot's, not a dialect's: its problems ride along on every analysis.
  return analyzeActions({ ...rest, ...(mr ? { pr: { source: mr.source, target: mr.target, number: mr.iid, sourceProject: mr.sourceProject } } : {}) }).then((a) =>
    settingsDiagnostics.length > 0 ? { ...a, settingsDiagnostics } : a,
  );
}
