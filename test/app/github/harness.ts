import { generateKeyPairSync, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import pino from "pino";
import { Probot } from "probot";
import type { AnalyzeInput } from "../../../src/analysis/analyze.js";
import type { Analysis } from "../../../src/analysis/model.js";
import { createGitHubApp, type GitHubAppDeps } from "../../../src/app/github-app.js";
import { MemoryDeliveryDedupe } from "../../../src/app/delivery-dedupe.js";
import { KeyedSerializer } from "../../../src/app/serialize-per-key.js";
import { SlidingWindowLimiter } from "../../../src/commands/rate-limit.js";
import { loadSettings } from "../../../src/config/load-settings.js";
import { LruBlobCache } from "../../../src/platforms/github/blob-cache.js";
import { commentMarker } from "../../../src/report/marker.js";
import type { FakeGitHub } from "../../platforms/github/fake-github.js";
import { TestOctokit } from "../../platforms/github/nock-github.js";

/** A throwaway app key, made at test time: no key is committed. */
export const PRIVATE_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

export const MARKER = commentMarker();

/** An Analysis with everything empty; tests set what they need. */
export function fakeAnalysis(input: AnalyzeInput, overrides: Partial<Analysis> = {}): Analysis {
  return {
    dialect: "gitlab-ci",
    base: { sha: input.baseSha, label: "base", diagnostics: [], ciFiles: [".gitlab-ci.yml"] },
    head: { sha: input.headSha, label: "head", diagnostics: [], ciFiles: [".gitlab-ci.yml"] },
    changedFiles: input.changedFiles ?? [],
    ciRelevant: true,
    contexts: [],
    recipes: [],
    hazards: [],
    verdict: { conclusion: "success", title: "changes CI on 1 of 2 branches", summary: "summary" },
    ...overrides,
  };
}

/**
 * Stand-ins for the engine and the report, so these tests are about the platform: which
 * requests go out, in which order, with which bodies. The engine is run for real in the
 * end-to-end and request-count tests.
 */
export function fakeDeps(overrides: Partial<GitHubAppDeps> = {}): GitHubAppDeps & { analyses: AnalyzeInput[] } {
  const analyses: AnalyzeInput[] = [];
  return {
    analyses,
    analyze: async (input) => {
      analyses.push(input);
      // Read the head's CI file the way the engine does, so reads are visible in the request log.
      await input.head.read(input.settings.ciConfigPath);
      return fakeAnalysis(input);
    },
    loadSettings: (source) => loadSettings(source),
    report: {
      marker: MARKER,
      comment: (analyses) => `${MARKER}\nreport for ${analyses[0].head.sha}: ${analyses.map((a) => a.verdict.title).join(" + ")}`,
      check: (analyses) => ({ ...analyses[0].verdict, annotations: [] }),
      noCiChange: (pr) => `${MARKER}\nno longer changes CI as of ${pr.head.sha}`,
    },
    explain: (_analysis, command) => `explain ${command.targets.join(",")} job=${command.job ?? "-"} vars=${JSON.stringify(command.variables)}`,
    blobCache: new LruBlobCache(),
    deliveries: new MemoryDeliveryDedupe(),
    commandLimiter: new SlidingWindowLimiter(),
    serializer: new KeyedSerializer(),
    now: () => 0,
    ...overrides,
  };
}

export interface Harness {
  probot: Probot;
  logs: Array<{ msg?: string; reason?: string; event?: string; delivery?: string; level: number }>;
  receive(name: string, payload: unknown, id?: string): Promise<void>;
}

export async function startApp(deps: GitHubAppDeps, Octokit: typeof TestOctokit = TestOctokit): Promise<Harness> {
  const logs: Harness["logs"] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logs.push(JSON.parse(line) as Harness["logs"][number]);
      done();
    },
  });
  const probot = new Probot({ appId: 123, privateKey: PRIVATE_KEY, Octokit, log: pino({ level: "debug" }, stream) });
  await probot.load(createGitHubApp(deps));
  return {
    probot,
    logs,
    receive: (name, payload, id = randomUUID()) => probot.receive({ id, name, payload } as unknown as Parameters<Probot["receive"]>[0]),
  };
}

const REPOSITORY = {
  id: 1,
  name: "demo",
  full_name: "acme/demo",
  owner: { login: "acme", type: "Organization" },
  html_url: "https://github.com/acme/demo",
  default_branch: "master",
};

export interface PrPayloadOptions {
  action?: string;
  number?: number;
  headSha?: string;
  baseSha?: string;
  headRef?: string;
  draft?: boolean;
  headRepo?: string;
  changes?: Record<string, unknown>;
  /** `pull_request.changed_files`, as GitHub counts them (not capped). */
  changedFiles?: number;
}

export function pullRequestPayload(o: PrPayloadOptions = {}): unknown {
  const [headOwner, headName] = (o.headRepo ?? "acme/demo").split("/");
  return {
    action: o.action ?? "opened",
    number: o.number ?? 7,
    pull_request: {
      number: o.number ?? 7,
      state: "open",
      draft: o.draft ?? false,
      changed_files: o.changedFiles ?? 1,
      head: { sha: o.headSha ?? "head1", ref: o.headRef ?? "feature", repo: { name: headName, full_name: `${headOwner}/${headName}`, owner: { login: headOwner } } },
      base: { sha: o.baseSha ?? "base1", ref: "master", repo: { name: "demo", full_name: "acme/demo", owner: { login: "acme" } } },
    },
    repository: REPOSITORY,
    installation: { id: 42 },
    sender: { login: "alice", type: "User" },
    ...(o.changes ? { changes: o.changes } : {}),
  };
}

export function commentPayload(body: string, o: { user?: { login: string; type: string }; association?: string; number?: number; onIssue?: boolean; id?: number } = {}): unknown {
  const user = o.user ?? { login: "alice", type: "User" };
  return {
    action: "created",
    issue: { number: o.number ?? 7, ...(o.onIssue ? {} : { pull_request: { url: "https://api.github.com/repos/acme/demo/pulls/7" } }) },
    comment: { id: o.id ?? 555, body, user, author_association: o.association ?? "CONTRIBUTOR" },
    repository: REPOSITORY,
    installation: { id: 42 },
    sender: user,
  };
}

export function checkRunPayload(headSha: string, pullRequests: number[], externalId?: string): unknown {
  return {
    action: "rerequested",
    check_run: {
      name: "ci-explain",
      head_sha: headSha,
      external_id: externalId ?? "",
      pull_requests: pullRequests.map((number) => ({ number, head: { sha: headSha, ref: "feature" }, base: { sha: "base1", ref: "master" } })),
    },
    repository: REPOSITORY,
    installation: { id: 42 },
    sender: { login: "alice", type: "User" },
  };
}

export function checkSuitePayload(headSha: string, pullRequests: number[]): unknown {
  return {
    action: "rerequested",
    check_suite: {
      head_sha: headSha,
      pull_requests: pullRequests.map((number) => ({ number, head: { sha: headSha, ref: "feature" }, base: { sha: "base1", ref: "master" } })),
    },
    repository: REPOSITORY,
    installation: { id: 42 },
    sender: { login: "alice", type: "User" },
  };
}

/** A small two-revision repository: the PR makes the build job manual. */
export function seedRepository(fake: FakeGitHub, files: { base?: Record<string, string>; head?: Record<string, string> } = {}): void {
  const ci = "build:\n  script: make\n";
  fake.addCommit("base1", files.base ?? { ".gitlab-ci.yml": ci, "README.md": "hello" });
  fake.addCommit("head1", files.head ?? { ".gitlab-ci.yml": `${ci}  when: manual\n`, "README.md": "hello" });
  fake.addPull({ number: 7, head: { sha: "head1", ref: "feature" }, base: { sha: "base1", ref: "master" }, files: [".gitlab-ci.yml"] });
}
