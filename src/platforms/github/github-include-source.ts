import type { IncludeSource, Lookup } from "../../core/include-source.js";
import type { BlobCache } from "./blob-cache.js";
import type { GitHubApi } from "./github-api.js";
import { contentsSchema } from "./schema.js";

/**
 * Files of other GitHub repositories (reusable workflows `owner/repo/.github/workflows/x.yml@ref`)
 * through the REST API with the installation token: what the installation can read, which is its
 * own repositories and public ones. A ref is resolved to its commit (one request); the file at a
 * commit is cached by (repository, commit, path), so a workflow pinned by SHA costs one request,
 * once. GitLab's kinds (releases, templates, remote URLs) do not exist here.
 */
export class GitHubIncludeSource implements IncludeSource {
  readonly label = "the GitHub API";

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
    const [owner, repo] = project.split("/");
    const fetch = async () => {
      const response = await this.api.rest.repos.getContent({ owner, repo, path, ref: commit });
      const content = contentsSchema.parse(response.data);
      if (Array.isArray(content) || content.type !== "file" || !("content" in content) || content.content === undefined) throw new Error(`${path} is not a file`);
      return content.encoding === "base64" ? Buffer.from(content.content, "base64").toString("utf8") : content.content;
    };
    try {
      return { found: await this.cache.getOrFetch(`include\0github\0${project}\0${commit}\0${path}`, fetch) };
    } catch (err) {
      return this.unread(`${project}/${path}@${commit.slice(0, 12)}`, err);
    }
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
    const status = typeof err === "object" && err !== null && "status" in err ? String((err as { status: unknown }).status) : undefined;
    if (status === "404") return { unread: `${what} was not found, or the installation cannot read it` };
    return { unread: `reading ${what} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
