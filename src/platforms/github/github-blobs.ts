import type { BlobCache } from "../blob-cache.js";
import { TickBatcher } from "../http/tick-batcher.js";
import type { GitHubApi, RepoRef } from "./github-api.js";
import { gitBlobSchema } from "./schema.js";

/** Blobs one GraphQL query asks for: well inside GitHub's node and query-size limits. */
const BLOBS_PER_QUERY = 100;

interface GraphQLBlob {
  text: string | null;
  isTruncated: boolean;
}

/**
 * File texts of one repository by blob SHA, for every revision a review reads. Texts come
 * from the shared blob cache first (a blob SHA names content, so an entry never goes stale,
 * across pushes too); the rest are asked for many per request: one GraphQL query with an
 * alias per blob (`b0: object(oid: …) { … on Blob { text } }`). A blob GraphQL gives no
 * whole text for (binary, or too large: `isTruncated`) is read from the REST blobs API.
 * https://docs.github.com/en/graphql/reference/objects#blob
 */
export class GitHubBlobs {
  private readonly batcher: TickBatcher<string, string | undefined>;

  constructor(
    private readonly api: GitHubApi,
    private readonly repo: RepoRef,
    private readonly cache: BlobCache,
  ) {
    this.batcher = new TickBatcher((shas) => this.fetchMany(shas), (sha) => sha, undefined, BLOBS_PER_QUERY);
  }

  read(blobSha: string): Promise<string> {
    return this.cache.getOrFetch(blobSha, async () => (await this.batcher.get(blobSha)) ?? this.fetchOne(blobSha));
  }

  private async fetchMany(shas: string[]): Promise<Map<string, string | undefined>> {
    const variables: Record<string, string> = { owner: this.repo.owner, name: this.repo.repo };
    shas.forEach((sha, i) => (variables[`o${i}`] = sha));
    const declared = shas.map((_, i) => `$o${i}: GitObjectID!`).join(", ");
    const fields = shas.map((_, i) => `b${i}: object(oid: $o${i}) { ... on Blob { text isTruncated } }`).join(" ");
    const data = await this.api.graphql<{ repository: Record<string, GraphQLBlob | null> }>(
      `query($owner: String!, $name: String!, ${declared}) { repository(owner: $owner, name: $name) { ${fields} } }`,
      variables,
    );
    const texts = new Map<string, string | undefined>();
    shas.forEach((sha, i) => {
      const blob = data.repository[`b${i}`];
      texts.set(sha, blob && blob.text !== null && !blob.isTruncated ? blob.text : undefined);
    });
    return texts;
  }

  private async fetchOne(blobSha: string): Promise<string> {
    const response = await this.api.rest.git.getBlob({ ...this.repo, file_sha: blobSha });
    const blob = gitBlobSchema.parse(response.data);
    return blob.encoding === "base64" ? Buffer.from(blob.content, "base64").toString("utf8") : blob.content;
  }
}
