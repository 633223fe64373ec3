import { loadSettings } from "../../config/load-settings.js";
import type { Settings } from "../../config/settings.js";
import { mergeBase, openRevision, repositoryFacts, resolvableRev, WORKTREE, type Repository } from "./open-source.js";

/** The settings of the base revision, and which revision that was. */
export interface BaseSettings {
  settings: Settings;
  rev: string;
}

/**
 * The settings a token is trusted with — the GitLab GITLAB_TOKEN is sent to (`server_url`) and
 * the hosts remote includes are fetched from — read from the base revision, as the bots read
 * settings: the revision analysed (HEAD, the work tree, a branch to review) may change
 * `.ci-explain.yml`, so what it says is analysed, never trusted. The base is `base` when the user
 * named one, else the merge-base of the revision with the default branch, named by the user or
 * by git — never by the analysed revision's settings, which could name itself. Undefined without
 * git, or when no such revision exists.
 */
export async function readBaseSettings(
  repo: Repository,
  { rev, base, defaultBranch }: { rev: string | undefined; base?: string; defaultBranch?: string },
): Promise<BaseSettings | undefined> {
  if (!repo.isGit) return undefined;
  let baseRev = base;
  if (baseRev === undefined) {
    const branch = defaultBranch ?? (await repositoryFacts(repo, { project: false })).defaultBranch;
    if (branch === undefined) return undefined;
    const target = (await resolvableRev(repo, branch)) ?? (await resolvableRev(repo, `origin/${branch}`));
    if (target === undefined) return undefined;
    baseRev = await mergeBase(repo, rev === undefined || rev === WORKTREE ? "HEAD" : rev, target);
    if (baseRev === undefined) return undefined;
  }
  const { source } = await openRevision(repo, baseRev);
  return { settings: (await loadSettings(source)).settings, rev: baseRev };
}
