/**
 * Caps of the platforms' list APIs. Each is a cost bound on one review, not a correctness
 * one: what lies past a cap is either synthesised (branch names) or decided another way
 * (changed files, from the git trees).
 */

/** Real branch names for branch contexts; past this many the engine synthesises names instead. */
export const MAX_BRANCHES = 1000;

/**
 * The most files GitHub's pull request files API lists (REST "List pull requests files"):
 * a list this long may be cut short. (GitLab says so itself: `changes_count` "1000+".)
 */
export const MAX_LISTED_CHANGED_FILES = 3000;
