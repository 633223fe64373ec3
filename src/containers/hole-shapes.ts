/**
 * What an unknown part can hold when it stands for a value of a known shape. A commit SHA is
 * hex digits, a pipeline id is decimal digits: `app:«$CI_COMMIT_SHA»` can never be
 * `app:opensbi-cross-build`, so the two are not a possible collision. Only a hole that is the
 * variable's own value is typed (its label is exactly `$NAME`, `${NAME}` or the expression);
 * a script that may have reassigned the variable makes a hole of another label.
 */
export interface HoleShape {
  /** Every character the value may contain. */
  chars: string;
  /** Its length, in characters. */
  min: number;
  max: number;
}

const HEX = "0123456789abcdef";
const DIGITS = "0123456789";

/**
 * A full commit SHA: 40 hex digits for SHA-1, 64 for a SHA-256 repository (GitLab's experimental
 * object format); the lengths in between are let in too, which only ever says "possible".
 */
const COMMIT_SHA: HoleShape = { chars: HEX, min: 40, max: 64 };
/** Database ids and per-project numbers: at least one decimal digit (bigint: at most 20). */
const ID: HoleShape = { chars: DIGITS, min: 1, max: 20 };

/**
 * GitLab's predefined variables whose values have a documented shape (ci/variables/
 * predefined_variables.md): CI_COMMIT_SHORT_SHA is "the first eight characters of
 * CI_COMMIT_SHA"; CI_COMMIT_REF_SLUG is "lowercased, shortened to 63 bytes, and with everything
 * except 0-9 and a-z replaced with -"; ids are numbers. GitHub's `github.sha` / `GITHUB_SHA` is
 * the commit, run ids and numbers are numbers; docker/metadata-action's `type=sha` tags with the
 * commit, shortened to DOCKER_METADATA_SHORT_SHA_LENGTH (default 7) hex digits.
 */
const SHAPES: ReadonlyMap<string, HoleShape> = new Map<string, HoleShape>([
  ["CI_COMMIT_SHA", COMMIT_SHA],
  ["CI_COMMIT_BEFORE_SHA", COMMIT_SHA],
  ["CI_COMMIT_SHORT_SHA", { chars: HEX, min: 8, max: 8 }],
  ["CI_COMMIT_REF_SLUG", { chars: `${DIGITS}abcdefghijklmnopqrstuvwxyz-`, min: 1, max: 63 }],
  ["CI_PIPELINE_ID", ID],
  ["CI_PIPELINE_IID", ID],
  ["CI_JOB_ID", ID],
  ["CI_PROJECT_ID", ID],
  ["CI_MERGE_REQUEST_ID", ID],
  ["CI_MERGE_REQUEST_IID", ID],
  ["GITHUB_SHA", COMMIT_SHA],
  ["GITHUB_RUN_ID", ID],
  ["GITHUB_RUN_NUMBER", ID],
  ["github.sha", COMMIT_SHA],
  ["github.run_id", ID],
  ["github.run_number", ID],
  ["commit SHA", COMMIT_SHA],
  ["short commit SHA", { chars: HEX, min: 1, max: 64 }],
]);

/** The shape of a hole with this label, when it is one of the values above. */
export function holeShape(label: string): HoleShape | undefined {
  const name = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(label);
  return SHAPES.get(name ? (name[1] ?? name[2]) : label);
}

/** Whether a hole standing for variable `name` would be typed: a reassigned value must be labelled apart. */
export function hasShape(name: string): boolean {
  return SHAPES.has(name);
}
