import type { Pos } from "../../core/pos.js";
import type { Finding, HazardCheck } from "./check.js";
import { listNames } from "./watched.js";

/**
 * A job `needs:` a job that is not in the pipeline of some context. GitLab then refuses to create
 * the pipeline, unless the need is `optional: true` (needs docs). The simulation reports each
 * such need as a `needs-missing` error of the pipeline; the same message in several contexts is
 * one finding.
 */
export const needsMissing: HazardCheck = {
  kind: "needs-missing",
  severity: "error",
  scope: "revision",
  check(revision) {
    const found = new Map<string, { contexts: string[]; source?: Pos; possible: boolean }>();
    for (const { context, pipeline } of revision.runs) {
      // An error: surely missing. A warning: the needed job may be absent (it depends on unknown
      // inputs, or on an include that was not read).
      for (const d of [...pipeline.errors, ...pipeline.warnings]) {
        if (d.code !== "needs-missing") continue;
        const entry = found.get(d.message) ?? { contexts: [], source: d.pos, possible: d.severity === "warning" };
        if (!entry.contexts.includes(context.name)) entry.contexts.push(context.name);
        found.set(d.message, entry);
      }
    }
    return [...found].map(([message, f]): Finding => ({
      key: message,
      message: `${message} on ${listNames(f.contexts)}: GitLab ${f.possible ? "may refuse" : "refuses"} to create the pipeline there.`,
      contexts: f.contexts,
      images: [],
      jobs: [],
      source: f.source,
      ...(f.possible ? { possible: true as const } : {}),
    }));
  },
};
