import type { BranchContext } from "../analysis/model.js";
import type { Pos } from "../core/pos.js";
import type { Truth } from "../gitlab-ci/pipeline.js";
import type { ConcurrencyUse } from "./simulate.js";

/**
 * Two contexts that enter the same concurrency group ("Control the concurrency of workflows
 * and jobs"): at most one run of a group is running and one pending; a new run cancels the
 * pending one, and with `cancel-in-progress: true` the running one too. A group without
 * `${{ github.ref }}` in it makes unrelated branches cancel each other.
 * Only groups whose name is fully known are compared: an unknown part may differ.
 */
export interface ConcurrencyClash {
  group: string;
  contexts: string[];
  /** Workflow (and job) names that enter the group. */
  users: string[];
  /** True or unknown when a running run is cancelled, not only a pending one. */
  cancelInProgress: Truth;
  pos: Pos;
}

export function findConcurrencyClashes(runs: Array<{ context: BranchContext; uses: ConcurrencyUse[] }>): ConcurrencyClash[] {
  const byGroup = new Map<string, Array<{ context: BranchContext; use: ConcurrencyUse }>>();
  for (const r of runs) {
    for (const use of r.uses) {
      if (!use.group.known) continue;
      // "The concurrency group name is case insensitive": `prod` and `Prod` are one group.
      const key = use.group.text.toLowerCase();
      const list = byGroup.get(key) ?? [];
      list.push({ context: r.context, use });
      byGroup.set(key, list);
    }
  }
  const clashes: ConcurrencyClash[] = [];
  for (const entries of byGroup.values()) {
    // Named as the first run that enters it wrote it.
    const group = entries[0].use.group.text;
    const identities = new Set(entries.map((e) => identity(e.context)));
    if (identities.size < 2) continue;
    const cancels = entries.map((e) => e.use.cancelInProgress);
    clashes.push({
      group,
      contexts: [...new Set(entries.map((e) => e.context.name))],
      users: [...new Set(entries.map((e) => (e.use.job ? e.use.job : e.use.workflow)))].sort(),
      cancelInProgress: cancels.includes(true) ? true : cancels.includes("unknown") ? "unknown" : false,
      pos: entries[0].use.pos,
    });
  }
  return clashes.sort((a, b) => a.group.localeCompare(b.group));
}

/** What a run works on: a PR's runs and its source branch's pushes are the same content. */
function identity(c: BranchContext): string {
  const ref = c.ref;
  return ref.kind === "mr" ? `branch\0${ref.source}\0${c.event ?? ""}` : `${ref.kind}\0${ref.name}\0${c.event ?? ""}`;
}
