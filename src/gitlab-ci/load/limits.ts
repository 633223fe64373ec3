import type { LoadLimits } from "../model.js";

/**
 * GitLab's own numbers where it has them (Gitlab::Config::Loader::Yaml, the `include`
 * and `extends` docs); the total budget is ours: GitLab allows 150 × 1 MB, far more than a
 * bot should hold in memory for one revision.
 */
export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 32 * 1024 * 1024,
  maxIncludes: 150,
  maxIncludeDepth: 100,
  maxNestingDepth: 100,
  maxExpandedNodes: 1_000_000,
  maxExtendsDepth: 10,
  maxReferenceDepth: 10,
};

export function resolveLimits(overrides: Partial<LoadLimits> | undefined): LoadLimits {
  return { ...DEFAULT_LOAD_LIMITS, ...overrides };
}
