import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { gitBlobSha } from "../github/fake-github.js";

/**
 * An in-memory GitLab REST API v4 for one project and one merge request: raw files and
 * trees at commits, MR versions/diffs/pipelines/notes, branches, award emoji and commit
 * statuses. Served through nock in unit tests and by a real HTTP server in the end-to-end
 * test, so both see the same API. Every request is recorded.
 */

export const BOT_USER = { id: 99, username: "ci-explain-bot" };

export interface FakeNote {
  id: number;
  body: string;
  author: { id: number; username: string };
  system: boolean;
}

export interface FakeStatus {
  sha: string;
  state: string;
  name?: string;
  description?: string;
  target_url?: string;
  pipeline_id?: number;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakePipeline {
  id: number;
  sha: string;
  ref: string;
  source: string;
  status?: string;
  before_sha?: string;
  jobs: Array<{ id: number; name: string; stage: string; status: string; allow_failure?: boolean }>;
  bridges?: Array<{ id: number; name: string; stage: string; status: string; allow_failure?: boolean; downstream_pipeline?: { id: number; sha: string; ref: string; status: string } | null }>;
  variables?: Array<{ key: string; value: string }>;
}

/** Another project of the instance, read by `include: project:` and `include: component:`. */
export interface FakeProject {
  defaultBranch: string;
  /** Branch name → commit. */
  branches: Record<string, string>;
  /** Tag name → commit. */
  tags: Record<string, string>;
  /** Commit → files. */
  commits: Record<string, Record<string, string>>;
  /** Tags that have a release, in any order. */
  releases: string[];
}

export class FakeGitLab {
  /** Other projects by full path. */
  readonly projects = new Map<string, FakeProject>();
  /** Instance CI templates by name without `.gitlab-ci.yml`. */
  readonly templates = new Map<string, string>();
  readonly requests: Array<{ method: string; path: string; body: unknown }> = [];
  readonly commits = new Map<string, Record<string, string>>();
  readonly notes: FakeNote[] = [];
  readonly statuses: FakeStatus[] = [];
  readonly awards: Array<{ noteId: number; name: string }> = [];
  branches = ["main"];
  /** The MR's diff versions, newest first. */
  versions: Array<{ base: string; head: string }> = [];
  diffPaths: string[] = [];
  /** GitLab's `max_files` (1,000 by default): a longer diff is cut there and `changes_count` says "1000+". */
  maxDiffFiles = 1000;
  /**
   * The MR's pipelines, newest first: the first is the MR API's `head_pipeline`. A
   * merged-results pipeline has the ref `refs/merge-requests/<iid>/merge` and runs on a merge
   * commit whose `parents` are the target tip and the MR's head.
   */
  pipelines: Array<{ id: number; sha: string; ref?: string; parents?: string[] }> = [];
  /** The project's path (`GET /projects/:id` answers it for the id and for the URL-encoded path). */
  projectPath = "acme/demo";
  /** What `GET /metadata` says (the CI Lint API's parameters depend on it). */
  version = "17.5.0";
  /** Each branch's head commit (`GET /repository/branches` names it). */
  readonly branchHeads: Record<string, string> = {};
  /** Tags, newest first. */
  tags: Array<{ name: string; sha: string }> = [];
  /** The CI Lint dry run's answer per `dry_run_ref` (or `ref`): valid, errors, jobs. */
  readonly lintAnswers = new Map<string, unknown>();
  /** The project's pipelines, newest first, with their jobs (JobBasic shape), bridges and variables. */
  projectPipelines: FakePipeline[] = [];
  /** Merge requests `GET /merge_requests` lists (filtered by source_branch / target_branch), with their pipelines' ids (newest first). */
  mergeRequestList: Array<{ iid: number; source_branch: string; target_branch: string; state: string; pipelines?: number[] }> = [];
  /** Pipeline schedules, with their variables and last pipeline. */
  schedules: Array<{ id: number; ref: string; last_pipeline?: { id: number }; variables: Array<{ key: string; value: string }> }> = [];
  /** Project members (direct or inherited): user id → access level (30 Developer, 40 Maintainer). */
  readonly members = new Map<number, number>();
  readonly failures: Array<{ method: string; pathPrefix: string; status: number }> = [];
  /** Files GitLab treats as binary: GraphQL gives no `rawTextBlob`, the raw API answers octet-stream. */
  readonly binaryPaths = new Set<string>();
  /** One-off replies (full paths), used up in order: rate limits, retries. */
  readonly onceReplies: Array<{ method: string; pathPrefix: string; reply: Reply }> = [];
  private nextId = 500;

  constructor(
    readonly projectId = 1,
    readonly iid = 7,
  ) {}

  addCommit(sha: string, files: Record<string, string>): this {
    this.commits.set(sha, files);
    return this;
  }

  /** Answer the next `method` request under `pathPrefix` (a full path, /api/v4/…) with `reply`, once. */
  replyOnce(method: string, pathPrefix: string, reply: Reply): this {
    this.onceReplies.push({ method, pathPrefix, reply });
    return this;
  }

  /** "METHOD /path" without the /api/v4/projects/1 prefix and without the query. */
  calls(): string[] {
    const prefix = `/api/v4/projects/${this.projectId}`;
    return this.requests.map((r) => `${r.method} ${r.path.split("?")[0].replace(prefix, "")}`);
  }

  handle(method: string, rawPath: string, body: unknown): Reply {
    this.requests.push({ method, path: rawPath, body });
    const url = new URL(rawPath, "http://fake");
    let m: RegExpMatchArray | null;
    const path = url.pathname;
    const q = url.searchParams;
    const failure = this.failures.find((f) => f.method === method && path.startsWith(f.pathPrefix));
    if (failure) return { status: failure.status, body: { message: "500 Internal Server Error" } };
    const once = this.onceReplies.findIndex((o) => o.method === method && path.startsWith(o.pathPrefix));
    if (once >= 0) return this.onceReplies.splice(once, 1)[0].reply;
    if (method === "GET" && path === "/api/v4/user") return ok(BOT_USER);
    if (method === "GET" && path === "/api/v4/metadata") return ok({ version: this.version, revision: "fake", kas: { enabled: false }, enterprise: false });
    const other = /^\/api\/v4\/projects\/([^/]+)(\/.*)?$/.exec(path);
    const project = other ? this.projects.get(decodeURIComponent(other[1])) : undefined;
    if (other && project) return this.otherProject(project, method, other[2] ?? "", q);
    const byPath = `/api/v4/projects/${encodeURIComponent(this.projectPath)}`;
    const prefix = path.startsWith(byPath) ? byPath : `/api/v4/projects/${this.projectId}`;
    if (method === "POST" && path === "/api/graphql") return this.graphql(body as { query: string; variables: Record<string, unknown> });
    if (!path.startsWith(prefix)) return notFound();
    const route = path.slice(prefix.length);
    const verified = this.verifyRoutes(method, route, q, body);
    if (verified) return verified;
    if (method === "GET" && (m = route.match(/^\/templates\/gitlab_ci_ymls\/(.+)$/))) {
      const name = decodeURIComponent(m[1]);
      const content = this.templates.get(name);
      return content === undefined ? notFound() : ok({ name, content });
    }
    const mr = `/merge_requests/${this.iid}`;

    if (method === "GET" && (m = route.match(/^\/repository\/files\/(.+)\/raw$/))) {
      const text = this.commits.get(q.get("ref") ?? "")?.[decodeURIComponent(m[1])];
      const binary = this.binaryPaths.has(decodeURIComponent(m[1]));
      return text === undefined ? notFound() : { status: 200, body: text, headers: { "content-type": binary ? "application/octet-stream" : "text/plain" } };
    }
    if (method === "GET" && route === "/repository/tree") {
      const files = this.commits.get(q.get("ref") ?? "");
      if (!files) return notFound();
      const dir = q.get("path") ?? "";
      const entries = Object.entries(files)
        .filter(([p]) => dir === "" || p.startsWith(`${dir}/`))
        .map(([p, text]) => ({ id: gitBlobSha(text), name: p.split("/").at(-1), type: "blob", path: p, mode: "100644" }));
      if (dir !== "" && entries.length === 0) return notFound();
      return this.page(url, entries);
    }
    if (method === "GET" && (m = route.match(/^\/members\/all\/(\d+)$/))) {
      const level = this.members.get(Number(m[1]));
      return level === undefined ? notFound() : ok({ id: Number(m[1]), username: `user${m[1]}`, access_level: level });
    }
    if (method === "GET" && route === "/repository/branches") return ok(this.branches.map((name) => ({ name, commit: { id: this.branchHeads[name] ?? "0".repeat(40) } })));
    if (method === "GET" && route === `${mr}/versions`) {
      return ok(this.versions.map((v, i) => ({ id: 100 - i, base_commit_sha: v.base, head_commit_sha: v.head, start_commit_sha: v.base })));
    }
    if (method === "GET" && route === `${mr}/diffs`) {
      return this.page(url, this.diffPaths.slice(0, this.maxDiffFiles).map((p) => ({ old_path: p, new_path: p, diff: "", new_file: false, renamed_file: false, deleted_file: false })));
    }
    if (method === "GET" && route === mr) return ok(this.mergeRequestJson());
    if (method === "GET" && (m = route.match(/^\/repository\/commits\/([0-9a-z]+)$/))) {
      const merge = this.pipelines.find((p) => p.sha === m![1] && p.parents);
      if (merge) return ok({ id: merge.sha, parent_ids: merge.parents });
      return this.commits.has(m[1]) ? ok({ id: m[1], parent_ids: [] }) : notFound();
    }
    if (method === "GET" && route === `${mr}/notes`) return ok(this.notes);
    if (method === "POST" && route === `${mr}/notes`) {
      const note: FakeNote = { id: this.nextId++, body: String(field(body, "body")), author: BOT_USER, system: false };
      this.notes.push(note);
      return { status: 201, body: note };
    }
    if (method === "PUT" && (m = route.match(/^\/merge_requests\/\d+\/notes\/(\d+)$/))) {
      const note = this.notes.find((n) => n.id === Number(m![1]));
      if (!note) return notFound();
      note.body = String(field(body, "body"));
      return ok(note);
    }
    if (method === "POST" && (m = route.match(/^\/merge_requests\/\d+\/notes\/(\d+)\/award_emoji$/))) {
      this.awards.push({ noteId: Number(m[1]), name: String(field(body, "name")) });
      return { status: 201, body: { id: this.nextId++, name: field(body, "name") } };
    }
    if (method === "POST" && (m = route.match(/^\/statuses\/([0-9a-z]+)$/))) {
      const b = (body ?? {}) as Record<string, unknown>;
      // GitLab refuses a target_url over 255 characters (gitlab-org/gitlab#321685); the fake holds name and description to the same bound.
      const tooLong = (["target_url", "name", "description"] as const).filter((key) => String(b[key] ?? "").length > 255);
      if (tooLong.length > 0) return { status: 400, body: { message: Object.fromEntries(tooLong.map((key) => [key, ["is too long (maximum is 255 characters)"]])) } };
      const status: FakeStatus = { sha: m[1], state: String(b.state) };
      for (const key of ["name", "description", "target_url", "pipeline_id"] as const) if (b[key] !== undefined) Object.assign(status, { [key]: b[key] });
      this.statuses.push(status);
      return { status: 201, body: { id: this.nextId++, ...status, status: status.state } };
    }
    return notFound();
  }

  /** What `ci-explain verify` reads: the project, tags, the CI Lint API, pipelines and their jobs. */
  private verifyRoutes(method: string, route: string, q: URLSearchParams, body: unknown): Reply | undefined {
    let m: RegExpMatchArray | null;
    if (method === "GET" && route === "") {
      return ok({ id: this.projectId, path_with_namespace: this.projectPath, web_url: `https://gitlab.example.com/${this.projectPath}`, default_branch: "main", ci_config_path: null });
    }
    if (method === "GET" && route === "/repository/tags") return ok(this.tags.map((t) => ({ name: t.name, commit: { id: t.sha } })));
    if (route === "/ci/lint") {
      const ref = method === "POST" ? String(field(body, "ref")) : (q.get("dry_run_ref") ?? q.get("ref") ?? "main");
      return ok(this.lintAnswers.get(ref) ?? { valid: true, errors: [], warnings: [], jobs: [] });
    }
    if (method === "GET" && route === "/pipelines") return ok(this.projectPipelines.filter((p) => !q.has("ref") || p.ref === q.get("ref")).map((p) => this.pipelineJson(p)));
    if (method === "GET" && (m = route.match(/^\/pipelines\/(\d+)(\/jobs|\/bridges|\/variables)?$/))) {
      const pipeline = this.projectPipelines.find((p) => p.id === Number(m![1]));
      if (!pipeline) return notFound();
      const basic = this.pipelineJson(pipeline);
      if (m[2] === "/jobs") return ok(pipeline.jobs.map((j) => ({ ...j, ref: pipeline.ref, tag: false, pipeline: basic })));
      if (m[2] === "/bridges") return ok((pipeline.bridges ?? []).map((b) => ({ ...b, ref: pipeline.ref, tag: false, pipeline: basic })));
      if (m[2] === "/variables") return ok((pipeline.variables ?? []).map((v) => ({ ...v, variable_type: "env_var" })));
      return ok({ ...basic, before_sha: pipeline.before_sha ?? "0".repeat(40), tag: this.tags.some((t) => t.name === pipeline.ref) });
    }
    if (method === "GET" && route === "/merge_requests") {
      return ok(this.mergeRequestList.filter((r) => (!q.has("source_branch") || r.source_branch === q.get("source_branch")) && (!q.has("target_branch") || r.target_branch === q.get("target_branch")) && (!q.has("state") || r.state === q.get("state"))));
    }
    if (method === "GET" && route === "/repository/compare") return ok({ commits: [], diffs: [], compare_timeout: false });
    if (method === "GET" && (m = route.match(/^\/merge_requests\/(\d+)\/pipelines$/))) {
      const ids = this.mergeRequestList.find((r) => r.iid === Number(m![1]))?.pipelines ?? [];
      return ok(this.projectPipelines.filter((p) => ids.includes(p.id)).map((p) => this.pipelineJson(p)));
    }
    if (method === "GET" && route === "/pipeline_schedules") return ok(this.schedules.map(({ variables: _v, last_pipeline: _l, ...s }) => ({ ...s, cron: "0 3 * * *", active: true })));
    if (method === "GET" && (m = route.match(/^\/pipeline_schedules\/(\d+)$/))) {
      const schedule = this.schedules.find((s) => s.id === Number(m![1]));
      return schedule ? ok({ ...schedule, cron: "0 3 * * *", active: true }) : notFound();
    }
    return undefined;
  }

  private pipelineJson(p: FakePipeline) {
    return { id: p.id, iid: p.id, project_id: this.projectId, sha: p.sha, ref: p.ref, status: p.status ?? "success", source: p.source, web_url: `https://gitlab.example.com/${this.projectPath}/-/pipelines/${p.id}` };
  }

  /**
   * GitLab's GraphQL API as far as ci-explain asks it: files at commits, a `blobs(ref:, paths:)`
   * field per commit; a path with no file is left out of the nodes, as GitLab does.
   */
  private graphql(body: { query: string; variables: Record<string, unknown> }): Reply {
    // This project, or another of the instance (include: project:); GitLab shows no project the token may not see.
    const other = this.projects.get(String(body.variables.project));
    if (body.variables.project !== this.projectPath && !other) return ok({ data: { project: null } });
    const commitFiles = (sha: string) => (other ? other.commits[sha] : this.commits.get(sha));
    const repository: Record<string, unknown> = {};
    for (const m of body.query.matchAll(/(r\d+): blobs\(ref: \$(r\d+), paths: \$(p\d+)\)/g)) {
      const files = commitFiles(String(body.variables[m[2]])) ?? {};
      const paths = body.variables[m[3]] as string[];
      repository[m[1]] = {
        nodes: paths.filter((p) => files[p] !== undefined).map((p) => ({ path: p, oid: gitBlobSha(files[p]), rawTextBlob: this.binaryPaths.has(p) ? null : files[p] })),
      };
    }
    return ok({ data: { project: { repository } } });
  }

  /** What each GraphQL query asked for: commit → paths, query by query (of `project` only, when given). */
  graphqlAsks(project?: string): Array<Record<string, string[]>> {
    return this.requests
      .filter((r) => r.method === "POST" && r.path === "/api/graphql")
      .filter((r) => project === undefined || (r.body as { variables: Record<string, unknown> }).variables.project === project)
      .map((r) => {
        const { query, variables } = r.body as { query: string; variables: Record<string, unknown> };
        const asks: Record<string, string[]> = {};
        for (const m of query.matchAll(/blobs\(ref: \$(r\d+), paths: \$(p\d+)\)/g)) asks[String(variables[m[1]])] = variables[m[2]] as string[];
        return asks;
      });
  }

  /** GitLab's offset pagination: `per_page` (at most 100, default 20), `page`, a `Link: rel="next"` header. */
  private page(url: URL, items: unknown[]): Reply {
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 20), 100);
    const page = Number(url.searchParams.get("page") ?? 1);
    const headers: Record<string, string> = { "x-page": String(page), "x-per-page": String(perPage), "x-total": String(items.length) };
    if (page * perPage < items.length) {
      const next = new URL(url);
      next.searchParams.set("page", String(page + 1));
      headers.link = `<${next.href}>; rel="next"`;
      headers["x-next-page"] = String(page + 1);
    }
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers };
  }

  /** The MR API's reply (a real GitLab 17 shape, trimmed to what matters here). */
  private mergeRequestJson(): unknown {
    const head = this.pipelines[0];
    return {
      id: 1000 + this.iid,
      iid: this.iid,
      project_id: this.projectId,
      state: "opened",
      sha: this.versions[0]?.head,
      changes_count: this.diffPaths.length > this.maxDiffFiles ? `${this.maxDiffFiles}+` : String(this.diffPaths.length),
      head_pipeline: head
        ? { id: head.id, iid: head.id - 40, project_id: this.projectId, sha: head.sha, ref: head.ref ?? "feature", status: "running", source: head.ref?.startsWith("refs/merge-requests/") ? "merge_request_event" : "push" }
        : null,
    };
  }

  /** The project facts, commits (a SHA, then a tag, then a branch, as git resolves a name), raw files and releases of another project. */
  private otherProject(project: FakeProject, method: string, route: string, q: URLSearchParams): Reply {
    if (method !== "GET") return notFound();
    if (route === "") return ok({ id: 1000, default_branch: project.defaultBranch });
    let m: RegExpMatchArray | null;
    if ((m = route.match(/^\/repository\/commits\/(.+)$/))) {
      const ref = decodeURIComponent(m[1]);
      const sha = project.commits[ref] ? ref : (project.tags[ref] ?? project.branches[ref]);
      return sha ? ok({ id: sha, short_id: sha.slice(0, 8) }) : notFound();
    }
    if ((m = route.match(/^\/repository\/files\/(.+)\/raw$/))) {
      const text = project.commits[q.get("ref") ?? ""]?.[decodeURIComponent(m[1])];
      return text === undefined ? notFound() : { status: 200, body: text, headers: { "content-type": "text/plain" } };
    }
    if (route === "/releases") return ok(project.releases.map((tag) => ({ tag_name: tag, commit: { id: project.tags[tag] } })));
    return notFound();
  }

  /** Serve through nock at `url` (e.g. https://gitlab.com). */
  serveWithNock(url: string): void {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    for (const method of ["get", "post", "put"] as const) {
      nock(url)
        .persist()
        [method](/.*/)
        .reply((path, body) => {
          const reply = this.handle(method.toUpperCase(), path, typeof body === "string" && body !== "" ? tryJson(body) : body);
          return [reply.status, typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body), { "content-type": "application/json", ...reply.headers }];
        });
    }
  }

  /** Serve over real HTTP on 127.0.0.1 (for the end-to-end test). */
  async listen(): Promise<{ url: string; server: Server }> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const reply = this.handle(req.method ?? "GET", req.url ?? "/", text ? tryJson(text) : undefined);
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  }
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function notFound(): Reply {
  return { status: 404, body: { message: "404 Not Found" } };
}

function field(body: unknown, name: string): unknown {
  return typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return Object.fromEntries(new URLSearchParams(text));
  }
}

export function stopNock(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}
