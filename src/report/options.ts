/** What the platform tells the renderers; everything else comes from the Analysis. */
export interface ReportOptions {
  /** "PR" on GitHub, "MR" on GitLab; also how the platform names things. */
  platform: "github" | "gitlab";
  /**
   * Link to a file at the head SHA (or the base SHA for `side: "base"`, e.g. a removed
   * job's rule); without it positions are shown as `path:line`.
   */
  fileUrl?: (path: string, line?: number, side?: "base" | "head") => string;
  /** Upper bound for the comment; defaults to `COMMENT_BUDGET`. */
  maxChars?: number;
  /** Marker key, so several reports (dialects) can live in one MR; see marker.ts. */
  markerKey?: string;
  /**
   * Where the settings file was read from: the base revision (the bot, so a change cannot relax
   * its own review; the default), the head revision (`ci-explain analyze`), or a file given on the
   * command line.
   */
  settingsFrom?: "base" | "head" | "given";
}

/**
 * GitHub refuses comment bodies over 65,536 characters; we keep 60,000 so the platform
 * layer can still add a line (and GitLab's 1,000,000 limit never matters).
 */
export const COMMENT_BUDGET = 60_000;

/** GitHub check run `output.summary` and `output.text` limits, each. */
export const CHECK_OUTPUT_LIMIT = 65_535;

export function changeNoun(platform: ReportOptions["platform"]): "MR" | "PR" {
  return platform === "github" ? "PR" : "MR";
}
