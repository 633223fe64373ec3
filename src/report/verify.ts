import { formatPos } from "../core/pos.js";
import type { CheckOutcome, JobCheck, RunCheck } from "../verify/compare-run.js";
import type { DecidingRule } from "../verify/predicted-run.js";
import { hasWrongPrediction, verifyTotals, type VerifiedRef, type VerifyReport } from "../verify/verify-report.js";
import { ruleLabel } from "./decision.js";
import { code, heading, list, paragraph, table, trusted, type Block, type Inline } from "./document.js";
import { plural } from "./wording.js";

/**
 * `ci-explain verify` in words: per ref, a row per comparison (the Lint dry run, each real
 * pipeline or run) with how many job predictions agreed, differed, could not tell or were
 * explained by the platform; then every job that differed with the rule that decided it.
 */

export const OUTCOME_LABEL: Record<CheckOutcome, string> = {
  agreed: "agreed",
  differed: "differed",
  "could-not-tell": "could not tell",
  explained: "explained",
};

export function verifyBlocks(report: VerifyReport): Block[] {
  const platformName = report.platform === "gitlab" ? "GitLab" : "GitHub";
  const blocks: Block[] = [heading(2, trusted("ci-explain verify: "), report.project, ...(report.url ? [trusted(` (${report.url})`)] : []))];
  if (report.notes.length > 0) blocks.push(list(report.notes.map((n) => [n])));
  for (const ref of report.refs) blocks.push(...refBlocks(ref, platformName));
  blocks.push(paragraph(...totalsLine(report)));
  return blocks;
}

function refBlocks(ref: VerifiedRef, platformName: string): Block[] {
  const title = `${ref.kind === "tag" ? `tag ${ref.name}` : ref.name}`;
  const blocks: Block[] = [heading(3, title, trusted(` — ${ref.why}${ref.sha ? `, at ${ref.sha.slice(0, 8)}` : ""}`))];
  if (ref.checks.length > 0) {
    blocks.push(
      table(
        [[trusted("compared with")], [trusted("pipeline")], ...(["agreed", "differed", "could-not-tell", "explained"] as const).map((o) => [trusted(OUTCOME_LABEL[o])])],
        ref.checks.map((c) => [checkLabel(c), [trusted(pipelineCell(c))], ...(["agreed", "differed", "could-not-tell", "explained"] as const).map((o) => [trusted(String(c.counts[o]))])]),
      ),
    );
  } else blocks.push(paragraph(trusted("Nothing to compare with.")));
  const differed = ref.checks.flatMap((c) => c.jobs.filter((j) => j.outcome === "differed").map((j) => jobLine(c, j, platformName)));
  const pipelinesDiffered = ref.checks.filter((c) => c.pipeline.outcome === "differed").map((c) => pipelineLine(c, platformName));
  if (pipelinesDiffered.length + differed.length > 0) blocks.push(paragraph(trusted("Differed (a certain prediction was wrong):")), list([...pipelinesDiffered, ...differed]));
  const explained = ref.checks.flatMap((c) => c.jobs.filter((j) => j.outcome === "explained").map((j): Inline => [...checkLabel(c), trusted(": "), code(j.name), trusted(` — ${j.explanation ?? ""}`)]));
  if (explained.length > 0) blocks.push(paragraph(trusted(`Explained by ${platformName}:`)), list(explained));
  const untold = ref.checks.flatMap((c) => c.jobs.filter((j) => j.outcome === "could-not-tell").map((j): Inline => [...checkLabel(c), trusted(": "), code(j.name), trusted(` — ${unknownsText(j)}`)]));
  if (untold.length > 0) blocks.push(paragraph(trusted("Could not tell (the prediction depended on inputs it did not know):")), list(untold));
  const assumed = [...new Set(ref.checks.flatMap((c) => c.assumedUnset))];
  const notes = [...ref.notes, ...(assumed.length > 0 ? [`taken as unset (declared nowhere): ${assumed.join(", ")}; declare project variables in .ci-explain.yml`] : [])];
  if (notes.length > 0) blocks.push(list(notes.map((n) => [n])));
  return blocks;
}

/** `pipeline #812 (push)`, `CI Lint dry run (push)`, `MR !5 pipeline #9 (merge_request_event)`. */
function checkLabel(check: RunCheck): Inline {
  return [trusted(`${check.observed.label} (${check.observed.event ?? check.observed.source})`)];
}

function pipelineCell(check: RunCheck): string {
  const { pipeline } = check;
  if (pipeline.outcome === "agreed" || (pipeline.outcome === "could-not-tell" && pipeline.predicted === pipeline.observed)) return pipeline.observed ? "created" : "none";
  return `${pipeline.observed ? "created" : "none"} (${OUTCOME_LABEL[pipeline.outcome]})`;
}

function pipelineLine(check: RunCheck, platformName: string): Inline {
  const { pipeline } = check;
  const said = pipeline.predicted ? "a pipeline" : `no pipeline${pipeline.notCreated ? ` (${pipeline.notCreated})` : ""}`;
  const did = pipeline.observed ? "created one" : `created none${check.observed.errors.length ? `: ${check.observed.errors.join("; ")}` : ""}`;
  return [...checkLabel(check), trusted(`: predicted ${said}, ${platformName} ${did}`), ...(pipeline.rule ? [trusted("; "), ...ruleText(pipeline.rule)] : [])];
}

/** One job that differed: what differed, both outcomes, and the rule that decided the prediction. */
export function jobLine(check: RunCheck, job: JobCheck, platformName: string): Inline {
  const diffs = job.differences.map((d) => `${d.field}: predicted ${d.predicted}, ${platformName} ${d.observed}`).join("; ");
  return [...checkLabel(check), trusted(": "), code(job.name), trusted(` — ${diffs}`), ...(job.predicted ? [trusted("; decided by "), ...ruleText(job.predicted.rule)] : [])];
}

/** `rule 2 at .gitlab-ci.yml:14 if: $CI_COMMIT_BRANCH == "main"`, or how else the job was decided. */
export function ruleText(rule: DecidingRule): Inline {
  const where: Inline = rule.pos ? [trusted(" at "), code(formatPos({ file: rule.pos.file, line: rule.pos.line }))] : [];
  switch (rule.kind) {
    case "rules":
    case "workflow": {
      const prefix = rule.kind === "workflow" ? "workflow " : "";
      return [trusted(`${prefix}${rule.index !== undefined ? ruleLabel(rule.index) : "rules"}`), ...where, ...(rule.if !== undefined ? [trusted(" "), code(`if: ${rule.if}`)] : [])];
    }
    case "only-except":
      return [trusted("only/except"), ...where, ...(rule.explanation ? [trusted(": "), rule.explanation] : [])];
    case "default":
      return [trusted("no rules (the job's own when)"), ...where];
  }
}

/** What ran, in words: `push to main`, `merge request pipeline`, `schedule on main`. */
export function runKind(observed: { ref: RunCheck["observed"]["ref"]; source: string; event?: string; platform: "gitlab" | "github" }): string {
  const { ref } = observed;
  if (ref.kind === "mr") return observed.platform === "github" ? "pull request run" : "merge request pipeline";
  const event = observed.event ?? observed.source;
  const name = ref.kind === "tag" ? `tag ${ref.name}` : ref.name;
  return event === "push" ? `push to ${name}` : `${event.replace(/_/g, " ")} on ${name}`;
}

function unknownsText(job: JobCheck): string {
  const matched = job.matched ? "it went as shown" : `it went otherwise (${job.differences.map((d) => `${d.field}: ${d.observed}`).join("; ")})`;
  return `${job.unknowns.length > 0 ? `depends on ${job.unknowns.join(", ")}` : "uncertain"}; ${matched}`;
}

function totalsLine(report: VerifyReport): Inline {
  const t = verifyTotals(report);
  const certain = t.agreed + t.differed;
  const right = certain === 0 ? "no certain predictions" : `${t.agreed} of ${plural(certain, "certain prediction")} right (${Math.floor((100 * t.agreed) / certain)}%)`;
  const verdict = hasWrongPrediction(report) ? "a certain prediction was wrong" : "no certain prediction was wrong";
  return [trusted(`Jobs: ${t.agreed} agreed, ${t.differed} differed, ${t["could-not-tell"]} could not tell, ${t.explained} explained — ${right}; ${verdict}.`)];
}
