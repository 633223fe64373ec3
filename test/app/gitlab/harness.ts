import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import type { AnalyzeInput } from "../../../src/analysis/analyze.js";
import { createGitLabWebhook, defaultGitLabAppDeps, GITLAB_WEBHOOK_PATH, type GitLabAppDeps, type GitLabWebhook } from "../../../src/app/gitlab-webhook.js";
import { createGitLabApi } from "../../../src/platforms/gitlab/gitlab-api.js";
import { commentMarker } from "../../../src/report/marker.js";
import { fakeAnalysis } from "../github/harness.js";

export const GITLAB = "https://gitlab.example.com";
export const SECRET = "s3cret-token-for-tests";
export const MARKER = commentMarker();
export const MR_URL = "https://gitlab.example.com/acme/demo/-/merge_requests/7";

/** Real webhook route and GitLab client; the engine and report are stand-ins, as on the GitHub side. */
export function fakeGitLabDeps(overrides: Partial<GitLabAppDeps> = {}): GitLabAppDeps & { analyses: AnalyzeInput[] } {
  const analyses: AnalyzeInput[] = [];
  const api = createGitLabApi({ url: GITLAB, token: "glpat-test", retry: { retries: 0, baseMs: 1, maxWaitMs: 1, timeoutMs: 30_000 } });
  return {
    ...defaultGitLabAppDeps({ api, secret: SECRET, log: pino({ level: "silent" }) }),
    analyses,
    // The stand-in engine: one analysis, so every dialect goes through `analyze` here.
    analyzeRepository: undefined,
    analyze: async (input) => {
      analyses.push(input);
      await input.head.read(input.settings.ciConfigPath);
      return fakeAnalysis(input);
    },
    report: {
      marker: MARKER,
      comment: ([analysis]) => `${MARKER}\nreport for ${analysis.head.sha}: ${analysis.verdict.title}`,
      status: ([analysis]) => ({ state: analysis.verdict.conclusion === "failure" ? "failed" : "success", description: analysis.verdict.title }),
      noCiChange: (mr) => `${MARKER}\nno longer changes CI as of ${mr.head.sha}`,
      explain: (_analysis, command) => `explain ${command.targets.join(",")} job=${command.job ?? "-"}`,
    },
    ...overrides,
  };
}

export interface Receiver {
  hook: GitLabWebhook;
  send(event: string, payload: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** The webhook route on a local HTTP server; `send` waits for the answer AND the work after it. */
export async function startReceiver(deps: GitLabAppDeps): Promise<Receiver> {
  const hook = createGitLabWebhook(deps);
  const server: Server = createServer((req, res) => {
    void hook.route(req, res).then((handled) => handled || res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${GITLAB_WEBHOOK_PATH}`;
  return {
    hook,
    send: async (event, payload, headers = {}) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-gitlab-event": event, "x-gitlab-token": SECRET, ...headers },
        body: JSON.stringify(payload),
      });
      const body: unknown = await response.json();
      await hook.idle();
      return { status: response.status, body };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const PROJECT = { id: 1, path_with_namespace: "acme/demo", web_url: "https://gitlab.example.com/acme/demo", default_branch: "main" };

export function mrHook(o: { action?: string; headSha?: string; oldrev?: string; draft?: boolean; changes?: Record<string, unknown>; state?: string } = {}): unknown {
  return {
    object_kind: "merge_request",
    user: { id: 5, username: "alice" },
    project: PROJECT,
    object_attributes: {
      iid: 7,
      url: MR_URL,
      state: o.state ?? "opened",
      action: o.action ?? "open",
      source_branch: "feature",
      target_branch: "main",
      draft: o.draft ?? false,
      last_commit: { id: o.headSha ?? "head1" },
      ...(o.oldrev ? { oldrev: o.oldrev } : {}),
    },
    ...(o.changes ? { changes: o.changes } : {}),
  };
}

export function noteHook(note: string, o: { user?: { id: number; username: string; bot?: boolean }; noteId?: number; noteable?: string } = {}): unknown {
  return {
    object_kind: "note",
    user: o.user ?? { id: 5, username: "alice" },
    project: PROJECT,
    object_attributes: { id: o.noteId ?? 321, note, noteable_type: o.noteable ?? "MergeRequest", action: "create" },
    merge_request: { iid: 7, url: MR_URL, state: "opened", source_branch: "feature", target_branch: "main", last_commit: { id: "head1" } },
  };
}
