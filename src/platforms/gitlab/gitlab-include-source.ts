import type { IncludeSource, Lookup, ReleaseList, ReleaseTag } from "../../core/include-source.js";
import { LruBlobCache, type BlobCache } from "../blob-cache.js";
import { remoteIncludeReader } from "../http/remote-include.js";
import { httpStatusOf, type GitLabApi } from "./gitlab-api.js";
import { GitLabBlobs, ProjectNotShown } from "./gitlab-blobs.js";

export interface GitLabIncludeSourceOptions {
  api: GitLabApi;
  /** The instance's URL; its host is the one components may name (`CI_SERVER_FQDN`). */
  serverUrl: string;
  /** The analysed project (id or path): instance templates are read as it sees them. */
  project?: number | string;
  /**
   * What other projects' paths hold at a commit, and texts by blob id, across analyses (the
   * bot's blob cache; Redis when replicas share one). Absent: each analysis asks again.
   */
  cache?: BlobCache;
  /** `includes: remote_hosts` of the base revision's settings (never the head's): the hosts `include: remote:` files are fetched from. */
  remoteHosts: readonly string[];
}

/** Releases read for a component's `~latest` or `1.2`: GitLab lists the newest first; a full list may have older ones. */
const MAX_RELEASES = 100;

/**
 * Project, component and template includes through the GitLab REST API, with the token of
 * whoever runs ci-explain (the bot's, the CI job's, the CLI user's). A project the token cannot
 * see is unread (GitLab answers 404 for "no access" too); a ref or file missing from a project it
 * can see is missing, as GitLab would report it.
 *
 * Requests per include: files are read as the analysed project's are (GitLabBlobs: GraphQL,
 * the files asked for together in one request, then from the cache); at a tag or branch one
 * more to resolve the ref; without a ref two more (the project's default branch, then its
 * commit). A component adds a releases listing for `~latest` or `1.2`.
 */
export class GitLabIncludeSource implements IncludeSource {
  readonly label: string;
  readonly host: string;
  /** Whether the token sees a project, asked once per project (a component's first path often misses). */
  private readonly visible = new Map<string, Promise<boolean>>();

  private readonly remoteReader: (url: string) => Promise<Lookup<string>>;
  private readonly blobs = new Map<string, GitLabBlobs>();
  /** The long-lived cache, or one of this source's own (one analysis). */
  private readonly cache: BlobCache;

  constructor(private readonly options: GitLabIncludeSourceOptions) {
    this.remoteReader = remoteIncludeReader(options.remoteHosts);
    this.cache = options.cache ?? new LruBlobCache();
    const url = new URL(options.serverUrl);
    this.host = url.host;
    this.label = url.host;
  }

  async commit(project: string, ref: string | undefined): Promise<Lookup<string>> {
    const { api } = this.options;
    try {
      let named = ref;
      if (named === undefined) {
        const facts = await api.project(project);
        named = stringField(facts, "default_branch");
        if (!named) return { unread: `${project} has no default branch` };
      }
      const sha = stringField(await api.commit(project, named), "id");
      return sha ? { found: sha } : { unread: `GitLab gave no commit for ${project}@${named}` };
    } catch (err) {
      if (httpStatusOf(err) !== 404) return this.unread(project, err);
      // 404 is a missing ref, or a project this token cannot see: ask which.
      return (await this.projectVisible(project)) ? { missing: `${project} has no ref ${ref}` } : this.noProject(project);
    }
  }

  async releases(project: string): Promise<Lookup<ReleaseList>> {
    try {
      const raw = await this.options.api.releases(project, MAX_RELEASES);
      const releases: ReleaseTag[] = [];
      for (const r of raw) {
        const tag = stringField(r, "tag_name");
        const commit = stringField(objectField(r, "commit"), "id");
        if (tag) releases.push(commit ? { tag, commit } : { tag });
      }
      return { found: { tags: releases, complete: raw.length < MAX_RELEASES } };
    } catch (err) {
      return httpStatusOf(err) === 404 ? this.noProject(project) : this.unread(project, err);
    }
  }

  async file(project: string, commit: string, path: string): Promise<Lookup<string>> {
    try {
      const text = await this.blobsOf(project).read(commit, path);
      return text === undefined ? { missing: `${project} has no file ${path} at ${commit.slice(0, 12)}` } : { found: text };
    } catch (err) {
      return err instanceof ProjectNotShown ? this.noProject(project) : this.unread(project, err);
    }
  }

  async template(name: string): Promise<Lookup<string>> {
    const { api, project } = this.options;
    if (project === undefined) return { unread: "the project is not known, and templates are read as a project sees them" };
    try {
      const content = stringField(await api.ciTemplate(project, name.replace(/\.gitlab-ci\.yml$/, "")), "content");
      return content === undefined ? { unread: `GitLab gave no content for the template ${name}` } : { found: content };
    } catch (err) {
      return httpStatusOf(err) === 404 ? { missing: `${this.host} has no template ${name}` } : this.unread(name, err);
    }
  }

  remote(url: string): Promise<Lookup<string>> {
    return this.remoteReader(url);
  }

  /** Another project's files, read as the analysed project's are: many per GraphQL request, kept by commit and blob id. */
  private blobsOf(project: string): GitLabBlobs {
    let blobs = this.blobs.get(project);
    if (!blobs) {
      blobs = new GitLabBlobs(this.options.api, { id: project, path: project }, this.cache);
      this.blobs.set(project, blobs);
    }
    return blobs;
  }

  private projectVisible(project: string): Promise<boolean> {
    let known = this.visible.get(project);
    if (!known) {
      known = this.options.api.project(project).then(
        () => true,
        () => false,
      );
      this.visible.set(project, known);
    }
    return known;
  }

  private noProject(project: string): Lookup<never> {
    return { unread: `project ${project} was not found on ${this.host}, or the token cannot read it` };
  }

  private unread(what: string, err: unknown): Lookup<never> {
    const status = httpStatusOf(err);
    if (status === 401 || status === 403) return { unread: `the token may not read ${what} on ${this.host} (HTTP ${status})` };
    return { unread: `reading ${what} from ${this.host} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function objectField(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function stringField(value: unknown, name: string): string | undefined {
  const field = objectField(value, name);
  return typeof field === "string" && field !== "" ? field : undefined;
}
