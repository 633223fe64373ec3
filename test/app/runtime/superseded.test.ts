import { describe, expect, it } from "vitest";
import { gitHubJobFor } from "../../../src/app/github-queue.js";
import { MemoryWorkQueue } from "../../../src/app/queue/memory-queue.js";
import type { WorkJob } from "../../../src/app/queue/work-queue.js";
import { reviewChange, type ChangeReview } from "../../../src/platforms/review-flow.js";
import { SupersededError } from "../../../src/platforms/write-guard.js";
import { MemorySource } from "../../../src/core/memory-source.js";
import { defaultSettings } from "../../../src/config/defaults.js";
import type { Analysis } from "../../../src/analysis/model.js";

/** A review whose writes fail as superseded from the `failAt`-th write on. */
function review(failAt: "finish" | "comment" | "never") {
  const writes: string[] = [];
  const stale = (step: string) => {
    if (step === failAt) throw new SupersededError({ key: "github:acme/demo#7", sha: "old1" }, "new22222222");
  };
  const source = new MemorySource({ ".gitlab-ci.yml": "a: {script: x}\n" });
  const change: ChangeReview<string, Analysis> = {
    analyze: async () => ({ ciRelevant: true }) as Analysis,
    reader: {
      listChangedFiles: async () => [".gitlab-ci.yml"],
      listBranchNames: async () => ["main"],
      revisions: () => ({ base: source, head: source }),
      target: () => ({ baseSha: "base", headSha: "old1" }),
      settings: async () => ({ settings: defaultSettings(), diagnostics: [] }),
    },
    publisher: {
      verdictLinksToComment: false,
      start: async () => void writes.push("start"),
      finish: async (v) => {
        stale("finish");
        writes.push(`finish ${v}`);
      },
      upsertComment: async () => {
        stale("comment");
        writes.push("comment");
        return "created";
      },
      superseded: async (by) => void writes.push(`superseded by ${by.slice(0, 8)}`),
    },
    renderer: {
      comment: () => "body",
      verdict: () => "success",
      noCiChangeVerdict: "success",
      noCiChangeComment: () => "none",
      couldNotAnalyse: (reason) => `failed: ${reason}`,
      conclusion: (v) => v,
    },
    policy: "auto",
    draft: false,
  };
  return { change, writes };
}

describe("a review a newer push supersedes", () => {
  it.each([
    ["before its verdict: the verdict is closed as superseded", "finish" as const, ["start", "superseded by new22222"]],
    ["after its verdict: the publisher is asked, and leaves a finished verdict alone", "comment" as const, ["start", "finish success", "superseded by new22222"]],
  ])("stopped %s", async (_name, failAt, expected) => {
    const { change, writes } = review(failAt);
    await expect(reviewChange(change)).rejects.toBeInstanceOf(SupersededError);
    expect(writes).toEqual(expected);
  });
});

describe("a Re-run for an older SHA", () => {
  it("is queued although a newer SHA is the PR's newest (a person asked), and never supersedes", async () => {
    const queue = new MemoryWorkQueue(1);
    const newer: WorkJob = { key: "github:acme/demo#7", sha: "new2", deliveryId: "d1", kind: "review", supersedes: true, payload: {} };
    await queue.enqueue(newer);
    const rerun = gitHubJobFor({
      name: "check_run",
      id: "d2",
      payload: { action: "rerequested", repository: { full_name: "acme/demo" }, installation: { id: 1 }, check_run: { head_sha: "old1", pull_requests: [{ number: 7 }] } },
    } as unknown as Parameters<typeof gitHubJobFor>[0]);
    expect(rerun).toMatchObject({ key: "github:acme/demo#7", kind: "rerun", supersedes: false });
    expect(rerun?.sha).toBeUndefined();
    expect(await queue.enqueue(rerun as WorkJob)).toBe("queued");
  });
});
