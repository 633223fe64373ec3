import type { AnalyzeRepositoryInput } from "../../analysis/analyze-repository.js";
import type { Analysis } from "../../analysis/model.js";

/**
 * The messages between the server and an analysis worker. The analysis runs in the worker;
 * its two revisions stay in the server (API clients, caches, write guards), and the worker
 * reads them through these messages. Everything here is structured-clone data.
 */

export type Side = "base" | "head";

/** A revision as the worker sees it: its label, and which optional verbs it answers. */
export interface SourceShape {
  label: string;
  blobId: boolean;
  prefetch: boolean;
}

/** What one analysis needs, less the sources (sent as shapes) and anything that is not data. */
export type AnalysisRequest = Omit<AnalyzeRepositoryInput, "base" | "head" | "parseCache" | "stats">;

export type ToWorker =
  | { type: "analyze"; entry: "analyze" | "analyzeRepository"; input: AnalysisRequest; sources: Record<Side, SourceShape> }
  | { type: "answer"; call: number; ok: true; value: unknown }
  | { type: "answer"; call: number; ok: false; message: string };

export type FromWorker =
  | { type: "ready" }
  | { type: "call"; call: number; side: Side; verb: "read" | "list" | "blobId"; path: string }
  | { type: "prefetch"; side: Side; paths: readonly string[] }
  | { type: "done"; ok: true; analyses: Analysis[] }
  | { type: "done"; ok: false; message: string };
