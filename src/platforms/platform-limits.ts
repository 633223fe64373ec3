/**
 * Caps both platforms share. Each is a cost bound on one review, not a correctness one: what
 * lies past a cap is either synthesised (branch names) or decided another way (changed files).
 */

/** Real branch names for branch contexts; past this many the engine synthesises names instead. */
export const MAX_BRANCHES = 1000;

/**
 * The most changed files a change's file list names. GitHub lists at most 3,000 files of a
 * pull request (REST "List pull requests files"); GitLab's default `max_files` for a merge
 * request diff is 3,000 too (Diff limits administration). A list this long may be cut short.
 */
export const MAX_LISTED_CHANGED_FILES = 3000;
