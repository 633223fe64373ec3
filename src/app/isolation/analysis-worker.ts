import { parentPort, workerData } from "node:worker_threads";
import { analyze } from "../../analysis/analyze.js";
import { analyzeRepository } from "../../analysis/analyze-repository.js";
import type { FileSource } from "../../core/file-source.js";
import { ParseCache } from "../../gitlab-ci/load/parse-cache.js";
import { reportView } from "../../report/report-view.js";
import { includesAskedBy, type FromWorker, type IncludeQuestion, type Side, type SourceShape, type ToWorker } from "./source-protocol.js";

/**
 * One analysis worker thread (analysis-pool.ts starts it): it runs analyses one at a time,
 * reading both revisions and other projects' includes from the server through messages, and keeps one parse cache for its
 * life, bounded by bytes within its heap budget.
 */
const port = parentPort;
if (!port) throw new Error("analysis-worker.ts runs as a worker thread");
const parseCache = new ParseCache((workerData as { parseCacheBytes: number }).parseCacheBytes);
const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
let nextCall = 0;

const send = (message: FromWorker) => port.postMessage(message);

/** Send a question to the server; its answer settles the promise. */
function ask(question: (call: number) => FromWorker): Promise<unknown> {
  const id = nextCall++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    send(question(id));
  });
}

const call = (side: Side, verb: "read" | "list" | "blobId", path: string) => ask((id) => ({ type: "call", call: id, side, verb, path }));
const askInclude = (question: IncludeQuestion) => ask((id) => ({ type: "include", call: id, question }));

/** A revision held by the server, read through messages. */
function remoteSource(side: Side, shape: SourceShape): FileSource {
  return {
    label: shape.label,
    read: (path) => call(side, "read", path) as Promise<string | undefined>,
    list: (dir) => call(side, "list", dir) as Promise<string[]>,
    ...(shape.blobId ? { blobId: (path: string) => call(side, "blobId", path) as Promise<string | undefined> } : {}),
    ...(shape.prefetch ? { prefetch: (paths: readonly string[]) => send({ type: "prefetch", side, paths: [...paths] }) } : {}),
  };
}

port.on("message", (message: ToWorker) => {
  if (message.type === "answer") {
    const waiting = pending.get(message.call);
    pending.delete(message.call);
    if (message.ok) waiting?.resolve(message.value);
    else waiting?.reject(new Error(message.message));
    return;
  }
  const input = {
    ...message.input,
    base: remoteSource("base", message.sources.base),
    head: remoteSource("head", message.sources.head),
    ...(message.includes ? { includeSource: includesAskedBy(message.includes, askInclude) } : {}),
    parseCache,
  };
  const run = message.entry === "analyze" ? analyze(input).then((a) => [a]) : analyzeRepository(input);
  run.then(
    // What the reports read, as plain data (the simulation's lazy records cannot be copied).
    (analyses) => send({ type: "done", ok: true, analyses: analyses.map(reportView) }),
    (err: unknown) => send({ type: "done", ok: false, message: err instanceof Error ? err.message : String(err) }),
  );
});
send({ type: "ready" });
