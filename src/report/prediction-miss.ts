import type { RunCheck } from "../verify/compare-run.js";
import { code, link, paragraph, strong, trusted, type Inline } from "./document.js";
import { renderMarkdown } from "./render-markdown.js";
import { ruleText, runKind } from "./verify.js";

/**
 * The sticky comment's line for a pipeline that ran otherwise than a certain prediction said
 * (`comment.prediction_misses`): which pipeline, the first jobs that differed and the rule that
 * decided each. The lines sit in a section at the comment's end, one per pipeline; a newer
 * comparison of the same pipeline replaces its line.
 */

const SECTION = "<!-- ci-explain:prediction-misses -->";
/** Jobs named on the line; the rest are counted. */
const JOBS_SHOWN = 3;

export function predictionMissLine(check: RunCheck, platform: "gitlab" | "github"): string {
  const platformName = platform === "gitlab" ? "GitLab" : "GitHub";
  const { observed } = check;
  const label = observed.url ? link(observed.url, observed.label) : observed.label;
  const differed = check.jobs.filter((j) => j.outcome === "differed");
  const jobs: Inline = [];
  differed.slice(0, JOBS_SHOWN).forEach((job, i) => {
    if (i > 0) jobs.push(trusted("; "));
    const diffs = job.differences.map((d) => `${d.field}: predicted ${d.predicted}, ${platformName} ${d.observed}`).join(", ");
    jobs.push(code(job.name), trusted(` (${diffs}`), ...(job.predicted ? [trusted(" — "), ...ruleText(job.predicted.rule)] : []), trusted(")"));
  });
  if (differed.length > JOBS_SHOWN) jobs.push(trusted(`; and ${differed.length - JOBS_SHOWN} more`));
  const what =
    check.pipeline.outcome === "differed"
      ? [trusted(check.pipeline.observed ? ` ran although no pipeline was predicted` : ` was not created although one was predicted`), ...(jobs.length > 0 ? [trusted(": "), ...jobs] : [])]
      : [trusted(" differed from a certain prediction: "), ...jobs];
  const line = paragraph(trusted("⚠️ "), strong(trusted("Prediction check:")), trusted(" "), label, trusted(` (${runKind(observed)} at `), code(observed.sha.slice(0, 8)), trusted(")"), ...what, trusted("."));
  return `${renderMarkdown([line])} ${lineKey(check)}`;
}

/** The comment with the line for this check's pipeline added, or put in place of an older one. */
export function withPredictionMiss(body: string, check: RunCheck, platform: "gitlab" | "github"): string {
  const at = body.indexOf(SECTION);
  const before = (at < 0 ? body : body.slice(0, at)).trimEnd();
  const key = lineKey(check);
  const lines = at < 0 ? [] : body.slice(at + SECTION.length).split(/\n{2,}/).map((l) => l.trim()).filter((l) => l !== "" && !l.endsWith(key));
  return `${before}\n\n${SECTION}\n\n${[...lines, predictionMissLine(check, platform)].join("\n\n")}\n`;
}

/** A hidden end of line naming the pipeline, so that its line is found again. */
function lineKey(check: RunCheck): string {
  return `<!-- ${check.observed.label.replace(/--/g, "")} ${check.observed.sha} -->`;
}
