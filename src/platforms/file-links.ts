import type { ReportOptions } from "../report/index.js";

/**
 * Links from the report to a file line at the commit it was read from (base or head), in the
 * platform's web UI: `blobRoot` is `<repository>/blob` on GitHub, `<project>/-/blob` on GitLab.
 * The commits are read when a link is made: a GitLab MR's base is the merge base only once known.
 */
export function blobLinks(blobRoot: string, commits: { base: { sha?: string }; head: { sha: string } }): NonNullable<ReportOptions["fileUrl"]> {
  return (path, line, side = "head") =>
    `${blobRoot}/${side === "base" ? commits.base.sha : commits.head.sha}/${path.split("/").map(encodeURIComponent).join("/")}${line ? `#L${line}` : ""}`;
}
