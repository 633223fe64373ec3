import { createHash } from "node:crypto";

/**
 * An in-memory GitHub REST API for one repository: enough of git trees/blobs, pulls,
 * check runs, issue comments and reactions for the app. Served through nock in unit
 * tests and through a real HTTP server in the end-to-end test, so both see the same API.
 * Every request is recorded for assertions.
 */

export interface RecordedRequest {
  method: string;
  /** Path without the `/api/v3` prefix, with the query string. */
  path: string;
  body: unknown;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  /** The issue or pull request it is on: each PR lists only its own comments. */
  issue: number;
}

export interface FakeCheckRun {
  id: number;
  head_sha: string;
  name: string;
  status: string;
  conclusion?: string;
  external_id?: string;
  output?: { title?: string; summary?: string; text?: string };
  annotations: unknown[];
  /** Every create/update body, in order. */
  writes: unknown[];
}

export interface FakePull {
  number: number;
  state?: string;
  draft?: boolean;
  head: { sha: string; ref: string; repoFullName?: string };
  base: { sha: string; ref: string };
  /** Changed paths (pulls.listFiles). */
  files: string[];
}

export interface FakeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const BOT = { login: "ci-explain[bot]", type: "Bot" };

/** git's blob id: sha1("blob <bytes>\0<content>"). */
export function gitBlobSha(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly comments: FakeComment[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  readonly reactions: Array<{ commentId: number; content: string }> = [];
  /** Commit SHA → path → text. */
  readonly commits = new Map<string, Record<string, string>>();
  readonly pulls = new Map<number, FakePull>();
  /** Branch names (repos.listBranches). */
  branches: string[] = ["master"];
  /** Requests answered with an error status: method + path prefix (without query). */
  readonly failures: Array<{ method: string; pathPrefix: string; status: number }> = [];
  /** One-off replies, used up in order: the next matching request gets the first (rate limits, retries). */
  readonly onceReplies: Array<{ method: string; pathPrefix: string; reply: FakeReply }> = [];
  /** Commits whose recursive tree GitHub reports as truncated (listing nothing), as for huge repositories. */
  readonly truncatedTrees = new Set<string>();
  /** Blobs GraphQL gives no whole text for (`isTruncated`, as for a large file): the REST blobs API must be asked. */
  readonly truncatedBlobs = new Set<string>();
  /** `base...head` → merge base, for compare requests; by default the base itself. */
  readonly mergeBases = new Map<string, string>();
  /** Workflow runs, newest first (`GET /actions/runs`, filtered by branch, event, head_sha, check_suite_id). */
  workflowRuns: Array<{ id: number; name: string; head_branch: string; head_sha: string; event: string; run_attempt?: number; check_suite_id?: number }> = [];
  /** Each run's jobs (`GET /actions/runs/{id}/jobs`, paged in `{ total_count, jobs }`). */
  readonly runJobs = new Map<number, Array<{ id: number; name: string; status: string; conclusion: string | null }>>();
  /** Page size the fake uses when the client asks for more (GitHub caps per_page at 100). */
  pageSize = 100;
  private nextId = 1000;

  constructor(
    readonly owner = "acme",
    readonly repo = "demo",
    /** Base URL clients use, for Link headers. */
    public baseUrl = "https://api.github.com",
  ) {}

  addCommit(sha: string, files: Record<string, string>): this {
    this.commits.set(sha, files);
    return this;
  }

  addPull(pull: FakePull): this {
    this.pulls.set(pull.number, pull);
    return this;
  }

  addComment(body: string, user = BOT, issue = 7): FakeComment {
    const comment = { id: this.nextId++, body, user, issue };
    this.comments.push(comment);
    return comment;
  }

  failOn(method: string, pathPrefix: string, status = 500): this {
    this.failures.push({ method, pathPrefix, status });
    return this;
  }

  /** Answer the next `method` request under `pathPrefix` with `reply`, once. */
  replyOnce(method: string, pathPrefix: string, reply: FakeReply): this {
    this.onceReplies.push({ method, pathPrefix, reply });
    return this;
  }

  /** The blob SHAs each GraphQL query asked for, query by query. */
  graphqlBlobs(): string[][] {
    return this.requests
      .filter((r) => r.method === "POST" && /graphql$/.test(r.path.split("?")[0]))
      .map((r) => Object.entries((r.body as { variables: Record<string, string> }).variables).filter(([k]) => /^o\d+$/.test(k)).map(([, v]) => v));
  }

  /** Requests other than the App's own (token exchange, GET /app), as `METHOD path` lines. */
  calls(): string[] {
    return this.requests.filter((r) => !/^\/app(\/|$|\?)/.test(r.path)).map((r) => `${r.method} ${decodeURIComponent(r.path.split("?")[0])}`);
  }

  handle(method: string, rawPath: string, body: unknown): FakeReply {
    const path = rawPath.replace(/^\/api\/v3/, "");
    this.requests.push({ method, path, body });
    const [pathname, query = ""] = path.split("?");
    const params = new URLSearchParams(query);
    const failure = this.failures.find((f) => f.method === method && pathname.startsWith(f.pathPrefix));
    if (failure) return { status: failure.status, body: { message: "Server Error" } };
    const once = this.onceReplies.findIndex((o) => o.method === method && pathname.startsWith(o.pathPrefix));
    if (once >= 0) return this.onceReplies.splice(once, 1)[0].reply;

    // The App itself (GET /app, as the App): its slug names its bot user, `ci-explain[bot]`.
    if (method === "GET" && pathname === "/app") return ok({ id: 123, slug: BOT.login.replace(/\[bot\]$/, ""), name: "ci-explain" });
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(pathname)) {
      return { status: 201, body: { token: "ghs_test", expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {}, repository_selection: "all" } };
    }
    if (method === "POST" && (pathname === "/graphql" || pathname === "/api/graphql")) return this.graphql(body as { query: string; variables: Record<string, string> });
    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (!pathname.startsWith(`${prefix}/`)) return notFound();
    const route = pathname.slice(prefix.length);
    let m: RegExpMatchArray | null;

    if (method === "GET" && (m = route.match(/^\/git\/trees\/([^/]+)$/))) {
      const files = this.commits.get(m[1]);
      if (!files) return notFound();
      if (this.truncatedTrees.has(m[1])) return ok({ sha: m[1], url: "", tree: [], truncated: true });
      const tree = Object.entries(files).map(([p, text]) => ({ path: p, mode: "100644", type: "blob", sha: gitBlobSha(text), size: Buffer.byteLength(text) }));
      return ok({ sha: m[1], url: "", tree, truncated: false });
    }
    if (method === "GET" && (m = route.match(/^\/compare\/([^./]+)\.\.\.([^./]+)$/))) {
      // Unless a test says otherwise, the base commit is itself the merge base.
      if (!this.commits.has(m[1]) || !this.commits.has(m[2])) return notFound();
      const mergeBase = this.mergeBases.get(`${m[1]}...${m[2]}`) ?? m[1];
      return ok({ merge_base_commit: { sha: mergeBase }, commits: [], files: this.compareFiles(mergeBase, m[2]) });
    }
    if (method === "GET" && (m = route.match(/^\/git\/blobs\/([0-9a-f]+)$/))) {
      for (const files of this.commits.values()) {
        for (const text of Object.values(files)) {
          if (gitBlobSha(text) === m[1]) return ok({ sha: m[1], size: Buffer.byteLength(text), encoding: "base64", content: Buffer.from(text).toString("base64") });
        }
      }
      return notFound();
    }
    if (method === "GET" && (m = route.match(/^\/contents\/(.*)$/))) {
      const files = this.commits.get(params.get("ref") ?? "");
      const target = decodeURIComponent(m[1]);
      if (!files) return notFound();
      if (files[target] !== undefined) return ok({ type: "file", path: target, sha: gitBlobSha(files[target]) });
      const below = Object.keys(files).filter((p) => p.startsWith(`${target}/`));
      if (below.length === 0) return notFound();
      const children = new Map<string, string>();
      for (const p of below) {
        const rest = p.slice(target.length + 1);
        const child = `${target}/${rest.split("/")[0]}`;
        children.set(child, rest.includes("/") ? "dir" : "file");
      }
      return ok([...children].map(([path, type]) => ({ type, path, sha: type === "file" ? gitBlobSha(files[path]) : "0".repeat(40) })));
    }
    if (method === "GET" && (m = route.match(/^\/pulls\/(\d+)\/files$/))) {
      const pull = this.pulls.get(Number(m[1]));
      if (!pull) return notFound();
      // GitHub lists at most 3,000 files of a pull request.
      return this.page(pathname, params, pull.files.slice(0, 3000).map((filename) => ({ filename, status: "modified" })));
    }
    if (method === "GET" && (m = route.match(/^\/pulls\/(\d+)$/))) {
      const pull = this.pulls.get(Number(m[1]));
      return pull ? ok(this.pullJson(pull)) : notFound();
    }
    if (method === "GET" && route === "/pulls") {
      const open = [...this.pulls.values()].filter((p) => (p.state ?? "open") === "open").map((p) => this.pullJson(p));
      return this.page(pathname, params, open);
    }
    if (method === "GET" && route === "/branches") {
      return this.page(pathname, params, this.branches.map((name) => ({ name, protected: false })));
    }
    if (method === "POST" && route === "/check-runs") {
      const b = body as Record<string, unknown>;
      const run: FakeCheckRun = {
        id: this.nextId++,
        head_sha: String(b.head_sha),
        name: String(b.name),
        status: String(b.status ?? "queued"),
        external_id: b.external_id === undefined ? undefined : String(b.external_id),
        annotations: [],
        writes: [b],
      };
      // A check may be created already completed, with its conclusion and output.
      if (b.conclusion !== undefined) run.conclusion = String(b.conclusion);
      const created = b.output as { annotations?: unknown[]; title?: string; summary?: string; text?: string } | undefined;
      if (created) {
        const { annotations, ...output } = created;
        run.output = output;
        run.annotations.push(...(annotations ?? []));
      }
      this.checkRuns.push(run);
      return { status: 201, body: { id: run.id, head_sha: run.head_sha, name: run.name, status: run.status } };
    }
    if (method === "PATCH" && (m = route.match(/^\/check-runs\/(\d+)$/))) {
      const run = this.checkRuns.find((r) => r.id === Number(m?.[1]));
      if (!run) return notFound();
      const b = body as { status?: string; conclusion?: string; output?: { annotations?: unknown[]; title?: string; summary?: string; text?: string } };
      run.writes.push(b);
      if (b.status) run.status = b.status;
      if (b.conclusion) run.conclusion = b.conclusion;
      if (b.output) {
        const { annotations, ...output } = b.output;
        run.output = { ...run.output, ...output };
        run.annotations.push(...(annotations ?? []));
      }
      return ok({ id: run.id, status: run.status, conclusion: run.conclusion ?? null });
    }
    if (method === "GET" && route === "/actions/runs") {
      const runs = this.workflowRuns.filter((r) => ["branch", "event", "head_sha", "check_suite_id"].every((k) => !params.has(k) || String((r as Record<string, unknown>)[k === "branch" ? "head_branch" : k]) === params.get(k)));
      return ok({ total_count: runs.length, workflow_runs: runs.map((r) => ({ path: ".github/workflows/ci.yml", status: "completed", conclusion: "success", pull_requests: [], ...r })) });
    }
    if (method === "GET" && (m = route.match(/^\/actions\/runs\/(\d+)\/jobs$/))) {
      const jobs = this.runJobs.get(Number(m[1]));
      if (!jobs) return notFound();
      const paged = this.page(pathname, params, jobs);
      return { ...paged, body: { total_count: jobs.length, jobs: paged.body } };
    }
    if (method === "GET" && (m = route.match(/^\/issues\/(\d+)\/comments$/))) {
      return this.page(pathname, params, this.comments.filter((c) => c.issue === Number(m?.[1])));
    }
    if (method === "POST" && (m = route.match(/^\/issues\/(\d+)\/comments$/))) {
      const comment = this.addComment(String((body as { body: string }).body), BOT, Number(m[1]));
      return { status: 201, body: comment };
    }
    if (method === "PATCH" && (m = route.match(/^\/issues\/comments\/(\d+)$/))) {
      const comment = this.comments.find((c) => c.id === Number(m?.[1]));
      if (!comment) return notFound();
      comment.body = String((body as { body: string }).body);
      return ok(comment);
    }
    if (method === "POST" && (m = route.match(/^\/issues\/comments\/(\d+)\/reactions$/))) {
      this.reactions.push({ commentId: Number(m[1]), content: String((body as { content: string }).content) });
      return { status: 201, body: { id: this.nextId++, content: (body as { content: string }).content } };
    }
    return notFound();
  }

  /**
   * The compare API's files, merge base → head, in GitHub's shape: at most 300, each with its
   * status and new blob SHA. https://docs.github.com/en/rest/commits/commits#compare-two-commits
   */
  private compareFiles(from: string, to: string): unknown[] {
    const before = this.commits.get(from) ?? {};
    const after = this.commits.get(to) ?? {};
    const files: unknown[] = [];
    for (const path of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      if (before[path] === after[path]) continue;
      const status = before[path] === undefined ? "added" : after[path] === undefined ? "removed" : "modified";
      const text = after[path] ?? before[path];
      files.push({ sha: gitBlobSha(text), filename: path, status, additions: 1, deletions: 1, changes: 2 });
    }
    return files.slice(0, 300);
  }

  /**
   * GitHub's GraphQL API as far as ci-explain asks it: blobs by object id or by
   * `commit:path`, one alias each (`b0: object(oid: $o0) { ... on Blob { oid text isTruncated } }`).
   * A query for a blob of no commit answers null for it, as GitHub does for an unknown object;
   * another repository is one GitHub does not show (`NOT_FOUND`).
   */
  private graphql(body: { query: string; variables: Record<string, string> }): FakeReply {
    if (body.variables.owner !== this.owner || body.variables.name !== this.repo) {
      return ok({ data: { repository: null }, errors: [{ type: "NOT_FOUND", path: ["repository"], message: `Could not resolve to a Repository with the name '${body.variables.owner}/${body.variables.name}'.` }] });
    }
    const blob = (text: string) => {
      const oid = gitBlobSha(text);
      return this.truncatedBlobs.has(oid) ? { oid, text: text.slice(0, 10), isTruncated: true } : { oid, text, isTruncated: false };
    };
    const repository: Record<string, unknown> = {};
    for (const m of body.query.matchAll(/(b\d+): object\(oid: \$(o\d+)\)/g)) {
      const oid = body.variables[m[2]];
      const text = [...this.commits.values()].flatMap((files) => Object.values(files)).find((t) => gitBlobSha(t) === oid);
      repository[m[1]] = text === undefined ? null : blob(text);
    }
    // `object(expression: "<commit>:<path>")`: the file at that commit; a folder is a Tree (no Blob fields).
    for (const m of body.query.matchAll(/(b\d+): object\(expression: \$(e\d+)\)/g)) {
      const expression = body.variables[m[2]];
      const at = expression.indexOf(":");
      const files = this.commits.get(expression.slice(0, at));
      const path = expression.slice(at + 1);
      const text = files?.[path];
      repository[m[1]] = text !== undefined ? blob(text) : files && Object.keys(files).some((p) => p.startsWith(`${path}/`)) ? {} : null;
    }
    return ok({ data: { repository } });
  }

  /** The `commit:path` expressions each GraphQL query asked for, query by query. */
  graphqlPaths(): string[][] {
    return this.requests
      .filter((r) => r.method === "POST" && /graphql$/.test(r.path.split("?")[0]))
      .map((r) => Object.entries((r.body as { variables: Record<string, string> }).variables).filter(([k]) => /^e\d+$/.test(k)).map(([, v]) => v));
  }

  private pullJson(pull: FakePull): unknown {
    const repo = (fullName: string) => {
      const [owner, name] = fullName.split("/");
      return { name, full_name: fullName, owner: { login: owner } };
    };
    const own = `${this.owner}/${this.repo}`;
    return {
      number: pull.number,
      state: pull.state ?? "open",
      draft: pull.draft ?? false,
      changed_files: pull.files.length,
      head: { sha: pull.head.sha, ref: pull.head.ref, repo: repo(pull.head.repoFullName ?? own) },
      base: { sha: pull.base.sha, ref: pull.base.ref, repo: repo(own) },
    };
  }

  /** GitHub-style pagination: `per_page`, `page`, and a `Link: rel="next"` header. */
  private page(pathname: string, params: URLSearchParams, items: unknown[]): FakeReply {
    const perPage = Math.min(Number(params.get("per_page") ?? 30), this.pageSize);
    const page = Number(params.get("page") ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URLSearchParams(params);
      next.set("page", String(page + 1));
      headers.link = `<${this.baseUrl}${pathname}?${next}>; rel="next"`;
    }
    return { status: 200, body: slice, headers };
  }
}

function ok(body: unknown): FakeReply {
  return { status: 200, body };
}

function notFound(): FakeReply {
  return { status: 404, body: { message: "Not Found" } };
}
