import type { Finding, HazardCheck } from "../analysis/hazards/index.js";
import { listNames } from "../analysis/hazards/watched.js";
import type { ConcurrencyClash } from "./concurrency.js";

/**
 * `concurrency-cancel` as a hazard check. The clashes are found per side while simulating
 * (they need each run's concurrency groups, which the shared RevisionView has no place for),
 * so the check is made per analysis and reads the side it is asked about.
 *
 * GitHub ("Control the concurrency of workflows and jobs"): in one group at most one run is
 * running and one pending; a new run cancels the pending one, and with
 * `cancel-in-progress: true` the running one too. A group that does not name the ref makes
 * a push to one branch cancel another branch's run: its deployment or image push never happens.
 */
export function concurrencyCancelCheck(clashes: { base: ConcurrencyClash[]; head: ConcurrencyClash[] }): HazardCheck {
  return {
    kind: "concurrency-cancel",
    severity: "warning",
    scope: "revision",
    check: (revision) => clashes[revision.side].map(toFinding),
  };
}

function toFinding(clash: ConcurrencyClash): Finding {
  const what =
    clash.cancelInProgress === true
      ? "a new run cancels the one in progress (`cancel-in-progress: true`)"
      : clash.cancelInProgress === "unknown"
        ? "a new run cancels the pending one, and the running one too if `cancel-in-progress` turns out true"
        : "a new run cancels the pending one";
  return {
    key: clash.group,
    message:
      `${listNames(clash.contexts, 4)} enter the same concurrency group \`${clash.group}\` (${listNames(clash.users, 3)}): ` +
      `${what}, whichever branch it belongs to. Put \`\${{ github.ref }}\` in the group to keep branches apart.`,
    contexts: clash.contexts,
    images: [],
    jobs: clash.users,
    source: clash.pos,
  };
}
