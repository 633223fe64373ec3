import type { NeedDef } from "../model.js";
import { isNull, type YNode } from "../yaml/node.js";
import type { NodeReader } from "./node-reader.js";
import { buildMatrix } from "./build-parallel.js";

/**
 * `needs:` — job names or `{ job, optional, artifacts, project, ref, pipeline, parallel:matrix }`.
 * `needs: []` is meaningful (start at once), so an empty list is kept, not dropped.
 */
export function buildNeeds(node: YNode | undefined, what: string, reader: NodeReader): NeedDef[] | undefined {
  if (isNull(node) || !node) return undefined;
  if (node.kind === "reference") {
    reader.wrongType(what, "a list of jobs", node);
    return undefined;
  }
  // GitLab wraps a single need (`needs: job-name` or `needs: { job: … }`) in a list.
  const items = node.kind === "seq" ? node.items : [node];
  const out: NeedDef[] = [];
  for (const item of items) {
    if (item.kind === "scalar" && typeof item.value === "string") {
      out.push({ job: item.value, optional: false, artifacts: true, pos: item.pos });
      continue;
    }
    if (item.kind !== "map") {
      reader.wrongType(`${what} item`, "a job name or a hash", item);
      continue;
    }
    reader.knownKeys(item, ["job", "optional", "artifacts", "project", "ref", "pipeline", "parallel"], `${what} item`);
    const pipeline = reader.string(item.entries.get("pipeline")?.value, `${what}:pipeline`);
    const job = reader.string(item.entries.get("job")?.value, `${what}:job`);
    if (!job && !pipeline) {
      reader.error("needs-invalid", `${what} item needs a \`job\``, item.pos);
      continue;
    }
    const need: NeedDef = {
      job: job?.value ?? "",
      optional: reader.boolean(item.entries.get("optional")?.value, `${what}:optional`)?.value ?? false,
      artifacts: reader.boolean(item.entries.get("artifacts")?.value, `${what}:artifacts`)?.value ?? true,
      pos: item.pos,
    };
    const project = reader.string(item.entries.get("project")?.value, `${what}:project`);
    if (project) need.project = project.value;
    if (pipeline) need.pipeline = pipeline.value;
    const parallel = reader.map(item.entries.get("parallel")?.value, `${what}:parallel`);
    if (parallel) {
      const matrix = buildMatrix(parallel.entries.get("matrix")?.value, `${what}:parallel:matrix`, reader);
      if (matrix) need.matrix = matrix.map((row) => Object.fromEntries(row.map((v) => [v.name, v.values])));
    }
    out.push(need);
  }
  return out;
}
