import type { Redis } from "ioredis";
import { predictionKey, type PredictionStore, type RecordedPredictions } from "../../platforms/prediction-store.js";
import { KEY_PREFIX } from "./connection.js";

/**
 * The reviews' predictions shared by every replica: the platform's pipeline event may reach
 * another replica than the review. Each record expires after `ttlSeconds` (a pipeline that
 * finishes later than that is not compared), which also bounds what Redis holds.
 */
export class RedisPredictionStore implements PredictionStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = 7 * 24 * 3600,
  ) {}

  async record(predictions: RecordedPredictions): Promise<void> {
    await this.redis.set(this.name(predictionKey(predictions.platform, predictions.project, predictions.sha)), JSON.stringify(predictions), "EX", this.ttlSeconds);
  }

  async find(platform: RecordedPredictions["platform"], project: string, sha: string): Promise<RecordedPredictions | undefined> {
    const text = await this.redis.get(this.name(predictionKey(platform, project, sha)));
    return text === null ? undefined : (JSON.parse(text) as RecordedPredictions);
  }

  private name(key: string): string {
    return `${KEY_PREFIX}:predictions:${key}`;
  }
}
