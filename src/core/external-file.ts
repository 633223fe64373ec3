/**
 * Positions in files from outside the analysed repository carry a name that says where the file
 * came from: `group/project@<12 characters of the commit>:path` for another project's file,
 * `template:Name.gitlab-ci.yml` for an instance template, the URL for a remote include.
 */
export function externalFileName(project: string, commit: string, path: string): string {
  return `${project}@${/^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 12) : commit}:${path}`;
}

/** Whether a position's file is outside the analysed repository (a link into the repository would be wrong). */
export function isExternalFileName(file: string): boolean {
  return /^(template:|https?:\/\/)/.test(file) || /^[^:]+@[^:/]+:/.test(file);
}
