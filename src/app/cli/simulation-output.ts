import type { AnalysedPipeline } from "../../analysis/model.js";

/** A simulated run as `simulate` prints it, for both dialects: text, JSON, or one job explained (`--job`). */
export async function renderSimulation(
  pipeline: AnalysedPipeline,
  { format, job, contextName, json, text }: { format: "text" | "json"; job?: string; contextName: string; json: (p: AnalysedPipeline) => object; text: (p: AnalysedPipeline) => string },
): Promise<string> {
  if (job !== undefined && format === "text") {
    const { renderExplainText } = await import("../../report/index.js");
    return renderExplainText({ pipeline, contextName, job });
  }
  if (format === "text") return text(pipeline);
  const shown = json(pipeline) as { jobs?: Array<{ name: string }> };
  const filtered = job === undefined || !shown.jobs ? shown : { ...shown, jobs: shown.jobs.filter((j) => j.name === job) };
  return `${JSON.stringify(filtered, null, 2)}\n`;
}
