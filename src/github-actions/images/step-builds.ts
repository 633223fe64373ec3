import { UNTAGGED_BUILD } from "../../containers/image-ref.js";
import type { ImageBuild } from "../../containers/model.js";
import { normalizePath } from "../../core/file-source.js";
import type { Located } from "../../core/pos.js";
import type { ResolvedText, ResolvedVar } from "../../gitlab-ci/pipeline.js";
import { evaluateExpressionText, type ExprScope } from "../expr/evaluate.js";
import { findPlaceholders } from "../expr/template.js";
import { ObjectValue, Unknown, isUnknown, toText, type Value } from "../expr/value.js";
import type { Step } from "../model.js";
import { actionInputList } from "./action-input-list.js";
import { computeMetadataTags, mergeRuns, type MetadataEvent, type MetadataTag } from "./metadata-action.js";
import { OpaqueTable, hasOpaque } from "./opaque-text.js";

/**
 * Image builds made by action steps: docker/metadata-action computes tags (step outputs),
 * docker/build-push-action builds `file` in `context` and pushes `tags` when `push: true`
 * (or an `outputs:` of `type=registry` / `push=true`).
 */

type Problem = { message: string; pos: Located<string>["pos"] };

/**
 * `${{ }}` substituted into text; parts not known become opaque markers of `table`. An
 * expression GitHub would refuse is reported in `errors` (and is a marker too).
 */
export function interpolateOpaque(text: string, scope: ExprScope, table: OpaqueTable, errors: string[] = []): string {
  const found = findPlaceholders(text);
  if (!Array.isArray(found)) {
    errors.push(found.error);
    return table.marker(text);
  }
  let out = "";
  let last = 0;
  for (const p of found) {
    out += text.slice(last, p.start);
    last = p.end;
    const r = evaluateExpressionText(p.expr, scope);
    if (!r.ok) errors.push(`${p.expr.trim()}: ${r.message}`);
    if (!r.ok || isUnknown(r.value)) out += table.marker(p.expr.trim());
    else out += toText(r.value);
  }
  return out + text.slice(last);
}

/** How a PR ref without a known number is written in a MetadataEvent. */
export const UNKNOWN_PR_NUMBER = "«PR number»";

export function actionName(uses: string): string {
  return uses.replace(/@.*$/, "").toLowerCase();
}

/** What a docker/metadata-action step outputs, as the steps after it read it. */
export interface MetadataOutputs {
  /** The markers in `runs` and `version` belong to this table. */
  table: OpaqueTable;
  /** The tags of each way undecidable `enable=` values go. */
  runs: string[][];
  /** `sep-tags`: what joins the tags in the `tags` output (default a newline). */
  sepTags: string;
  version?: ResolvedText;
  tagNames?: string[];
}

export interface StepOutputs {
  metadata?: MetadataOutputs;
  /** What a `run:` step wrote to GITHUB_OUTPUT, by name (names not listed are not known). */
  written?: Record<string, ResolvedText>;
}

export interface StepBuildInput {
  step: Step;
  job: string;
  scope: ExprScope;
  event: MetadataEvent;
  /** The PR's head commit, when known: what DOCKER_METADATA_PR_HEAD_SHA tags on PR events. */
  prHeadSha?: string;
  /** The step's environment (workflow, job and step `env:`): the action reads DOCKER_METADATA_* there. */
  env: Record<string, ResolvedVar>;
  /** Outputs of earlier steps of the job, by step id. */
  outputs: Map<string, StepOutputs>;
  /** The step's own `if:` outcome: "uncertain" when it could not be decided. */
  certainty: "certain" | "uncertain";
}

export interface StepBuildResult {
  builds: ImageBuild[];
  outputs?: StepOutputs;
  /**
   * Environment variables the step sets for the steps after it (docker/metadata-action sets
   * DOCKER_METADATA_OUTPUT_* unless DOCKER_METADATA_SET_OUTPUT_ENV is false).
   */
  exportedEnv?: Record<string, ResolvedText>;
  warnings: Problem[];
  errors: Problem[];
}

export function buildsOfStep(input: StepBuildInput): StepBuildResult {
  const { step } = input;
  if (!step.uses) return { builds: [], warnings: [], errors: [] };
  const action = actionName(step.uses.value);
  if (action === "docker/metadata-action") return metadataStep(input);
  if (action === "docker/build-push-action") return buildPushStep(input);
  return { builds: [], warnings: [], errors: [] };
}

/** An environment variable's text, with an unknown value as a marker of `table`. */
function envText(env: Record<string, ResolvedVar>, name: string, table: OpaqueTable): string | undefined {
  const v = env[name];
  if (!v) return undefined;
  return v.value.known ? v.value.text : table.marker(`$${name}`);
}

/**
 * DOCKER_METADATA_PR_HEAD_SHA (README, environment variables): when it reads as true on a
 * pull_request(_target) event, the action tags the PR's head commit instead of `github.sha`.
 */
function taggedCommit(input: StepBuildInput, table: OpaqueTable): string | undefined {
  const { event } = input;
  const flag = envText(input.env, "DOCKER_METADATA_PR_HEAD_SHA", table);
  if (flag === undefined || !/pull_request/.test(event.eventName)) return event.sha;
  if (hasOpaque(flag)) return table.marker("the commit SHA (DOCKER_METADATA_PR_HEAD_SHA is not known)");
  if (!/true/i.test(flag)) return event.sha;
  return input.prHeadSha ?? table.marker("github.event.pull_request.head.sha");
}

function metadataStep(input: StepBuildInput): StepBuildResult {
  const { step, scope } = input;
  const table = new OpaqueTable();
  const exprErrors: string[] = [];
  const value = (name: string) => (step.with[name] ? interpolateOpaque(step.with[name].value, scope, table, exprErrors) : "");
  const pos = step.uses!.pos;
  // A PR context without a number carries `«PR number»` in its ref: make it an opaque part.
  const ev: MetadataEvent = {
    ...input.event,
    ref: input.event.ref.replace(UNKNOWN_PR_NUMBER, table.marker("the PR number")),
    sha: taggedCommit(input, table),
    shortShaLength: envText(input.env, "DOCKER_METADATA_SHORT_SHA_LENGTH", table),
  };
  const r = computeMetadataTags({ images: value("images"), tags: value("tags"), flavor: value("flavor") }, ev, table);
  // core.getInput('sep-tags', {trimWhitespace: false}) || '\n'
  const sepTags = step.with["sep-tags"] ? value("sep-tags") || "\n" : "\n";
  const warnings = r.warnings.map((message) => ({ message: `docker/metadata-action: ${message}`, pos }));
  const errors = [
    ...exprErrors.map((message) => ({ message: `docker/metadata-action: ${message}`, pos })),
    ...r.errors.map((message) => ({ message: `docker/metadata-action: ${message} (the step fails)`, pos })),
  ];
  const metadata: MetadataOutputs = { table, runs: r.runs, sepTags, version: r.version, tagNames: r.tagNames };
  const setEnv = envText(input.env, "DOCKER_METADATA_SET_OUTPUT_ENV", table);
  const exportedEnv = setEnv !== undefined && !hasOpaque(setEnv) && !/^(true|1)$/i.test(setEnv.trim()) ? undefined : outputEnv(metadata);
  return { builds: [], outputs: { metadata }, exportedEnv, warnings, errors };
}

/** One output as text: known when every run agrees and no part is unknown. */
function outputText(runs: string[][], join: (tags: string[]) => string, table: OpaqueTable): ResolvedText {
  const texts = new Set(runs.map(join));
  if (texts.size !== 1) return { text: "«tags that depend on an undecided enable=»", known: false, unknowns: ["docker/metadata-action enable="] };
  return table.render([...texts][0]);
}

/** The DOCKER_METADATA_OUTPUT_* variables the action exports (src/main.ts `setOutputAndEnv`). */
function outputEnv(m: MetadataOutputs): Record<string, ResolvedText> {
  const unknown = (what: string): ResolvedText => ({ text: `«${what}»`, known: false, unknowns: [what] });
  return {
    DOCKER_METADATA_OUTPUT_VERSION: m.version ?? (m.runs.length > 1 ? unknown("docker/metadata-action version") : { text: "", known: true, unknowns: [] }),
    DOCKER_METADATA_OUTPUT_TAGS: outputText(m.runs, (t) => t.join(m.sepTags), m.table),
    DOCKER_METADATA_OUTPUT_TAG_NAMES: m.tagNames ? m.table.render(m.tagNames.join(m.sepTags)) : unknown("docker/metadata-action tag-names"),
  };
}

/** `steps.<id>` of a metadata step, as expressions after it read it (other outputs unknown). */
export function metadataStepValue(id: string, m: MetadataOutputs): ObjectValue {
  const env = outputEnv(m);
  const asValue = (t: ResolvedText): Value => (t.known ? t.text : new Unknown(t.unknowns));
  return new ObjectValue([
    [
      "outputs",
      new ObjectValue(
        [
          ["tags", asValue(env.DOCKER_METADATA_OUTPUT_TAGS)],
          ["tag-names", asValue(env.DOCKER_METADATA_OUTPUT_TAG_NAMES)],
          ["version", asValue(env.DOCKER_METADATA_OUTPUT_VERSION)],
        ],
        `steps.${id}.outputs`,
      ),
    ],
  ], `steps.${id}`);
}

/**
 * The tags docker/build-push-action reads from `${{ steps.<id>.outputs.tags }}`: the tags joined
 * by `sep-tags`, split again at line breaks and commas (its `tags` input is a list).
 */
function consumedTags(m: MetadataOutputs): MetadataTag[] {
  return mergeRuns(m.runs.map((tags) => actionInputList(tags.join(m.sepTags))), m.table);
}

/** `${{ steps.<id>.outputs.tags }}` exactly: the wiring from a metadata step. */
function metadataWiring(text: string): string | undefined {
  const m = /^\s*\$\{\{\s*steps\.([A-Za-z_][\w-]*)\.outputs\.tags\s*\}\}\s*$/.exec(text);
  return m?.[1];
}

function buildPushStep({ step, job, scope, outputs, certainty }: StepBuildInput): StepBuildResult {
  const table = new OpaqueTable();
  const warnings: Problem[] = [];
  const exprErrors: string[] = [];
  const pos = step.uses!.pos;
  const get = (name: string) => (step.with[name] ? interpolateOpaque(step.with[name].value, scope, table, exprErrors) : undefined);

  // push: a boolean input (default false); outputs type=registry or push=true push too.
  const pushText = get("push")?.trim().toLowerCase();
  const outputsText = get("outputs") ?? "";
  const pushByOutputs = /type=registry|push=true/.test(outputsText);
  let push: boolean | "unknown" = pushByOutputs || pushText === "true";
  if (!pushByOutputs && pushText !== undefined && hasOpaque(pushText)) push = "unknown";

  // The build context: a path in the repository (default: the repository itself).
  const contextText = get("context");
  const buildContext = contextText === undefined || contextText.trim() === "" ? "." : contextText.trim();
  const fileText = get("file");
  const dockerfile = fileText !== undefined && fileText.trim() !== "" ? fileText.trim() : `${buildContext}/Dockerfile`;

  let tags: MetadataTag[] = [];
  const tagsRaw = step.with.tags?.value;
  const wired = tagsRaw !== undefined ? metadataWiring(tagsRaw) : undefined;
  const meta = wired !== undefined ? outputs.get(wired)?.metadata : undefined;
  if (meta) tags = consumedTags(meta);
  else if (tagsRaw !== undefined) {
    // build-push-action's `tags` is a list: lines and commas separate tags.
    tags = actionInputList(get("tags") ?? "").map((t) => ({ ref: table.render(t), certainty: "certain" as const }));
  }
  if (push === "unknown") warnings.push({ message: `docker/build-push-action: whether it pushes is not known statically (push: ${step.with.push?.value})`, pos });

  const dockerfileText = table.render(hasOpaque(dockerfile) ? dockerfile : normalizePath(dockerfile));
  const contextResolved = table.render(buildContext);
  const builds: ImageBuild[] = tags.map((t) => ({
    job,
    tool: "buildx",
    image: t.ref,
    dockerfile: dockerfileText,
    context: contextResolved,
    push: push !== false,
    pos,
    certainty: certainty === "uncertain" || t.certainty === "uncertain" || push === "unknown" ? "uncertain" : "certain",
    written: tagsRaw,
  }));
  if (tags.length === 0) {
    // A build without tags still builds the recipe (for the "recipe changed but not rebuilt" check).
    builds.push({ job, tool: "buildx", image: { text: UNTAGGED_BUILD, known: true, unknowns: [] }, dockerfile: dockerfileText, context: contextResolved, push: false, pos, certainty });
  }
  return { builds, warnings, errors: exprErrors.map((message) => ({ message: `docker/build-push-action: ${message}`, pos })) };
}
