import type { HazardCheck } from "./check.js";
import { jobsThatTurn } from "./job-turns.js";

/** Jobs that ran by themselves on a watched branch and now wait to be started by hand. */
export const jobsManual: HazardCheck = {
  kind: "jobs-manual",
  severity: "notice",
  scope: "change",
  check(before, after) {
    return jobsThatTurn(
      before,
      after,
      (b, a) => b.when !== "manual" && a.when === "manual",
      (n, branch, names, possible) =>
        `${n === 1 ? "1 job" : `${n} jobs`} ${possible ? "may turn" : n === 1 ? "turns" : "turn"} manual on \`${branch}\` (they no longer start by themselves): ${names}.`,
    );
  },
};
