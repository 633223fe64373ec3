import type { LoadLimits } from "../model.js";

/**
 * GitLab's own defaults where it documents them ("CI/CD limits" of the administration docs,
 * https://docs.gitlab.com/administration/cicd/limits/, and the `include` and `extends` docs):
 * one configuration file of at most 2 MB (`max_yaml_size_bytes`, `2.megabytes` since 17.3),
 * YAML nested at most 100 deep (`max_yaml_depth`), 150 includes (`ci_max_includes`). GitLab
 * measures a file by the memory its loaded objects take, which a static reading cannot know:
 * ci-explain counts the file's bytes, so what GitLab refuses for its size may still load here,
 * never the other way round. The total is ours: GitLab allows 150 × 2 MB (314,572,800 bytes,
 * `ci_max_total_yaml_size_bytes`), far more than one analysis may hold within its heap budget.
 */
export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  maxFileBytes: 2 * 1024 * 1024,
  maxTotalBytes: 32 * 1024 * 1024,
  maxIncludes: 150,
  maxIncludeDepth: 100,
  maxNestingDepth: 100,
  maxExpandedNodes: 1_000_000,
  maxExtendsDepth: 10,
  // Twice the largest configuration the benchmark analyses; the server's MAX_PIPELINE_JOBS sets it.
  maxJobs: 20_000,
  maxReferenceDepth: 10,
};

export function resolveLimits(overrides: Partial<LoadLimits> | undefined): LoadLimits {
  return { ...DEFAULT_LOAD_LIMITS, ...overrides };
}
