import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { RefSpec, RunInputs } from "../../gitlab-ci/context.js";
import { ACTIONS_EVENTS } from "../../github-actions/events.js";
import { UsageError } from "./command.js";
import type { OptionValues } from "./options.js";

/**
 * What a real run has and the files do not show, given on the command line with the same
 * names on `simulate` and `analyze`: the commit, the PR's number and head commit, the clock,
 * and (GitHub Actions) the event and its webhook payload.
 */
export const RUN_INPUT_OPTIONS = ["sha", "pr-number", "mr-iid", "pr-head-sha", "now", "event", "event-payload"] as const;

export type { RunInputs };

const SHA = /^[0-9a-f]{4,64}$/i;

/** The run inputs given, checked (a wrong one is a usage error); the payload file is read here. */
export async function readRunInputs(values: OptionValues<(typeof RUN_INPUT_OPTIONS)[number]>, cwd: string): Promise<RunInputs> {
  const out: RunInputs = {};
  for (const [flag, value] of [
    ["sha", values.sha],
    ["pr-head-sha", values["pr-head-sha"]],
  ] as const) {
    if (value !== undefined && !SHA.test(value)) throw new UsageError(`--${flag} must be a commit SHA (hex digits), not "${value}"`);
  }
  if (values.sha !== undefined) out.sha = values.sha;
  if (values["pr-head-sha"] !== undefined) out.prHeadSha = values["pr-head-sha"];
  if (values["pr-number"] !== undefined) out.prNumber = parsePrNumber(values["pr-number"]);
  if (values.now !== undefined) {
    const at = Date.parse(values.now);
    if (Number.isNaN(at)) throw new UsageError(`--now must be a time such as 2024-05-01T12:00:00Z, not "${values.now}"`);
    out.now = new Date(at).toISOString();
  }
  if (values.event !== undefined) out.event = checkEvent(values.event);
  if (values["event-payload"] !== undefined) out.eventPayload = await readPayload(values["event-payload"], cwd);
  return out;
}

/** `--event NAME`: one of the events a run is simulated for. */
export function checkEvent(event: string): string {
  if (!(ACTIONS_EVENTS as readonly string[]).includes(event)) throw new UsageError(`--event must be one of ${ACTIONS_EVENTS.join(", ")}, not "${event}"`);
  return event;
}

function parsePrNumber(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--pr-number (--mr-iid) must be a positive number, not "${text}"`);
  return n;
}

async function readPayload(file: string, cwd: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), "utf8");
  } catch {
    throw new UsageError(`--event-payload ${file}: cannot read the file`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--event-payload ${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) throw new UsageError(`--event-payload ${file}: a webhook payload is a JSON object`);
  return payload as Record<string, unknown>;
}

function text(payload: Readonly<Record<string, unknown>> | undefined, ...path: string[]): string | undefined {
  let v: unknown = payload;
  for (const key of path) v = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/**
 * The ref a payload names, for a run given no `--branch`, `--tag` or `--pr` (the payload wins
 * over the default branch): a PR's head and base, a release's tag, a push's or dispatch's `ref`.
 */
export function payloadRef(payload: Readonly<Record<string, unknown>> | undefined, event: string): RefSpec | undefined {
  if (!payload) return undefined;
  if (event === "pull_request" || event === "pull_request_target") {
    const source = text(payload, "pull_request", "head", "ref");
    const target = text(payload, "pull_request", "base", "ref");
    return source && target ? { kind: "mr", source, target } : undefined;
  }
  if (event === "release") {
    const tag = text(payload, "release", "tag_name");
    return tag ? { kind: "tag", name: tag } : undefined;
  }
  const ref = text(payload, "ref");
  if (ref?.startsWith("refs/tags/")) return { kind: "tag", name: ref.slice("refs/tags/".length) };
  if (ref?.startsWith("refs/heads/")) return { kind: "branch", name: ref.slice("refs/heads/".length) };
  return undefined;
}

/** The repository a payload names (`repository.full_name`, `repository.default_branch`). */
export function payloadRepository(payload: Readonly<Record<string, unknown>> | undefined): { project?: string; defaultBranch?: string } {
  return { project: text(payload, "repository", "full_name"), defaultBranch: text(payload, "repository", "default_branch") };
}
