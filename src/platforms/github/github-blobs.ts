import { readAtCommit, type BlobCache, type FoundBlob } from "../blob-cache.js";
import { TickBatcher } from "../http/tick-batcher.js";
import type { GitHubApi, RepoRef } from "./github-api.js";
import { gitBlobSchema } from "./schema.js";

/** Blobs one GraphQL query asks for: well inside GitHub's node and query-size limits. */
const BLOBS_PER_QUERY = 100;

/** One alias of the query: a blob by its SHA, or whatever `commit:path` names. */
type Ask = { oid: string } | { commit: string; path: string };

interface GraphQLBlob {
  oid?: string;
  text?: string | null;
  isTruncated?: boolean;
}

/**
 * File texts of one repository, for every revision a review reads and for other
 * repositories' files (reusable workflows). Texts come from the shared blob cache first (a
 * blob SHA names content, so an entry never goes stale, across pushes too); the rest are
 * asked for many per request: one GraphQL query with an alias per blob
 * (`b0: object(oid: …) { … on Blob { text } }`), or per file of a commit when its blob SHA is
 * not known (`object(expression: "<commit>:<path>")`). A blob GraphQL gives no whole text for
 * (binary, or too large: `isTruncated`) is read from the REST blobs API.
 * https://docs.github.com/en/graphql/reference/objects#blob
 * https://docs.github.com/en/graphql/reference/objects#repository (`object`)
 */
export class GitHubBlobs {
  private readonly batcher: TickBatcher<Ask, FoundBlob | undefined>;

  constructor(
    private readonly api: GitHubApi,
    private readonly repo: RepoRef,
    private readonly cache: BlobCache,
  ) {
    this.batcher = new TickBatcher((asks) => this.fetchMany(asks), askId, undefined, BLOBS_PER_QUERY);
  }

  read(blobSha: string): Promise<string> {
    return this.cache.getOrFetch(blobSha, async () => (await this.batcher.get({ oid: blobSha }))?.text ?? this.fetchOne(blobSha));
  }

  /** The text of `path` at `commit`, or undefined when the commit has no file there. */
  async readAt(commit: string, path: string): Promise<string | undefined> {
    const ask = { commit, path };
    const file = await readAtCommit(this.cache, `github-path:${this.repo.owner}/${this.repo.repo}:${askId(ask)}`, () => this.batcher.get(ask), (oid) => this.fetchOne(oid));
    return file?.text;
  }

  private async fetchMany(asks: Ask[]): Promise<Map<string, FoundBlob | undefined>> {
    const variables: Record<string, string> = { owner: this.repo.owner, name: this.repo.repo };
    const declared: string[] = [];
    const fields: string[] = [];
    asks.forEach((ask, i) => {
      const [name, type, argument, value] = "oid" in ask ? [`o${i}`, "GitObjectID!", "oid", ask.oid] : [`e${i}`, "String!", "expression", askId(ask)];
      variables[name] = value;
      declared.push(`$${name}: ${type}`);
      fields.push(`b${i}: object(${argument}: $${name}) { ... on Blob { oid text isTruncated } }`);
    });
    const data = await this.api.graphql<{ repository: Record<string, GraphQLBlob | null> }>(
      `query($owner: String!, $name: String!, ${declared.join(", ")}) { repository(owner: $owner, name: $name) { ${fields.join(" ")} } }`,
      variables,
    );
    const found = new Map<string, FoundBlob | undefined>();
    asks.forEach((ask, i) => {
      const blob = data.repository[`b${i}`];
      // null: no such object; no oid: the path names a folder or a submodule, not a file.
      const oid = blob?.oid ?? ("oid" in ask && blob ? ask.oid : undefined);
      if (!blob || oid === undefined) return;
      const whole = typeof blob.text === "string" && !blob.isTruncated;
      found.set(askId(ask), whole ? { oid, text: blob.text as string } : { oid });
    });
    return found;
  }

  private async fetchOne(blobSha: string): Promise<string> {
    const response = await this.api.rest.git.getBlob({ ...this.repo, file_sha: blobSha });
    const blob = gitBlobSchema.parse(response.data);
    return blob.encoding === "base64" ? Buffer.from(blob.content, "base64").toString("utf8") : blob.content;
  }
}

/** `<commit>:<path>` is also the expression GitHub resolves. */
function askId(ask: Ask): string {
  return "oid" in ask ? ask.oid : `${ask.commit}:${ask.path}`;
}
