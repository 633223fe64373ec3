import { z } from "zod";
import { readAtCommit, type BlobCache } from "../blob-cache.js";
import { ApiFailure } from "../describe-failure.js";
import { TickBatcher } from "../http/tick-batcher.js";
import type { GitLabApi } from "./gitlab-api.js";

/**
 * Paths one GraphQL query asks for. GitLab adds one to a query's complexity per path asked
 * (BlobsResolver) against a limit of 250, and pages a connection at 100 nodes.
 */
const PATHS_PER_QUERY = 100;

interface Ask {
  sha: string;
  path: string;
}

const blobsAnswer = z.object({
  project: z
    .object({
      repository: z.record(z.string(), z.object({ nodes: z.array(z.object({ path: z.string(), oid: z.string(), rawTextBlob: z.string().nullable() })) }).nullable()),
    })
    .nullable(),
});

/**
 * File texts of one GitLab project at any of its commits. A commit's files never change, so
 * what a path holds at a commit — its blob id, or that there is no such file — is kept in
 * the long-lived cache, and the text by blob id: the next push's merge base, and every file a
 * push does not touch, cost nothing. The rest are asked for many per request: one GraphQL
 * query with a `blobs(ref:, paths:)` field per commit. A text GraphQL does not give (binary)
 * is read from the raw file API.
 * https://docs.gitlab.com/api/graphql/reference/#repositoryblobs
 */
export class GitLabBlobs {
  private readonly batcher: TickBatcher<Ask, { oid: string; text: string | null } | undefined>;
  /** Blob ids learnt in this process, for `blobId` (cheap identity, no request). */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly api: GitLabApi,
    private readonly project: { id: number | string; path: string },
    private readonly cache: BlobCache,
  ) {
    this.batcher = new TickBatcher((asks) => this.fetchMany(asks), key, undefined, PATHS_PER_QUERY);
  }

  /** The text of `path` at commit `sha`, or undefined when there is no such file. */
  async read(sha: string, path: string): Promise<string | undefined> {
    const file = await readAtCommit(
      this.cache,
      `gitlab-path:${key({ sha, path })}`,
      async () => {
        const found = await this.batcher.get({ sha, path });
        return found && { oid: found.oid, ...(found.text !== null ? { text: found.text } : {}) };
      },
      async () => (await this.fetchRaw(sha, path)) ?? "",
    );
    if (file) this.known.set(key({ sha, path }), file.oid);
    return file?.text;
  }

  /** The blob id of `path` at `sha` when a read learnt it; never asks. */
  knownBlobId(sha: string, path: string): string | undefined {
    return this.known.get(key({ sha, path }));
  }

  private async fetchMany(asks: Ask[]): Promise<Map<string, { oid: string; text: string | null } | undefined>> {
    const bySha = new Map<string, string[]>();
    for (const ask of asks) bySha.set(ask.sha, [...(bySha.get(ask.sha) ?? []), ask.path]);
    const refs = [...bySha.entries()];
    const variables: Record<string, unknown> = { project: this.project.path };
    refs.forEach(([sha, paths], i) => Object.assign(variables, { [`r${i}`]: sha, [`p${i}`]: paths }));
    const declared = refs.map((_, i) => `$r${i}: String!, $p${i}: [String!]!`).join(", ");
    const fields = refs.map((_, i) => `r${i}: blobs(ref: $r${i}, paths: $p${i}) { nodes { path oid rawTextBlob } }`).join(" ");
    const data = blobsAnswer.parse(await this.api.graphql(`query($project: ID!, ${declared}) { project(fullPath: $project) { repository { ${fields} } } }`, variables));
    if (!data.project) throw new ProjectNotShown(`GitLab's GraphQL API does not show project ${this.project.path} to the token`);
    const found = new Map<string, { oid: string; text: string | null } | undefined>();
    refs.forEach(([sha], i) => {
      for (const node of data.project?.repository[`r${i}`]?.nodes ?? []) found.set(key({ sha, path: node.path }), { oid: node.oid, text: node.rawTextBlob });
    });
    return found;
  }

  private async fetchRaw(sha: string, path: string): Promise<string | undefined> {
    const body = await this.api.rawFile(this.project.id, path, sha);
    // gitbeaker: a string for text/* replies, a Blob for application/octet-stream.
    return typeof body === "string" ? body : await body.text();
  }
}

/** GraphQL answers `project: null`: the project does not exist, or the token may not see it. */
export class ProjectNotShown extends ApiFailure {}

function key(ask: Ask): string {
  return `${ask.sha}:${ask.path}`;
}
