/** A merge request as the bot needs it, whichever hook named it. */
export interface MergeRequestRef {
  projectId: number;
  /** `group/project` of the target project. */
  projectPath: string;
  projectWebUrl?: string;
  defaultBranch?: string;
  iid: number;
  webUrl?: string;
  draft: boolean;
  /** Path of the source project when the MR comes from a fork. */
  sourceProjectPath?: string;
  head: { sha: string; ref: string };
  /** `sha` is the merge base once `prepare` has read the MR's latest diff version. */
  base: { sha?: string; ref: string };
}
