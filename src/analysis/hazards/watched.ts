import type { BranchContext } from "../model.js";

/**
 * Branches whose loss of jobs a maintainer must hear about: the default branch, the MR's target,
 * configured contexts, and the branches the CI's own rules single out (staging, stable-X.Y).
 * Forks, tags and MR pipelines are excluded: changing what they run is usually the point.
 */
export function isWatched(context: BranchContext): boolean {
  switch (context.origin.kind) {
    case "default-branch":
    case "mr-target":
    case "configured":
    case "command":
    case "rule-literal":
    case "rule-regex":
    // A scheduled, manual or release run the workflows ask for: losing it is as silent as losing a branch's.
    case "event":
      return true;
    default:
      return false;
  }
}

/** `a`, `a and b`, `a, b and 3 more` — short lists for messages. */
export function listNames(names: string[], max = 3): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``);
  if (names.length > max) return `${shown.join(", ")} and ${names.length - max} more`;
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}
