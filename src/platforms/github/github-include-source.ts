import type { IncludeSource, Lookup } from "../../core/include-source.js";
import type { BlobCache } from "./blob-cache.js";
import type { GitHubApi } from "./github-api.js";
import { GitHubBlobs } from "./github-blobs.js";

/**
 * Files of other GitHub repositories (reusable workflows `owner/repo/.github/workflows/x.yml@ref`)
 * through the API with the installation token: what the installation can read, which is its
 * own repositories and public ones. A ref is resolved to its commit (one request); files are read
 * as the analysed repository's are (GitHubBlobs: GraphQL, the files asked for together in one
 * request), and what a path holds at a commit is kept in the long-lived cache, so a workflow
 * pinned by SHA costs one request, once. GitLab's kinds (releases, templates, remote URLs) do
 * not exist here.
 */
export class GitHubIncludeSource implements IncludeSource {
  readonly label = "the GitHub API";
  private readonly blobs = new Map<string, GitHubBlobs>();

  constructor(
    private readonly api: GitHubApi,
    private readonly cache: BlobCache,
  ) {}

  async commit(project: string, ref: string | undefined): Promise<Lookup<string>> {
    const [owner, repo] = project.split("/");
    try {
      const response = ref === undefined ? await this.api.rest.repos.get({ owner, repo }) : await this.api.rest.repos.getCommit({ owner, repo, ref });
      const data: unknown = response.data;
      const field = ref === undefined ? "default_branch" : "sha";
      const value = typeof data === "object" && data !== null ? (data as Record<string, unknown>)[field] : undefined;
      if (typeof value !== "string") return { unread: `GitHub gave no ${field} for ${project}` };
      return ref === undefined ? this.commit(project, value) : { found: value };
    } catch (err) {
      return this.unread(project, err);
    }
  }

  async file(project: string, commit: string, path: string): Promise<Lookup<string>> {
    try {
      const text = await this.blobsOf(project).readAt(commit, path);
      return text === undefined ? { missing: `${project} has no file ${path} at ${commit.slice(0, 12)}` } : { found: text };
    } catch (err) {
      return this.unread(`${project}/${path}@${commit.slice(0, 12)}`, err);
    }
  }

  /** Another repository's files, read as the analysed one's are: many per GraphQL request, kept by commit and blob SHA. */
  private blobsOf(project: string): GitHubBlobs {
    let blobs = this.blobs.get(project);
    if (!blobs) {
      const [owner, repo] = project.split("/");
      blobs = new GitHubBlobs(this.api, { owner, repo }, this.cache);
      this.blobs.set(project, blobs);
    }
    return blobs;
  }

  async releases(): Promise<Lookup<never>> {
    return { unread: "releases are a GitLab component notion" };
  }

  async template(): Promise<Lookup<never>> {
    return { unread: "instance templates are GitLab's" };
  }

  async remote(url: string): Promise<Lookup<never>> {
    return { unread: `${url} is a GitLab remote include` };
  }

  private unread(what: string, err: unknown): Lookup<never> {
    if (isNotFound(err)) return { unread: `${what} was not found, or the installation cannot read it` };
    return { unread: `reading ${what} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * REST answers 404; GraphQL answers a `NOT_FOUND` error for a repository that does not exist
 * or that the installation may not read (GitHub does not say which).
 */
function isNotFound(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  if ("status" in err && String(err.status) === "404") return true;
  return "errors" in err && Array.isArray(err.errors) && err.errors.some((e: unknown) => typeof e === "object" && e !== null && "type" in e && e.type === "NOT_FOUND");
}
