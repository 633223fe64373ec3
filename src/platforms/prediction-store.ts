import type { Analysis } from "../analysis/model.js";
import type { LoadedSettings } from "../config/settings.js";
import type { PredictedRun } from "../verify/predicted-run.js";

/**
 * What a review predicted for the pipelines its head commit gets, kept until the platform says
 * what it ran (GitLab's Pipeline Hook, GitHub's workflow_run): the bot then compares the two.
 */
export interface RecordedPredictions {
  platform: "gitlab" | "github";
  /** `group/project` or `owner/repo`. */
  project: string;
  sha: string;
  /** The merge/pull request whose review made the predictions (its sticky comment). */
  change: { number: number; url?: string };
  runs: PredictedRun[];
  /** `comment.prediction_misses` of the settings the review read. */
  commentOnMiss: boolean;
}

/** Async, so that replicas can share one (Redis): the hook may reach another replica than the review. */
export interface PredictionStore {
  record(predictions: RecordedPredictions): Promise<void>;
  find(platform: RecordedPredictions["platform"], project: string, sha: string): Promise<RecordedPredictions | undefined>;
}

export function predictionKey(platform: string, project: string, sha: string): string {
  return `${platform}:${project}@${sha}`;
}

/**
 * In memory, the oldest first out, bounded by the characters the records hold as JSON (a
 * record of a 10,000-job pipeline is a few megabytes; most are a few kilobytes). Kept as
 * JSON text, so a record is plain data that nobody can change after it is written.
 */
export class MemoryPredictionStore implements PredictionStore {
  private readonly records = new Map<string, string>();
  private size = 0;

  /** 16 M characters: thousands of reviews' predictions. */
  constructor(private readonly maxChars = 16 * 1024 * 1024) {}

  async record(predictions: RecordedPredictions): Promise<void> {
    const key = predictionKey(predictions.platform, predictions.project, predictions.sha);
    const text = JSON.stringify(predictions);
    this.forget(key);
    if (text.length > this.maxChars) return;
    this.records.set(key, text);
    this.size += text.length;
    for (const [oldest, value] of this.records) {
      if (this.size <= this.maxChars) break;
      this.records.delete(oldest);
      this.size -= value.length;
    }
  }

  async find(platform: RecordedPredictions["platform"], project: string, sha: string): Promise<RecordedPredictions | undefined> {
    const text = this.records.get(predictionKey(platform, project, sha));
    return text === undefined ? undefined : (JSON.parse(text) as RecordedPredictions);
  }

  private forget(key: string): void {
    const known = this.records.get(key);
    if (known === undefined) return;
    this.records.delete(key);
    this.size -= known.length;
  }
}

/**
 * Keep a review's predictions for its head commit: those of the dialect the platform runs
 * (GitLab CI on GitLab, GitHub Actions on GitHub). Nothing to keep without a store.
 */
export async function keepPredictions(
  store: PredictionStore | undefined,
  at: Omit<RecordedPredictions, "runs" | "commentOnMiss">,
  analyses: readonly Pick<Analysis, "dialect" | "predictions">[],
  settings: LoadedSettings,
): Promise<void> {
  const dialect: Analysis["dialect"] = at.platform === "gitlab" ? "gitlab-ci" : "github-actions";
  const runs = analyses.filter((a) => a.dialect === dialect).flatMap((a) => a.predictions ?? []);
  if (!store || runs.length === 0) return;
  await store.record({ ...at, runs, commentOnMiss: settings.settings.comment.predictionMisses });
}
