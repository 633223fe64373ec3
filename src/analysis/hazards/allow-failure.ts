import type { HazardCheck } from "./check.js";
import { jobsThatTurn } from "./job-turns.js";
import { allowsMoreFailures } from "../../gitlab-ci/allow-failure.js";

/** Jobs whose failure failed the pipeline on a watched branch and now no longer does. */
export const allowFailure: HazardCheck = {
  kind: "allow-failure",
  severity: "warning",
  scope: "change",
  check(before, after) {
    return jobsThatTurn(
      before,
      after,
      allowsMoreFailures,
      (n, branch, names, possible) =>
        `${n === 1 ? "1 job" : `${n} jobs`} ${possible ? "may start" : n === 1 ? "starts" : "start"} allowing failure on \`${branch}\` (a failure no longer fails the pipeline): ${names}.`,
    );
  },
};
