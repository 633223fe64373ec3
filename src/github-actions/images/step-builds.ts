import type { ImageBuild } from "../../containers/model.js";
import { normalizePath } from "../../core/file-source.js";
import type { Located } from "../../core/pos.js";
import type { ResolvedText } from "../../gitlab-ci/pipeline.js";
import { evaluateExpressionText, type ExprScope } from "../expr/evaluate.js";
import { findPlaceholders } from "../expr/template.js";
import { isUnknown, toText } from "../expr/value.js";
import type { Step } from "../model.js";
import { computeMetadataTags, inputLines, type MetadataEvent, type MetadataTag } from "./metadata-action.js";
import { OpaqueTable, hasOpaque } from "./opaque-text.js";

/**
 * Image builds made by action steps: docker/metadata-action computes tags (step outputs),
 * docker/build-push-action builds `file` in `context` and pushes `tags` when `push: true`
 * (or an `outputs:` of `type=registry` / `push=true`).
 */

/** `${{ }}` substituted into text; parts not known become opaque markers of `table`. */
export function interpolateOpaque(text: string, scope: ExprScope, table: OpaqueTable): string {
  const found = findPlaceholders(text);
  if (!Array.isArray(found)) return table.marker(text);
  let out = "";
  let last = 0;
  for (const p of found) {
    out += text.slice(last, p.start);
    last = p.end;
    const r = evaluateExpressionText(p.expr, scope);
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

export interface StepOutputs {
  metadata?: { tags: MetadataTag[]; version?: ResolvedText };
}

export interface StepBuildInput {
  step: Step;
  job: string;
  scope: ExprScope;
  event: MetadataEvent;
  /** Outputs of earlier steps of the job, by step id. */
  outputs: Map<string, StepOutputs>;
  /** The step's own `if:` outcome: "uncertain" when it could not be decided. */
  certainty: "certain" | "uncertain";
}

export interface StepBuildResult {
  builds: ImageBuild[];
  outputs?: StepOutputs;
  warnings: Array<{ message: string; pos: Located<string>["pos"] }>;
}

export function buildsOfStep(input: StepBuildInput): StepBuildResult {
  const { step } = input;
  if (!step.uses) return { builds: [], warnings: [] };
  const action = actionName(step.uses.value);
  if (action === "docker/metadata-action") return metadataStep(input);
  if (action === "docker/build-push-action") return buildPushStep(input);
  return { builds: [], warnings: [] };
}

function metadataStep({ step, scope, event }: StepBuildInput): StepBuildResult {
  const table = new OpaqueTable();
  const input = (name: string) => (step.with[name] ? interpolateOpaque(step.with[name].value, scope, table) : "");
  // A PR context without a number carries `«PR number»` in its ref: make it an opaque part.
  const ev = { ...event, ref: event.ref.replace(UNKNOWN_PR_NUMBER, table.marker("the PR number")) };
  const r = computeMetadataTags({ images: input("images"), tags: input("tags"), flavor: input("flavor") }, ev, table);
  const warnings = [...r.errors, ...r.warnings].map((message) => ({ message: `docker/metadata-action: ${message}`, pos: step.uses!.pos }));
  return { builds: [], outputs: { metadata: { tags: r.tags, version: r.version } }, warnings };
}

/** `${{ steps.<id>.outputs.tags }}` exactly: the wiring from a metadata step. */
function metadataWiring(text: string): string | undefined {
  const m = /^\s*\$\{\{\s*steps\.([A-Za-z_][\w-]*)\.outputs\.tags\s*\}\}\s*$/.exec(text);
  return m?.[1];
}

function buildPushStep({ step, job, scope, outputs, certainty }: StepBuildInput): StepBuildResult {
  const table = new OpaqueTable();
  const warnings: StepBuildResult["warnings"] = [];
  const pos = step.uses!.pos;
  const get = (name: string) => (step.with[name] ? interpolateOpaque(step.with[name].value, scope, table) : undefined);

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

  let tags: Array<{ ref: ResolvedText; certainty: "certain" | "uncertain" }> = [];
  const tagsRaw = step.with.tags?.value;
  const wired = tagsRaw !== undefined ? metadataWiring(tagsRaw) : undefined;
  if (wired !== undefined) {
    const meta = outputs.get(wired)?.metadata;
    if (meta) tags = meta.tags;
    else tags = [{ ref: table.render(table.marker(`steps.${wired}.outputs.tags`)), certainty: "certain" }];
  } else if (tagsRaw !== undefined) {
    // build-push-action splits `tags` at newlines and commas.
    const text = get("tags") ?? "";
    tags = inputLines(text)
      .flatMap((l) => l.split(","))
      .map((t) => t.trim())
      .filter((t) => t.length > 0)
      .map((t) => ({ ref: table.render(t), certainty: "certain" as const }));
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
  }));
  if (tags.length === 0) {
    // A build without tags still builds the recipe (for the "recipe changed but not rebuilt" check).
    builds.push({ job, tool: "buildx", image: { text: "(untagged)", known: true, unknowns: [] }, dockerfile: dockerfileText, context: contextResolved, push: false, pos, certainty });
  }
  return { builds, warnings };
}
